// Engine features on small fixture feeds built with the DSL (test/support/transit/fixture.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { at, feed, parseTime } from '../../../support/transit/fixture.ts';
import { earliest, summary, world } from '../../../support/transit/plan-helpers.ts';
import { Reference } from '../../../support/transit/reference.ts';
import { checkJourney } from '../../../support/transit/feasibility.ts';
import { basicMode, formatClock, modeMask, MODE } from '../../../../src/transit/engine/index.ts';
import type { GtfsFeed } from '../../../../src/transit/gtfs/feed.ts';

/** Every journey of the result is feasible under the reference model. */
function feasible(feeds: GtfsFeed[], walkRadius: number, js: ReturnType<ReturnType<typeof world>['after']>, from: string, to: string, time: string, arriveBy = false, date = '20261014') {
  const ref = new Reference(feeds, date, walkRadius);
  for (const j of js) assert.deepEqual(checkJourney(ref, j, { ids: [`f:${from}`] }, { ids: [`f:${to}`] }, parseTime(time), arriveBy), [], summary([j])[0]);
}

describe('basic routing and the Pareto front', () => {
  // A slow direct bus, and a faster way with two changes.
  const f = feed('f', {
    stops: { A: [0, 0], B: [3000, 0], C: [6000, 0], D: [9000, 0] },
    trips: [
      { id: 'SLOW', route: 'R0', times: 'A 08:00, D 09:30' },
      { id: 'X1', route: 'R1', times: 'A 08:05, B 08:20' },
      { id: 'X2', route: 'R2', times: 'B 08:25, C 08:40' },
      { id: 'X3', route: 'R3', times: 'C 08:45, D 09:00' },
      { id: 'Y', route: 'R4', times: 'B 08:30, D 09:15' },
    ],
  });
  const w = world([f], { walkRadius: 0 });

  it('returns a faster journey with more transfers and slower ones with fewer', () => {
    const js = w.after('A', 'D', '07:55');
    assert.deepEqual(summary(js), [
      '08:00→09:30 x0: SLOW@A-D',
      '08:05→09:15 x1: X1@A-B | Y@B-D',
      '08:05→09:00 x2: X1@A-B | X2@B-C | X3@C-D',
    ]);
    feasible([f], 0, js, 'A', 'D', '07:55');
  });

  it('respects maxTransfers', () => {
    assert.deepEqual(summary(w.after('A', 'D', '07:55', { maxTransfers: 1 })), ['08:00→09:30 x0: SLOW@A-D', '08:05→09:15 x1: X1@A-B | Y@B-D']);
    assert.deepEqual(summary(w.after('A', 'D', '07:55', { maxTransfers: 0 })), ['08:00→09:30 x0: SLOW@A-D']);
  });

  it('answers unreachable and same-place queries', () => {
    assert.deepEqual(w.after('D', 'A', '07:00'), []);
    assert.deepEqual(w.after('A', 'D', '09:01'), []);
    const same = w.after('B', 'B', '10:00');
    assert.equal(same.length, 1);
    assert.equal(same[0]!.legs.length, 0);
    assert.equal(same[0]!.arrival, parseTime('10:00'));
  });

  it('reconstructs legs with route, trip, headsign, stops and intermediate stops', () => {
    const g = feed('f', {
      stops: { A: [0, 0], B: [1000, 0], C: [2000, 0] },
      routes: { L: { type: 1, name: 'Line 1' } },
      trips: [{ id: 'T', route: 'L', headsign: 'Towards C', times: 'A 08:00, B 08:05/08:06, C 08:10' }],
    });
    const [j] = world([g], { walkRadius: 0 }).after('A', 'C', '08:00');
    const leg = j!.legs[0]!;
    assert.equal(leg.kind, 'transit');
    if (leg.kind !== 'transit') return;
    assert.equal(leg.mode, 'subway');
    assert.equal(leg.route.id, 'f:L');
    assert.equal(leg.route.shortName, 'Line 1');
    assert.equal(leg.trip.id, 'f:T');
    assert.equal(leg.trip.headsign, 'Towards C');
    assert.equal(leg.from.id, 'f:A');
    assert.equal(leg.to.name, 'Stop C');
    assert.deepEqual(leg.intermediateStops.map((s) => [s.stop.id, formatClock(s.arrival), formatClock(s.departure)]), [['f:B', '08:05:00', '08:06:00']]);
  });
});

