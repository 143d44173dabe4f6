/** Small helpers for engine tests: plan by ids and clock strings, summarise journeys. */
import type { GtfsFeed } from '../../../src/transit/gtfs/feed.ts';
import {
  arriveBy,
  buildNetwork,
  buildTimetable,
  departAfter,
  departureRange,
  findStop,
  formatClock,
  type Journey,
  type Network,
  type NetworkOptions,
  type Place,
  type PlanOptions,
  type Timetable,
} from '../../../src/transit/engine/index.ts';
import { parseTime } from './fixture.ts';

export const DATE = '2026-10-14'; // a Wednesday

export type World = {
  net: Network;
  tt: Timetable;
  place(id: string): Place;
  after(from: string | Place, to: string | Place, time: string, o?: PlanOptions): Journey[];
  by(from: string | Place, to: string | Place, time: string, o?: PlanOptions): Journey[];
  range(from: string | Place, to: string | Place, start: string, end: string, o?: PlanOptions, r?: Parameters<typeof departureRange>[6]): Journey[];
};

export function world(feeds: GtfsFeed[], opts: NetworkOptions = {}, date = DATE): World {
  const net = buildNetwork(feeds, opts);
  const tt = buildTimetable(net, date);
  const place = (id: string): Place => {
    const s = findStop(net, id);
    if (s === null) throw new Error(`no stop ${id}`);
    return { stop: s };
  };
  const p = (x: string | Place) => (typeof x === 'string' ? place(x) : x);
  return {
    net,
    tt,
    place,
    after: (from, to, time, o) => departAfter(tt, p(from), p(to), parseTime(time), o),
    by: (from, to, time, o) => arriveBy(tt, p(from), p(to), parseTime(time), o),
    range: (from, to, start, end, o, r) => departureRange(tt, p(from), p(to), parseTime(start), parseTime(end), o, r),
  };
}

/** One line per journey: `dep→arr xN: leg | leg`, legs as `trip@from-to` or `walk from-to`. */
export function summary(js: Journey[]): string[] {
  const short = (id: string | null) => (id === null ? '·' : id.slice(id.indexOf(':') + 1));
  return js.map(
    (j) =>
      `${formatClock(j.departure).slice(0, 5)}→${formatClock(j.arrival).slice(0, 5)} x${j.transfers}: ` +
      j.legs
        .map((l) =>
          l.kind === 'walk'
            ? `walk ${short(l.from.id)}-${short(l.to.id)}`
            : `${short(l.trip.id)}${l.entry !== 'board' ? `(${l.entry})` : ''}@${short(l.from.id)}-${short(l.to.id)}`,
        )
        .join(' | '),
  );
}

/** Earliest arrival over a Pareto front, or null. */
export function earliest(js: Journey[]): number | null {
  return js.length ? Math.min(...js.map((j) => j.arrival)) : null;
}
