// NYC subway, walkRadius 0 (transfers.txt only): earliest arrivals equal the independent Connection Scan
// reference on hundreds of random queries, unreachable ones included; every itinerary is feasible;
// arrive-by and range queries agree with the reference; the batch CLI answers like the reference.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadNyc, NYC_DATE, nycPath, sampler } from '../../../support/transit/nyc.ts';
import { Reference } from '../../../support/transit/reference.ts';
import { checkJourney } from '../../../support/transit/feasibility.ts';
import { rangeKeys, rangeOracle } from '../../../support/transit/range-oracle.ts';
import { arriveBy, buildNetwork, buildTimetable, departAfter, departureRange, findStop, formatClock, type Network, type Timetable } from '../../../../src/transit/engine/index.ts';
import { runBatch } from '../../../../src/transit/batch.ts';
import type { GtfsFeed } from '../../../../src/transit/gtfs/feed.ts';

let subway: GtfsFeed;
let ref: Reference;
let net: Network;
let tt: Timetable;
let places: string[];

before(async () => {
  subway = await loadNyc('subway');
  ref = new Reference([subway], NYC_DATE, 0);
  net = buildNetwork([subway], { walkRadius: 0 });
  tt = buildTimetable(net, NYC_DATE);
  // served platforms and stations (a station id means all its platforms)
  places = net.stopId.filter((_, s) => net.stopServed[s] || net.stopLocationType[s] === 1);
});

const place = (id: string) => ({ stop: findStop(net, id)! });

describe('NYC subway against the reference (walkRadius 0)', () => {
  it('has the expected size and uses the station transfers as footpaths', () => {
    assert.equal(net.stats.generatedFootpaths, 0);
    assert.ok(net.stats.explicitFootpaths > 1000);
    assert.equal(net.changeTime[findStop(net, 'subway:101N')!], 180);
    assert.ok(tt.stats.previousDayTrips > 0, 'trips of Tuesday still running after midnight');
  });

  it('equals the reference’s earliest arrival on 400 random queries, and every journey is feasible', () => {
    const r = sampler(20261014);
    let unreachable = 0;
    for (let i = 0; i < 400; i++) {
      const from = r.pick(places);
      const to = r.pick(places);
      const time = Math.floor(r.next() * 26 * 3600);
      const js = departAfter(tt, place(from), place(to), time);
      const expected = ref.earliestArrival([from], [to], time);
      const got = js.length ? Math.min(...js.map((j) => j.arrival)) : null;
      assert.equal(got, expected, `${from} → ${to} at ${formatClock(time)}`);
      if (expected === null) unreachable++;
      for (const j of js) assert.deepEqual(checkJourney(ref, j, { ids: [from] }, { ids: [to] }, time), [], `${from} → ${to} at ${formatClock(time)}`);
      // the Pareto front: more transfers only when arriving earlier
      for (let k = 1; k < js.length; k++) assert.ok(js[k]!.transfers > js[k - 1]!.transfers && js[k]!.arrival < js[k - 1]!.arrival);
    }
    assert.ok(unreachable > 0 && unreachable < 200, `${unreachable} unreachable`);
  });

  it('finds the latest departure for arrive-by queries', () => {
    const r = sampler(7);
    for (let i = 0; i < 60; i++) {
      const from = r.pick(places);
      const to = r.pick(places);
      const T = 7 * 3600 + Math.floor(r.next() * 14 * 3600);
      const js = arriveBy(tt, place(from), place(to), T);
      for (const j of js) assert.deepEqual(checkJourney(ref, j, { ids: [from] }, { ids: [to] }, T, true), []);
      if (!js.length) {
        const a = ref.earliestArrival([from], [to], 0);
        assert.ok(a === null || a > T, `${from} → ${to} by ${formatClock(T)}: nothing found but ${a}`);
        continue;
      }
      const D = Math.max(...js.map((j) => j.departure));
      const a = ref.earliestArrival([from], [to], D);
      assert.ok(a !== null && a <= T, `${from} → ${to} by ${formatClock(T)}: leaves ${formatClock(D)}`);
      const later = ref.earliestArrival([from], [to], D + 1);
      assert.ok(later === null || later > T, `${from} → ${to} by ${formatClock(T)}: ${formatClock(D + 1)} still arrives ${later}`);
    }
  });

  it('returns the Pareto set of a 60-minute window', () => {
    const r = sampler(99);
    let compared = 0;
    for (let i = 0; i < 25; i++) {
      const from = r.pick(places);
      const to = r.pick(places);
      const start = 6 * 3600 + Math.floor(r.next() * 14 * 3600);
      const end = start + 3600;
      const js = departureRange(tt, place(from), place(to), start, end);
      for (const j of js) assert.deepEqual(checkJourney(ref, j, { ids: [from] }, { ids: [to] }, start), []);
      // from any time in the window, the range holds a journey leaving no earlier with the reference's earliest arrival
      for (const t of [start, ...js.map((j) => j.departure), end]) {
        const m = js.filter((j) => j.departure >= t).reduce<number | null>((acc, j) => (acc === null || j.arrival < acc ? j.arrival : acc), null);
        if (from !== to) assert.equal(m, ref.earliestArrival([from], [to], t), `${from} → ${to} from ${formatClock(t)}`);
      }
      // and exactly the Pareto set found by one query per departure
      const oracle = rangeOracle(tt, place(from), place(to), start, end);
      if (oracle) {
        assert.deepEqual(rangeKeys(js), oracle, `${from} → ${to} ${formatClock(start)}–${formatClock(end)}`);
        compared++;
      }
    }
    assert.ok(compared > 15);
  });
});