describe('patterns with overtaking trips', () => {
  // SLOW leaves first but EXPRESS (same stops) overtakes it between B and C.
  const f = feed('f', {
    stops: { A: [0, 0], B: [3000, 0], C: [6000, 0] },
    trips: [
      { id: 'SLOW', route: 'R', times: 'A 08:00, B 08:20, C 09:00' },
      { id: 'EXPRESS', route: 'R', times: 'A 08:10, B 08:25, C 08:35' },
      { id: 'LATE', route: 'R', times: 'A 08:30, B 08:40, C 08:50' },
    ],
  });
  const w = world([f], { walkRadius: 0 });

  it('splits the pattern so that trips never overtake within one', () => {
    assert.equal(w.tt.stats.splitPatterns, 1);
    assert.equal(w.tt.stats.patterns, 2);
  });

  it('finds the overtaking trip although the earlier one is catchable', () => {
    assert.deepEqual(summary(w.after('A', 'C', '07:55')), ['08:10→08:35 x0: EXPRESS@A-C']);
    assert.deepEqual(summary(w.after('B', 'C', '08:15')), ['08:25→08:35 x0: EXPRESS@B-C']);
    assert.deepEqual(summary(w.after('B', 'C', '08:26')), ['08:40→08:50 x0: LATE@B-C']);
  });
});

describe('calendars and exceptions', () => {
  const f = feed('f', {
    stops: { A: [0, 0], B: [3000, 0] },
    services: {
      WEEKDAY: { days: 'MTWTF..', start: '20261001', end: '20261031', remove: ['20261014'] },
      EXTRA: { add: ['20261014'] },
      SUNDAY: { days: '......S', start: '20261001', end: '20261031', add: ['20261015'] },
      OLD: { days: 'MTWTFSS', start: '20260101', end: '20260930' },
    },
    trips: [
      { id: 'WK', route: 'R', service: 'WEEKDAY', times: 'A 08:00, B 08:10' },
      { id: 'EX', route: 'R', service: 'EXTRA', times: 'A 08:20, B 08:30' },
      { id: 'SU', route: 'R', service: 'SUNDAY', times: 'A 08:40, B 08:50' },
      { id: 'OLD', route: 'R', service: 'OLD', times: 'A 07:00, B 07:10' },
    ],
  });

  it('removes and adds service on single dates', () => {
    assert.deepEqual(summary(world([f], { walkRadius: 0 }, '2026-10-14').after('A', 'B', '06:00')), ['08:20→08:30 x0: EX@A-B']);
    assert.deepEqual(summary(world([f], { walkRadius: 0 }, '2026-10-13').after('A', 'B', '06:00')), ['08:00→08:10 x0: WK@A-B']);
    // Thursday 15th: weekday service and the Sunday service added by exception
    const thu = world([f], { walkRadius: 0 }, '2026-10-15');
    assert.deepEqual(summary(thu.after('A', 'B', '08:05')), ['08:40→08:50 x0: SU@A-B']);
    assert.deepEqual(summary(world([f], { walkRadius: 0 }, '2026-10-18').after('A', 'B', '06:00')), ['08:40→08:50 x0: SU@A-B']);
  });

  it('honours calendar date ranges', () => {
    assert.deepEqual(summary(world([f], { walkRadius: 0 }, '2026-09-30').after('A', 'B', '06:00')), ['07:00→07:10 x0: OLD@A-B']);
  });
});

describe('trips of the previous service day after midnight', () => {
  const f = feed('f', {
    stops: { A: [0, 0], B: [3000, 0], C: [6000, 0] },
    services: { TUE: { days: '.T.....', start: '20261001', end: '20261031' }, WED: { days: '..W....', start: '20261001', end: '20261031' } },
    trips: [
      { id: 'NIGHT', route: 'R', service: 'TUE', times: 'A 23:50, B 24:20, C 25:00' },
      { id: 'EARLY', route: 'R', service: 'WED', times: 'A 05:00, B 05:30, C 06:00' },
    ],
  });

  it('runs Tuesday’s 25:00 trip on Wednesday at 01:00', () => {
    const w = world([f], { walkRadius: 0 }, '2026-10-14');
    assert.equal(w.tt.stats.previousDayTrips, 1);
    const js = w.after('B', 'C', '00:05');
    assert.deepEqual(summary(js), ['00:20→01:00 x0: NIGHT@B-C']);
    const leg = js[0]!.legs[0]!;
    assert.ok(leg.kind === 'transit' && leg.trip.serviceDay === -1);
    const ref = new Reference([f], '20261014', 0);
    assert.deepEqual(checkJourney(ref, js[0]!, { ids: ['f:B'] }, { ids: ['f:C'] }, parseTime('00:05')), []);
    // the same trip still runs on its own day, 24 h later
    assert.deepEqual(summary(world([f], { walkRadius: 0 }, '2026-10-13').after('B', 'C', '24:05')), ['24:20→25:00 x0: NIGHT@B-C']);
  });

  it('has no such trip after a day without it', () => {
    assert.deepEqual(summary(world([f], { walkRadius: 0 }, '2026-10-15').after('B', 'C', '00:05')), []);
  });
});

