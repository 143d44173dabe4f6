/**
 * The Pareto set of a departure window computed the slow way, to check `departureRange`: one plain
 * depart-after query at every time a trip leaves one of the origin's stops (or the stops of its
 * footpaths) inside the window, and at the window's end; each journey counts as leaving
 * min(its departure, end); then the Pareto filter over (later departure, earlier arrival, fewer
 * transfers). Depart-after itself is checked against the reference (reference.ts) elsewhere.
 * Returns null when a walk-only journey exists (which can leave at any time).
 */
import { departAfter, stopsOf, type Place, type Timetable } from '../../../src/transit/engine/index.ts';

export function rangeOracle(tt: Timetable, from: { stop: number }, to: Place, start: number, end: number): string[] | null {
  const net = tt.network;
  const sources: { stop: number; offset: number }[] = [];
  for (const o of stopsOf(net, from.stop)) {
    sources.push({ stop: o, offset: 0 });
    for (let e = net.fpStart[o]!; e < net.fpStart[o + 1]!; e++) sources.push({ stop: net.fpTo[e]!, offset: net.fpDur[e]! });
  }
  const times = new Set<number>([start, end]);
  for (const s of sources)
    for (let e = tt.spStart[s.stop]!; e < tt.spStart[s.stop + 1]!; e++) {
      const P = tt.spPattern[e]!;
      const i = tt.spPos[e]!;
      const L = tt.patStopStart[P + 1]! - tt.patStopStart[P]!;
      for (let j = 0; j < tt.patTripStart[P + 1]! - tt.patTripStart[P]!; j++) {
        const d = tt.dep[tt.patTimeBase[P]! + j * L + i]! - s.offset;
        if (d >= start && d <= end) times.add(d);
      }
    }
  const found: [number, number, number][] = [];
  for (const t of times) {
    const js = departAfter(tt, from, to, t);
    if (js.some((j) => !j.legs.some((l) => l.kind === 'transit'))) return null;
    for (const j of js) found.push([Math.min(j.departure, end), j.arrival, j.transfers]);
  }
  const front = found.filter((x) => !found.some((y) => y[0] >= x[0] && y[1] <= x[1] && y[2] <= x[2] && (y[0] > x[0] || y[1] < x[1] || y[2] < x[2])));
  return [...new Set(front.map((x) => x.join('|')))].sort();
}

export function rangeKeys(js: { departure: number; arrival: number; transfers: number }[]): string[] {
  return [...new Set(js.map((j) => `${j.departure}|${j.arrival}|${j.transfers}`))].sort();
}