describe('transit batch on NYC subway (--walk-radius 0)', () => {
  it('answers every row like the reference and reports bad rows by line and field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xietong-batch-'));
    try {
      const r = sampler(42);
      const rows: string[][] = [];
      for (let i = 0; i < 300; i++) {
        const h = Math.floor(r.next() * 24);
        const m = Math.floor(r.next() * 60);
        rows.push([r.pick(places).slice('subway:'.length), r.pick(places).slice('subway:'.length), '2026-10-14', `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`]);
      }
      const lines = ['from,to,date,depart', ...rows.map((x) => x.join(',')), 'NOPE,101,2026-10-14,08:00', '101,101N,2026-02-30,8:00', '101,103,20261014,25:10:00'];
      const inCsv = path.join(dir, 'in.csv');
      const outCsv = path.join(dir, 'out.csv');
      fs.writeFileSync(inCsv, `${lines.join('\n')}\n`);
      const res = await runBatch({ gtfs: [nycPath('subway')], walkRadius: 0, queriesCsv: inCsv, outCsv });
      assert.equal(res.queries, 303);
      assert.equal(res.answered, 301);
      assert.deepEqual(
        res.errors.map((e) => [e.line, e.field]),
        [
          [302, 'from'],
          [303, 'date'],
        ],
      );
      assert.match(res.errors[0]!.message, /unknown stop or station "NOPE"/);
      assert.equal(res.timetables.length, 1);
      const out = parse(fs.readFileSync(outCsv, 'utf8'), { columns: true }) as Record<string, string>[];
      assert.equal(out.length, 303);
      out.slice(0, 300).forEach((o, i) => {
        const [from, to, , depart] = rows[i]!;
        const [h, m] = depart!.split(':').map(Number) as [number, number];
        const expected = ref.earliestArrival([`subway:${from}`], [`subway:${to}`], h * 3600 + m * 60);
        assert.equal(o.arrival, expected === null ? '' : formatClock(expected), `row ${i + 2}`);
        if (expected !== null) {
          const legs = JSON.parse(o.itinerary!) as { mode: string }[];
          assert.ok(Array.isArray(legs));
          assert.equal(Number(o.transfers), Math.max(0, legs.filter((l) => l.mode !== 'walk').length - 1));
        } else assert.equal(o.itinerary, '');
      });
      assert.match(out[301]!.error!, /line 303, date/);
      // YYYYMMDD dates and times past 24:00 are accepted
      assert.equal(out[302]!.error, '');
      const late = ref.earliestArrival(['subway:101'], ['subway:103'], 25 * 3600 + 600);
      assert.equal(out[302]!.arrival, late === null ? '' : formatClock(late));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