describe('frequencies', () => {
  const mk = (exact: 0 | 1) =>
    feed('f', {
      stops: { A: [0, 0], B: [3000, 0] },
      trips: [{ id: 'F', route: 'R', times: 'A 00:00, B 00:10', frequencies: [{ start: '08:00', end: '09:00', headway: 600, exact }] }],
    });

  for (const exact of [1, 0] as const)
    it(`expands exact_times=${exact} to one run per headway from start_time while before end_time`, () => {
      const w = world([mk(exact)], { walkRadius: 0 });
      assert.equal(w.tt.stats.frequencyTrips, 6);
      const js = w.after('A', 'B', '08:05');
      assert.deepEqual(summary(js), ['08:10→08:20 x0: F@A-B']);
      const leg = js[0]!.legs[0]!;
      assert.ok(leg.kind === 'transit' && leg.trip.frequencyStart === parseTime('08:10'));
      assert.deepEqual(summary(w.after('A', 'B', '08:51')), []);
      assert.deepEqual(summary(w.after('A', 'B', '08:50')), ['08:50→09:00 x0: F@A-B']);
      const ref = new Reference([mk(exact)], '20261014', 0);
      assert.deepEqual(checkJourney(ref, js[0]!, { ids: ['f:A'] }, { ids: ['f:B'] }, parseTime('08:05')), []);
    });
});

describe('interpolation and pickup/drop-off types', () => {
  it('interpolates times of stops without times by distance', () => {
    const f = feed('f', {
      stops: { A: [0, 0], B: [1000, 0], C: [4000, 0] },
      trips: [{ id: 'T', route: 'R', times: 'A 08:00, B, C 08:40' }],
    });
    const w = world([f], { walkRadius: 0 });
    assert.equal(w.net.stats.interpolatedTimes, 1);
    assert.deepEqual(summary(w.after('B', 'C', '07:00')), ['08:10→08:40 x0: T@B-C']);
  });

  it('does not board where pickup_type is 1 nor alight where drop_off_type is 1', () => {
    const f = feed('f', {
      stops: { A: [0, 0], B: [1000, 0], C: [2000, 0] },
      trips: [
        { id: 'T', route: 'R', times: 'A 08:00, B 08:10 nodrop nopick, C 08:20' },
        { id: 'U', route: 'R2', times: 'A 09:00, B 09:10, C 09:20' },
      ],
    });
    const w = world([f], { walkRadius: 0 });
    assert.deepEqual(summary(w.after('A', 'B', '07:00')), ['09:00→09:10 x0: U@A-B']);
    assert.deepEqual(summary(w.after('B', 'C', '07:00')), ['09:10→09:20 x0: U@B-C']);
    assert.deepEqual(summary(w.after('A', 'C', '07:00')), ['08:00→08:20 x0: T@A-C']);
  });
});

