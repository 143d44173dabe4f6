// The four NYC feeds merged into one regional network with generated 500 m footpaths: earliest arrivals
// equal the independent reference on random queries across operators, every itinerary is feasible, and
// the operators connect (subway ↔ LIRR at Penn Station, Metro-North ↔ subway at Grand Central).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadNyc, NYC_DATE, sampler } from '../../../support/transit/nyc.ts';
import { Reference } from '../../../support/transit/reference.ts';
import { checkJourney } from '../../../support/transit/feasibility.ts';
import { rangeKeys, rangeOracle } from '../../../support/transit/range-oracle.ts';
import { arriveBy, buildNetwork, buildTimetable, departAfter, departureRange, findStop, formatClock, type Network, type Timetable } from '../../../../src/transit/engine/index.ts';
import type { GtfsFeed } from '../../../../src/transit/gtfs/feed.ts';

let feeds: GtfsFeed[];
let ref: Reference;
let net: Network;
let tt: Timetable;
let places: string[];

before(async () => {
  feeds = await Promise.all((['subway', 'lirr', 'mnr', 'bus_m'] as const).map(loadNyc));
  ref = new Reference(feeds, NYC_DATE, 500);
  net = buildNetwork(feeds, { walkRadius: 500 });
  tt = buildTimetable(net, NYC_DATE);
  places = net.stopId.filter((_, s) => net.stopServed[s] || net.stopLocationType[s] === 1);
});

const place = (id: string) => ({ stop: findStop(net, id)! });

describe('four NYC feeds merged with 500 m footpaths', () => {
  it('generates footpaths between operators and keeps trip-to-trip rules', () => {
    assert.ok(net.stats.generatedFootpaths > 10_000);
    assert.ok(net.stats.rules > 20_000, 'LIRR and Metro-North trip-to-trip rows');
    // Penn Station: LIRR and the subway's 34 St-Penn Station within walking distance
    const penn = findStop(net, 'lirr:237')!;
    const targets = new Set(Array.from(net.fpTo.subarray(net.fpStart[penn]!, net.fpStart[penn + 1]!), (s) => net.stopId[s]));
    assert.ok(targets.has('subway:128N') && targets.has('subway:128S'));
  });

  it('equals the reference’s earliest arrival on 200 random queries; every journey is feasible', () => {
    const r = sampler(1014);
    let unreachable = 0;
    let multiFeed = 0;
    for (let i = 0; i < 200; i++) {
      const from = r.pick(places);
      const to = r.pick(places);
      const time = 5 * 3600 + Math.floor(r.next() * 19 * 3600);
      const js = departAfter(tt, place(from), place(to), time);
      const expected = ref.earliestArrival([from], [to], time);
      const got = js.length ? Math.min(...js.map((j) => j.arrival)) : null;
      assert.equal(got, expected, `${from} → ${to} at ${formatClock(time)}`);
      if (expected === null) unreachable++;
      for (const j of js) {
        assert.deepEqual(checkJourney(ref, j, { ids: [from] }, { ids: [to] }, time), [], `${from} → ${to} at ${formatClock(time)}`);
        const ops = new Set(j.legs.flatMap((l) => (l.kind === 'transit' ? [l.route.id.split(':')[0]] : [])));
        if (ops.size > 1) multiFeed++;
      }
    }
    assert.ok(unreachable < 100, `${unreachable} unreachable`);
    assert.ok(multiFeed > 10, `${multiFeed} journeys use several operators`);
  });

  it('connects Metro-North at Grand Central with the subway and LIRR at Penn Station', () => {
    const time = 10 * 3600;
    const js = departAfter(tt, place('mnr:1'), place('lirr:237'), time);
    assert.ok(js.length > 0);
    const best = js[js.length - 1]!;
    assert.equal(best.arrival, ref.earliestArrival(['mnr:1'], ['lirr:237'], time));
    assert.equal(best.legs[0]!.kind, 'walk', 'walks from the Metro-North concourse to a subway platform');
    assert.ok(best.legs.some((l) => l.kind === 'transit' && l.route.id.startsWith('subway:')));
    assert.deepEqual(checkJourney(ref, best, { ids: ['mnr:1'] }, { ids: ['lirr:237'] }, time), []);
    // and back, arriving by 18:00 from Jamaica to Grand Central: LIRR then subway
    const back = arriveBy(tt, place('lirr:102'), place('mnr:1'), 18 * 3600);
    assert.ok(back.length > 0);
    for (const j of back) assert.deepEqual(checkJourney(ref, j, { ids: ['lirr:102'] }, { ids: ['mnr:1'] }, 18 * 3600, true), []);
    const D = Math.max(...back.map((j) => j.departure));
    assert.ok(ref.earliestArrival(['lirr:102'], ['mnr:1'], D)! <= 18 * 3600);
    const later = ref.earliestArrival(['lirr:102'], ['mnr:1'], D + 1);
    assert.ok(later === null || later > 18 * 3600);
  });

  it('returns exactly the Pareto set of 60-minute windows', () => {
    const r = sampler(314);
    let compared = 0;
    for (let i = 0; i < 8; i++) {
      const from = r.pick(places);
      const to = r.pick(places);
      const start = 6 * 3600 + Math.floor(r.next() * 14 * 3600);
      const js = departureRange(tt, place(from), place(to), start, start + 3600);
      for (const j of js) assert.deepEqual(checkJourney(ref, j, { ids: [from] }, { ids: [to] }, start), []);
      const oracle = rangeOracle(tt, place(from), place(to), start, start + 3600);
      if (oracle) {
        assert.deepEqual(rangeKeys(js), oracle, `${from} → ${to} from ${formatClock(start)}`);
        compared++;
      }
    }
    assert.ok(compared >= 5);
  });

  it('plans from a coordinate in Midtown to a coordinate in Lower Manhattan', () => {
    const js = departAfter(tt, { lat: 40.7549, lon: -73.984 }, { lat: 40.7075, lon: -74.0113 }, 8 * 3600);
    assert.ok(js.length > 0);
    for (const j of js) {
      assert.equal(j.legs[0]!.kind, 'walk');
      assert.equal(j.legs[j.legs.length - 1]!.kind, 'walk');
      assert.deepEqual(checkJourney(ref, j, { lat: 40.7549, lon: -73.984, radius: 500 }, { lat: 40.7075, lon: -74.0113, radius: 500 }, 8 * 3600), []);
    }
    assert.ok(Math.min(...js.map((j) => j.arrival)) < 8 * 3600 + 45 * 60);
  });
});
