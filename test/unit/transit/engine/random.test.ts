// Property tests on random small feeds: the engine against the independent Connection Scan reference
// (earliest arrivals), every journey feasible, arrive-by = latest departure, range = window Pareto set.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomFeed, rng } from '../../../support/transit/random-feed.ts';
import { Reference } from '../../../support/transit/reference.ts';
import { checkJourney } from '../../../support/transit/feasibility.ts';
import { rangeKeys, rangeOracle } from '../../../support/transit/range-oracle.ts';
import { buildNetwork, buildTimetable, departAfter, arriveBy, departureRange, findStop, formatClock } from '../../../../src/transit/engine/index.ts';

const FEEDS = Number(process.env.TRANSIT_RANDOM_FEEDS ?? 150);
const QUERIES = 12;

describe('random feeds against the reference', () => {
  it(`agrees on ${FEEDS} feeds × ${QUERIES} queries (depart-after, arrive-by, range)`, () => {
    let compared = 0;
    let reached = 0;
    for (let seed = 1; seed <= FEEDS; seed++) {
      const { feed: f, placeIds } = randomFeed(seed);
      const r = rng(seed * 7919);
      const walkRadius = [0, 300, 500][seed % 3]!;
      const ref = new Reference([f], '20261014', walkRadius);
      const net = buildNetwork([f], { walkRadius });
      const tt = buildTimetable(net, '2026-10-14');
      const place = (id: string) => ({ stop: findStop(net, id)! });
      for (let q = 0; q < QUERIES; q++) {
        const from = `f:${placeIds[Math.floor(r() * placeIds.length)]!}`;
        const to = `f:${placeIds[Math.floor(r() * placeIds.length)]!}`;
        const time = q % 4 === 0 ? Math.floor(r() * 3600) : 6 * 3600 + Math.floor(r() * 4 * 3600);
        const ctx = `seed ${seed} ${from}→${to} at ${formatClock(time)} (walkRadius ${walkRadius})`;
        // depart-after
        const js = departAfter(tt, place(from), place(to), time);
        const expected = ref.earliestArrival([from], [to], time);
        const got = js.length ? Math.min(...js.map((j) => j.arrival)) : null;
        assert.equal(got, expected, `earliest arrival, ${ctx}`);
        for (const j of js) assert.deepEqual(checkJourney(ref, j, { ids: [from] }, { ids: [to] }, time), [], `feasible, ${ctx}`);
        compared++;
        if (expected !== null) reached++;
        // arrive-by: the latest departure D arrives in time, D + 1 s does not
        const T = expected ?? time + 3600;
        const back = arriveBy(tt, place(from), place(to), T);
        for (const j of back) assert.deepEqual(checkJourney(ref, j, { ids: [from] }, { ids: [to] }, T, true), [], `feasible arrive-by, ${ctx}`);
        if (back.length === 0) {
          const any = ref.earliestArrival([from], [to], -2 * 86400);
          assert.ok(any === null || any > T, `arrive-by found nothing, ${ctx}`);
        } else {
          const D = Math.max(...back.map((j) => j.departure));
          const a = ref.earliestArrival([from], [to], D);
          assert.ok(a !== null && a <= T, `arrive-by departure ${formatClock(D)} arrives in time, ${ctx}`);
          const later = ref.earliestArrival([from], [to], D + 1);
          assert.ok(later === null || later > T, `no later departure than ${formatClock(D)} arrives by ${formatClock(T)}, ${ctx}`);
        }
        // range over an hour from `time`
        if (q % 3 === 0) {
          const end = time + 3600;
          const range = departureRange(tt, place(from), place(to), time, end);
          for (const j of range) assert.deepEqual(checkJourney(ref, j, { ids: [from] }, { ids: [to] }, time), [], `feasible range, ${ctx}`);
          // Limited to the window: feasible, leaving inside it, and nothing the full range finds inside the window is lost.
          const inside = departureRange(tt, place(from), place(to), time, end, {}, { insideWindowOnly: true });
          for (const j of inside) {
            assert.deepEqual(checkJourney(ref, j, { ids: [from] }, { ids: [to] }, time), [], `feasible window-only range, ${ctx}`);
            assert.ok(j.departure <= end, `window-only range leaves by the end, ${ctx}`);
          }
          for (const j of range.filter((k) => (k.legs[0]?.departure ?? k.departure) <= end))
            assert.ok(inside.some((k) => k.departure >= j.departure && k.arrival <= j.arrival && k.transfers <= j.transfers), `window-only range keeps ${formatClock(j.departure)}→${formatClock(j.arrival)}, ${ctx}`);
          const oracle = rangeOracle(tt, place(from), place(to), time, end);
          if (oracle) assert.deepEqual(rangeKeys(range), oracle, `range Pareto set, ${ctx}`);
          for (const t of [time, ...range.map((j) => j.departure), time + Math.floor(r() * 3600), end]) {
            // A walk-only journey can leave at any time: ranges report transit journeys (and a walk at
            // the window start); the walk from t is what a single query finds.
            const transit = range.filter((j) => j.legs.some((l) => l.kind === 'transit'));
            let m = transit.filter((j) => j.departure >= t).reduce<number | null>((acc, j) => (acc === null || j.arrival < acc ? j.arrival : acc), null);
            const walk = departAfter(tt, place(from), place(to), t).find((j) => !j.legs.some((l) => l.kind === 'transit'));
            if (walk && (m === null || walk.arrival < m)) m = walk.arrival;
            const ea = ref.earliestArrival([from], [to], t);
            // every earliest arrival from a time in the window is a journey of the range (leaving no earlier)
            assert.equal(m, ea, `range from ${formatClock(t)}: ${m === null ? null : formatClock(m)} vs ${ea === null ? null : formatClock(ea)}, ${ctx}`);
          }
        }
      }
    }
    assert.ok(reached > compared / 4, `enough reachable queries (${reached} of ${compared})`);
  });
});