describe('footpaths and transfers.txt', () => {
  it('generates walking footpaths within the radius, timed ceil(d × 1.3 / 1.2)', () => {
    const f = feed('f', {
      stops: { A: [0, 0], B: [1000, 0], C: [1000, 400], D: [3000, 400], E: [1000, 1000] },
      trips: [
        { id: 'T', route: 'R', times: 'A 08:00, B 08:10' },
        { id: 'U', route: 'S', times: 'C 08:18, D 08:30' },
        { id: 'V', route: 'W', times: 'E 08:30, D 08:40' },
      ],
    });
    const w = world([f]);
    const js = w.after('A', 'D', '07:55');
    assert.deepEqual(summary(js), ['08:00→08:30 x1: T@A-B | walk B-C | U@C-D']);
    const walk = js[0]!.legs[1]!;
    assert.equal(walk.kind, 'walk');
    if (walk.kind === 'walk') {
      assert.ok(Math.abs(walk.distance - 400) < 1);
      assert.equal(walk.duration, Math.ceil((walk.distance * 1.3) / 1.2));
      assert.equal(walk.departure, parseTime('08:10'));
    }
    // E is 600 m from B: beyond 500 m
    assert.deepEqual(summary(w.after('A', 'D', '07:55', {}).slice(0, 1)), ['08:00→08:30 x1: T@A-B | walk B-C | U@C-D']);
    // radius 0: no generated footpaths
    assert.deepEqual(summary(world([f], { walkRadius: 0 }).after('A', 'D', '07:55')), []);
    // pairs within 500 m: B–C; within 700 m also C–E (600 m); B–E is 1000 m
    assert.equal(w.net.stats.generatedFootpaths, 2);
    assert.equal(world([f], { walkRadius: 700 }).net.stats.generatedFootpaths, 4);
  });

  it('uses type 2 rows as footpaths, even beyond the radius, and lets them win over generated ones', () => {
    const f = feed('f', {
      stops: { A: [0, 0], B: [1000, 0], C: [1100, 0], D: [3000, 0], X: [1000, 2000] },
      trips: [
        { id: 'T', route: 'R', times: 'A 08:00, B 08:10' },
        { id: 'U1', route: 'S', times: 'C 08:12, D 08:30' },
        { id: 'U2', route: 'S', times: 'C 08:22, D 08:40' },
        { id: 'V', route: 'W', times: 'X 08:15, D 08:35' },
      ],
      transfers: [
        { from: 'B', to: 'C', type: 2, min: 600 },
        { from: 'B', to: 'X', type: 2, min: 240 },
      ],
    });
    const w = world([f]);
    // B→C is 100 m (generated would be 109 s) but the row says 600 s: U1 at 08:12 is missed, U2 at 08:22 too; X via the row
    assert.deepEqual(summary(w.after('A', 'D', '07:55')), ['08:00→08:35 x1: T@A-B | walk B-X | V@X-D']);
    assert.equal(w.net.stats.explicitFootpaths, 2);
    feasible([f], 500, w.after('A', 'D', '07:55'), 'A', 'D', '07:55');
  });

  it('type 0 and 1 rows without trips are footpaths of the walking time, and 0 s changes at one stop', () => {
    const f = feed('f', {
      stops: { A: [0, 0], B: [1000, 0], C: [1900, 0], D: [3000, 0], E: [5000, 0] },
      trips: [
        { id: 'T', route: 'R', times: 'A 08:00, B 08:10' },
        { id: 'U', route: 'S', times: 'C 08:27, D 08:40' },
        { id: 'V', route: 'W', times: 'D 08:40, E 08:50' },
      ],
      transfers: [
        { from: 'B', to: 'C', type: 0 },
        { from: 'D', to: 'D', type: 1 },
      ],
    });
    const w = world([f], { walkRadius: 0 });
    // B–C is 900 m, beyond any radius here: the row makes it a footpath of ceil(900 × 1.3 / 1.2) = 975 s
    assert.deepEqual(summary(w.after('A', 'E', '07:55')), ['08:00→08:50 x2: T@A-B | walk B-C | U@C-D | V@D-E']);
    assert.equal(w.net.changeTime[(w.place('D') as { stop: number }).stop], 0);
    feasible([f], 0, w.after('A', 'E', '07:55'), 'A', 'E', '07:55');
  });

  it('type 3 rows remove a generated footpath', () => {
    const f = feed('f', {
      stops: { A: [0, 0], B: [1000, 0], C: [1100, 0], D: [3000, 0] },
      trips: [
        { id: 'T', route: 'R', times: 'A 08:00, B 08:10' },
        { id: 'U', route: 'S', times: 'C 08:15, D 08:30' },
      ],
      transfers: [{ from: 'B', to: 'C', type: 3 }],
    });
    assert.deepEqual(summary(world([f]).after('A', 'D', '07:55')), []);
    assert.deepEqual(summary(world([{ ...f, transfers: [] }]).after('A', 'D', '07:55')), ['08:00→08:30 x1: T@A-B | walk B-C | U@C-D']);
  });

  it('applies station rows to child stops, the most specific row winning, and a row X→X as change time', () => {
    const f = feed('f', {
      stops: {
        A: [0, 0],
        S: { at: [1000, 0], station: true },
        S1: { at: [1000, 0], parent: 'S' },
        S2: { at: [1010, 0], parent: 'S' },
        S3: { at: [1020, 0], parent: 'S' },
        D: [3000, 0],
      },
      trips: [
        { id: 'IN', route: 'R', times: 'A 08:00, S1 08:10' },
        { id: 'OUT_S1_A', route: 'Q', times: 'S1 08:11, D 08:20' },
        { id: 'OUT_S2', route: 'Q2', times: 'S2 08:13, D 08:21' },
        { id: 'OUT_S3', route: 'Q3', times: 'S3 08:14, D 08:22' },
        { id: 'OUT_S1_B', route: 'Q', times: 'S1 08:15, D 08:24' },
      ],
      transfers: [
        { from: 'S', to: 'S', type: 2, min: 300 },
        { from: 'S1', to: 'S2', type: 2, min: 150 },
        { from: 'S1', to: 'S', type: 2, min: 240 },
      ],
    });
    const w = world([f], { walkRadius: 0 });
    // S1→S1 is covered by S1→S (stop–station, 240 s) over S→S; S1→S2 stop–stop 150 s; S1→S3 stop–station 240 s.
    assert.equal(w.net.changeTime[(w.place('S1') as { stop: number }).stop], 240);
    assert.deepEqual(summary(w.after('A', 'D', '07:55')), ['08:00→08:21 x1: IN@A-S1 | walk S1-S2 | OUT_S2@S2-D']);
    assert.deepEqual(summary(w.after('A', 'S', '07:55')), ['08:00→08:10 x0: IN@A-S1']);
    feasible([f], 0, w.after('A', 'D', '07:55'), 'A', 'D', '07:55');
  });

  it('forbids changing trips at a stop with a type 3 row to itself, but lets riders stay on their trip', () => {
    const f = feed('f', {
      stops: { A: [0, 0], X: [1000, 0], D: [3000, 0] },
      trips: [
        { id: 'T', route: 'R', times: 'A 08:00, X 08:10, D 08:30' },
        { id: 'U', route: 'S', times: 'X 08:15, D 08:20' },
      ],
      transfers: [{ from: 'X', to: 'X', type: 3 }],
    });
    assert.deepEqual(summary(world([f], { walkRadius: 0 }).after('A', 'D', '07:55')), ['08:00→08:30 x0: T@A-D']);
    assert.deepEqual(summary(world([{ ...f, transfers: [] }], { walkRadius: 0 }).after('A', 'D', '07:55')), ['08:00→08:30 x0: T@A-D', '08:00→08:20 x1: T@A-X | U@X-D']);
  });

  it('applies the origin’s footpaths at the departure time and never chains footpaths', () => {
    const f = feed('f', {
      stops: { A: [0, 0], B: [400, 0], C: [800, 0], D: [3000, 0], E: [800, 3000] },
      trips: [
        { id: 'T', route: 'R', times: 'B 08:10, D 08:30' },
        { id: 'U', route: 'S', times: 'E 08:00, C 08:10' },
        { id: 'AWAY', route: 'Z', times: 'A 07:00, E 07:30' },
      ],
    });
    const w = world([f]);
    const js = w.after('A', 'D', '08:00');
    assert.deepEqual(summary(js), ['08:02→08:30 x0: walk A-B | T@B-D']);
    assert.equal(js[0]!.legs[0]!.departure, parseTime('08:10') - Math.ceil((js[0]!.legs[0]! as { distance: number }).distance * 1.3 / 1.2));
    // A → C would need two footpaths (A–B, B–C): not a journey
    assert.deepEqual(w.after('A', 'C', '08:00'), []);
    // reaching B by vehicle and then walking on to C... there is no vehicle to B; from E, U arrives at C directly
    assert.deepEqual(summary(w.after('E', 'B', '07:55')), ['08:00→08:17 x0: U@E-C | walk C-B']);
  });
});

