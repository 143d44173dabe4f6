/**
 * Random small feeds for property tests: stops scattered over a few kilometres (so some lie within
 * walking distance), an occasional station with child stops, routes with trips that may overtake each
 * other, services on different weekdays (including the day before, with times past midnight),
 * frequencies, empty times to interpolate, pickup/drop-off restrictions, and transfers.txt rows of the
 * kinds the engine decides exactly (stop-level rows of all types, timed and in-seat trip rows, timed
 * route rows).
 */
import type { GtfsFeed } from '../../../src/transit/gtfs/feed.ts';
import { feed, type FeedSpec, type StopSpec, type TransferSpec, type TripSpec } from './fixture.ts';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const clock = (t: number) => `${Math.floor(t / 3600)}:${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;

export function randomFeed(seed: number): { feed: GtfsFeed; spec: FeedSpec; stopIds: string[]; placeIds: string[] } {
  const r = rng(seed);
  const int = (a: number, b: number) => a + Math.floor(r() * (b - a + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const nStops = int(4, 10);
  const stopIds = Array.from({ length: nStops }, (_, i) => `S${i}`);
  const stops: Record<string, StopSpec> = {};
  for (const id of stopIds) stops[id] = { at: [int(0, 2500), int(0, 2500)] };
  const placeIds = [...stopIds];
  if (r() < 0.4) {
    const kids = stopIds.filter(() => r() < 0.4).slice(0, 3);
    if (kids.length >= 2) {
      stops.ST = { at: [1000, 1000], station: true };
      for (const k of kids) stops[k] = { ...(stops[k] as object), parent: 'ST' };
      placeIds.push('ST');
    }
  }
  const services = {
    ALL: { days: 'MTWTFSS', start: '20260101', end: '20261231' },
    WED: { days: '..W....', start: '20261001', end: '20261031' },
    TUE: { days: '.T.....', start: '20261001', end: '20261031' },
    THU: { days: '...T...', start: '20261001', end: '20261031' },
    GONE: { days: 'MTWTFSS', start: '20261001', end: '20261031', remove: ['20261014'] },
    EXTRA: { add: ['20261014'] },
  };
  const trips: TripSpec[] = [];
  const nRoutes = int(2, 5);
  for (let ri = 0; ri < nRoutes; ri++) {
    const len = int(2, Math.min(5, nStops));
    const seq = [...stopIds].sort(() => r() - 0.5).slice(0, len);
    const nTrips = int(1, 4);
    for (let ti = 0; ti < nTrips; ti++) {
      const service = pick(Object.keys(services));
      let t = service === 'TUE' && r() < 0.7 ? int(23 * 3600, 24 * 3600 + 1800) : int(7 * 3600, 9 * 3600);
      const parts: string[] = [];
      seq.forEach((s, i) => {
        const dwell = int(0, 2) * 60;
        const timed = i === 0 || i === seq.length - 1 || r() > 0.15;
        const flags = `${i > 0 && r() < 0.08 ? ' nodrop' : ''}${i < seq.length - 1 && r() < 0.08 ? ' nopick' : ''}`;
        parts.push(timed ? `${s} ${clock(t)}/${clock(t + dwell)}${flags}` : `${s}${flags}`);
        t += dwell + int(2, 15) * 60;
      });
      const trip: TripSpec = { id: `R${ri}T${ti}`, route: `R${ri}`, service, times: parts.join(', ') };
      if (r() < 0.12) {
        const start = int(7 * 3600, 8 * 3600);
        trip.frequencies = [{ start: clock(start), end: clock(start + int(20, 90) * 60), headway: int(5, 20) * 60, exact: r() < 0.5 ? 1 : 0 }];
      }
      trips.push(trip);
    }
  }
  const transfers: TransferSpec[] = [];
  const places = Object.keys(stops);
  for (let k = int(0, 4); k > 0; k--) {
    const type = int(0, 3);
    const from = pick(places);
    const to = r() < 0.4 ? from : pick(places);
    transfers.push({ from, to, type, ...(type === 2 ? { min: int(0, 10) * 60 } : {}) });
  }
  const stopsOf = (t: TripSpec) => t.times.split(',').map((x) => x.trim().split(/\s+/)[0]!);
  for (let k = int(0, 2); k > 0; k--) {
    const a = pick(trips);
    const b = pick(trips);
    if (a === b) continue;
    if (r() < 0.5) {
      const sa = stopsOf(a).slice(1);
      const sb = stopsOf(b).slice(0, -1);
      transfers.push({ from: pick(sa), to: pick(sb), type: 1, fromTrip: a.id, toTrip: b.id });
    } else transfers.push({ type: 4, fromTrip: a.id, toTrip: b.id });
  }
  if (r() < 0.3) {
    const a = pick(trips);
    const b = pick(trips);
    const common = stopsOf(a).slice(1).filter((s) => stopsOf(b).slice(0, -1).includes(s));
    if (common.length && a.route !== b.route) {
      const s = pick(common);
      transfers.push({ from: s, to: s, type: 1, fromRoute: a.route, toRoute: b.route });
    }
  }
  const spec: FeedSpec = { stops, services, trips, transfers };
  return { feed: feed('f', spec), spec, stopIds, placeIds };
}