describe('trip-to-trip and route-to-route transfers', () => {
  const base = {
    stops: { A: [0, 0] as [number, number], X: [1000, 0] as [number, number], Y: [1000, 100] as [number, number], D: [3000, 0] as [number, number] },
    trips: [
      { id: 'T1', route: 'R', times: 'A 08:00, X 08:10' },
      { id: 'T2', route: 'S', times: 'X 08:11, D 08:20' },
      { id: 'T3', route: 'S', times: 'X 08:20, D 08:29' },
      { id: 'T4', route: 'S', times: 'X 08:30, D 08:39' },
    ],
  };

  it('timed transfers (type 1) beat the stop’s change time for the named trips', () => {
    const f = feed('f', { ...base, transfers: [{ from: 'X', to: 'X', type: 2, min: 300 }, { from: 'X', to: 'X', type: 1, fromTrip: 'T1', toTrip: 'T2' }] });
    const w = world([f], { walkRadius: 0 });
    assert.deepEqual(summary(w.after('A', 'D', '07:55')), ['08:00→08:20 x1: T1@A-X | T2(timed)@X-D']);
    feasible([f], 0, w.after('A', 'D', '07:55'), 'A', 'D', '07:55');
    const g = feed('f', { ...base, transfers: [{ from: 'X', to: 'X', type: 2, min: 300 }] });
    assert.deepEqual(summary(world([g], { walkRadius: 0 }).after('A', 'D', '07:55')), ['08:00→08:29 x1: T1@A-X | T3@X-D']);
  });

  it('trip-to-trip "not possible" (type 3) rows forbid that change only', () => {
    const f = feed('f', { ...base, transfers: [{ from: 'X', to: 'X', type: 3, fromTrip: 'T1', toTrip: 'T2' }] });
    const w = world([f], { walkRadius: 0 });
    assert.deepEqual(summary(w.after('A', 'D', '07:55')), ['08:00→08:29 x1: T1@A-X | T3@X-D']);
    feasible([f], 0, w.after('A', 'D', '07:55'), 'A', 'D', '07:55');
  });

  it('route-to-route "not possible" rows forbid changing between the routes there', () => {
    const f = feed('f', {
      ...base,
      trips: [...base.trips, { id: 'V', route: 'W', times: 'X 08:40, D 08:50' }],
      transfers: [{ from: 'X', to: 'X', type: 3, fromRoute: 'R', toRoute: 'S' }],
    });
    assert.deepEqual(summary(world([f], { walkRadius: 0 }).after('A', 'D', '07:55')), ['08:00→08:50 x1: T1@A-X | V@X-D']);
  });

  it('trip/route rows of type 2 set a minimum time for those trips', () => {
    const f = feed('f', { ...base, transfers: [{ from: 'X', to: 'X', type: 2, min: 900, fromRoute: 'R', toRoute: 'S' }] });
    const w = world([f], { walkRadius: 0 });
    assert.deepEqual(summary(w.after('A', 'D', '07:55')), ['08:00→08:39 x1: T1@A-X | T4@X-D']);
    feasible([f], 0, w.after('A', 'D', '07:55'), 'A', 'D', '07:55');
  });

  it('a trip rule is more specific than a route rule', () => {
    const f = feed('f', {
      ...base,
      transfers: [
        { from: 'X', to: 'X', type: 3, fromRoute: 'R', toRoute: 'S' },
        { from: 'X', to: 'X', type: 0, fromTrip: 'T1', toTrip: 'T3' },
      ],
    });
    assert.deepEqual(summary(world([f], { walkRadius: 0 }).after('A', 'D', '07:55')), ['08:00→08:29 x1: T1@A-X | T3@X-D']);
  });

  it('in-seat transfers (type 4) continue on the next trip of the vehicle, even where boarding is not allowed', () => {
    const f = feed('f', {
      stops: base.stops,
      trips: [
        { id: 'T1', route: 'R', times: 'A 08:00, X 08:10' },
        { id: 'T2', route: 'S', times: 'X 08:10 nopick, D 08:20' },
        { id: 'T3', route: 'S', times: 'X 08:30, D 08:40' },
      ],
      transfers: [
        { from: 'X', to: 'X', type: 3 },
        { type: 4, fromTrip: 'T1', toTrip: 'T2' },
      ],
    });
    const w = world([f], { walkRadius: 0 });
    const js = w.after('A', 'D', '07:55');
    assert.deepEqual(summary(js), ['08:00→08:20 x1: T1@A-X | T2(in-seat)@X-D']);
    feasible([f], 0, js, 'A', 'D', '07:55');
    // arrive-by finds the same continuation
    assert.deepEqual(summary(w.by('A', 'D', '08:25')), ['08:00→08:20 x1: T1@A-X | T2(in-seat)@X-D']);
  });

  it('"in-seat not allowed" (type 5) leaves an ordinary change possible', () => {
    const f = feed('f', { ...base, transfers: [{ type: 5, fromTrip: 'T1', toTrip: 'T2' }] });
    assert.deepEqual(summary(world([f], { walkRadius: 0 }).after('A', 'D', '07:55')), ['08:00→08:20 x1: T1@A-X | T2@X-D']);
  });

  it('timed transfers between two stops use the walking time', () => {
    const f = feed('f', {
      ...base,
      transfers: [
        { from: 'X', to: 'Y', type: 3 },
        { from: 'X', to: 'Y', type: 1, fromTrip: 'T1', toTrip: 'W' },
      ],
      trips: [...base.trips, { id: 'W', route: 'Z', times: 'Y 08:13, D 08:15' }],
    });
    const w = world([f]);
    assert.deepEqual(summary(w.after('A', 'D', '07:55')), ['08:00→08:15 x1: T1@A-X | W(timed)@Y-D']);
    feasible([f], 500, w.after('A', 'D', '07:55'), 'A', 'D', '07:55');
  });
});

describe('arrive-by', () => {
  const f = feed('f', {
    stops: { A: [0, 0], B: [3000, 0], C: [3200, 0], D: [9000, 0] },
    trips: [
      { id: 'T1', route: 'R', times: 'A 08:00, B 08:10' },
      { id: 'T2', route: 'R', times: 'A 08:20, B 08:30' },
      { id: 'T3', route: 'R', times: 'A 08:40, B 08:50' },
      { id: 'U1', route: 'S', times: 'C 08:20, D 08:40' },
      { id: 'U2', route: 'S', times: 'C 08:45, D 09:05' },
      { id: 'DIRECT', route: 'Q', times: 'A 08:10, D 09:00' },
    ],
  });
  const w = world([f]);

  it('finds the latest departures arriving in time, per number of transfers', () => {
    const js = w.by('A', 'D', '09:06');
    assert.deepEqual(summary(js), ['08:10→09:00 x0: DIRECT@A-D', '08:20→09:05 x1: T2@A-B | walk B-C | U2@C-D']);
    for (const j of js) assert.ok(j.arrival <= parseTime('09:06'));
    feasible([f], 500, js, 'A', 'D', '09:06', true);
    assert.deepEqual(summary(w.by('A', 'D', '08:59')), ['08:00→08:40 x1: T1@A-B | walk B-C | U1@C-D']);
    assert.deepEqual(w.by('A', 'D', '08:39'), []);
  });

  it('places the walk of a change just before the next boarding', () => {
    const [j] = w.by('A', 'D', '08:59');
    const walk = j!.legs[1]!;
    assert.equal(walk.kind, 'walk');
    assert.equal(walk.arrival, parseTime('08:20'));
  });
});

describe('range queries (rRAPTOR)', () => {
  const f = feed('f', {
    stops: { A: [0, 0], B: [3000, 0], D: [9000, 0] },
    trips: [
      ...[0, 15, 30, 45].map((m) => ({ id: `L${m}`, route: 'LOCAL', times: `A 08:${String(m).padStart(2, '0')}, D 09:${String(m).padStart(2, '0')}` })),
      { id: 'E1', route: 'EXP', times: 'A 08:20, B 08:25' },
      { id: 'E2', route: 'EXP2', times: 'B 08:30, D 08:50' },
    ],
  });
  const w = world([f], { walkRadius: 0 });

  it('returns every Pareto-optimal journey departing in the window', () => {
    assert.deepEqual(summary(w.range('A', 'D', '08:00', '09:00')), [
      '08:00→09:00 x0: L0@A-D',
      '08:15→09:15 x0: L15@A-D',
      '08:20→08:50 x1: E1@A-B | E2@B-D',
      '08:30→09:30 x0: L30@A-D',
      '08:45→09:45 x0: L45@A-D',
    ]);
  });

  it('agrees with single queries at every departure', () => {
    for (const j of w.range('A', 'D', '08:00', '09:00')) assert.ok(w.after('A', 'D', formatClock(j.departure)).some((k) => k.arrival === j.arrival && k.transfers === j.transfers));
    // nothing leaves inside this window: the best for a rider leaving at its end (who then waits)
    const late = w.range('A', 'D', '08:01', '08:14');
    assert.deepEqual(summary(late), ['08:14→09:15 x0: L15@A-D', '08:14→08:50 x1: E1@A-B | E2@B-D']);
    assert.equal(late[0]!.legs[0]!.departure, parseTime('08:15'));
  });
});

describe('range queries limited to departures inside the window', () => {
  // A slow train inside the window, a fast one just after it: the fast one dominates the slow one for a rider
  // leaving at the window's end, but a rider asking for departures inside the window must still get the slow one.
  const f = feed('f', {
    stops: { A: [0, 0], D: [9000, 0] },
    trips: [
      { id: 'SLOW', route: 'S', times: 'A 08:00, D 09:00' },
      { id: 'FAST', route: 'F', times: 'A 08:20, D 08:50' },
    ],
  });
  const w = world([f], { walkRadius: 0 });

  it('keeps the in-window journey that a later one dominates', () => {
    assert.deepEqual(summary(w.range('A', 'D', '08:00', '08:10')), ['08:10→08:50 x0: FAST@A-D']);
    assert.deepEqual(summary(w.range('A', 'D', '08:00', '08:10', {}, { insideWindowOnly: true })), ['08:00→09:00 x0: SLOW@A-D']);
  });

  it('inside the window it is the Pareto front of the journeys departing in it, checked against single queries', () => {
    const inside = w.range('A', 'D', '07:30', '08:30', {}, { insideWindowOnly: true });
    for (const j of inside) assert.ok(j.departure <= parseTime('08:30'));
    // Every departure time in the window: the best single-query journey leaving then is matched or beaten by one of the range.
    for (let t = parseTime('07:30'); t <= parseTime('08:30'); t += 300) {
      const best = w.after('A', 'D', formatClock(t)).filter((k) => k.legs[0]!.departure <= parseTime('08:30'));
      for (const k of best) assert.ok(inside.some((j) => j.departure >= t && j.arrival <= k.arrival && j.transfers <= k.transfers), `from ${formatClock(t)}`);
    }
  });
});

describe('coordinates as origin and destination', () => {
  const f = feed('f', {
    stops: { A: [0, 0], B: [5000, 0], C: [5300, 0] },
    trips: [
      { id: 'T', route: 'R', times: 'A 08:00, B 08:10' },
      { id: 'U', route: 'R', times: 'A 08:30, C 08:40' },
    ],
  });
  const w = world([f], { walkRadius: 0 });
  const pt = (x: number, y: number) => at(x, y);

  it('walks to stops near the origin and from stops near the destination', () => {
    const js = w.after(pt(-200, 0), pt(5150, 0), '07:50');
    assert.deepEqual(summary(js), ['07:56→08:12 x0: walk ·-A | T@A-B | walk B-·']);
    const [j] = js;
    assert.equal(j!.legs[0]!.kind, 'walk');
    assert.equal(j!.legs[0]!.arrival, parseTime('08:00'));
    assert.equal(j!.legs[2]!.departure, parseTime('08:10'));
    const ref = new Reference([f], '20261014', 0);
    assert.deepEqual(checkJourney(ref, j!, { ...pt(-200, 0), radius: 500 }, { ...pt(5150, 0), radius: 500 }, parseTime('07:50')), []);
    // coordinates farther than the access radius reach nothing
    assert.deepEqual(w.after(pt(-700, 0), pt(5150, 0), '07:50'), []);
    assert.equal(w.after(pt(-700, 0), pt(5150, 0), '07:50', { accessRadius: 800 }).length, 1);
  });

  it('walks directly between close coordinates', () => {
    const js = w.after(pt(0, 0), pt(0, 300), '07:50');
    assert.deepEqual(summary(js), ['07:50→07:55 x0: walk ·-·']);
    assert.deepEqual(summary(w.by(pt(0, 0), pt(0, 300), '09:00')), ['08:54→09:00 x0: walk ·-·']);
  });

  it('plans arrive-by between coordinates', () => {
    assert.deepEqual(summary(w.by(pt(-200, 0), pt(5150, 0), '08:45')), ['08:26→08:42 x0: walk ·-A | U@A-C | walk C-·']);
  });
});

describe('wheelchair-accessible journeys', () => {
  const f = feed('f', {
    stops: {
      A: { at: [0, 0], wheelchair: 1 },
      S: { at: [5000, 0], station: true, wheelchair: 1 },
      S1: { at: [5000, 0], parent: 'S' },
      S2: { at: [5000, 0], parent: 'S', wheelchair: 2 },
      B: { at: [9000, 0], wheelchair: 1 },
    },
    trips: [
      { id: 'STEP', route: 'R', times: 'A 08:00, S1 08:10', wheelchair: 2 },
      { id: 'UNKNOWN', route: 'R', times: 'A 08:10, S1 08:20' },
      { id: 'LOW', route: 'R', times: 'A 08:20, S1 08:30', wheelchair: 1 },
      { id: 'TO_S2', route: 'Q', times: 'A 08:00, S2 08:05', wheelchair: 1 },
      { id: 'ON', route: 'P', times: 'S1 08:40, B 09:00', wheelchair: 1 },
    ],
  });
  const w = world([f], { walkRadius: 0 });

  it('uses only accessible trips (1) and stops (1, or 0 under an accessible parent)', () => {
    assert.deepEqual(summary(w.after('A', 'S', '07:55')), ['08:00→08:05 x0: TO_S2@A-S2']);
    assert.deepEqual(summary(w.after('A', 'S', '07:55', { wheelchair: true })), ['08:20→08:30 x0: LOW@A-S1']);
    assert.deepEqual(summary(w.after('A', 'B', '07:55', { wheelchair: true })), ['08:20→09:00 x1: LOW@A-S1 | ON@S1-B']);
    assert.deepEqual(w.after('A', 'S2', '07:55', { wheelchair: true }), []);
  });
});

describe('mode filter', () => {
  const f = feed('f', {
    stops: { A: [0, 0], B: [9000, 0] },
    routes: { BUS: { type: 3 }, COACH: { type: 700 }, RAIL: { type: 2 }, IC: { type: 102 } },
    trips: [
      { id: 'BUS', route: 'BUS', times: 'A 08:00, B 08:20' },
      { id: 'COACH', route: 'COACH', times: 'A 08:05, B 08:15' },
      { id: 'RAIL', route: 'RAIL', times: 'A 08:00, B 08:40' },
      { id: 'IC', route: 'IC', times: 'A 08:10, B 08:30' },
    ],
  });
  const w = world([f], { walkRadius: 0 });

  it('maps extended route types to basic modes', () => {
    assert.equal(basicMode(700), MODE.bus);
    assert.equal(basicMode(102), MODE.rail);
    assert.equal(basicMode(401), MODE.subway);
    assert.equal(basicMode(1100), MODE.other);
    assert.equal(modeMask(['bus']), modeMask([3]));
  });

  it('keeps only the allowed modes', () => {
    assert.deepEqual(summary(w.after('A', 'B', '07:55')), ['08:05→08:15 x0: COACH@A-B']);
    assert.deepEqual(summary(w.after('A', 'B', '07:55', { modes: ['rail'] })), ['08:10→08:30 x0: IC@A-B']);
    assert.deepEqual(summary(w.after('A', 'B', '07:55', { modes: [2, 1] })), ['08:10→08:30 x0: IC@A-B']);
    assert.deepEqual(summary(w.after('A', 'B', '07:55', { modes: [4] })), []);
    assert.equal(earliest(w.after('A', 'B', '07:55', { modes: [3] })), parseTime('08:15'));
  });
});

describe('several feeds', () => {
  it('namespaces ids, connects feeds by generated footpaths and keeps each feed’s transfers inside it', () => {
    const f = feed('f', { stops: { A: [0, 0], X: [1000, 0] }, trips: [{ id: 'T', route: 'R', times: 'A 08:00, X 08:10' }] });
    const g = feed('g', { stops: { A: [1100, 0], Z: [5000, 0] }, trips: [{ id: 'T', route: 'R', times: 'A 08:15, Z 08:30' }] });
    const w = world([f, g]);
    assert.equal(w.net.stopId.length, 4);
    assert.deepEqual(summary(w.after('f:A', 'g:Z', '07:55')), ['08:00→08:30 x1: T@A-X | walk X-A | T@A-Z']);
    assert.throws(() => world([f, f]), /two feeds/);
  });
});
