/**
 * A small DSL that builds GtfsFeed objects directly (no files, no reader), for engine tests.
 *
 *   const f = feed('f', {
 *     stops: { A: [0, 0], B: [1000, 0], S: { at: [0, 500], station: true }, S1: { at: [0, 500], parent: 'S' } },
 *     routes: { R: { type: 3 } },
 *     services: { WK: { days: 'MTWTF..', start: '20261001', end: '20261031', add: ['20261018'], remove: ['20261014'] } },
 *     trips: [{ id: 'T1', route: 'R', service: 'WK', times: 'A 08:00, B 08:10/08:12, C, D 08:30 nodrop' }],
 *     transfers: [{ from: 'A', to: 'B', type: 2, min: 120 }],
 *   });
 *
 * Stop positions are metres east/north of a base point (40.75 N, 73.98 W) unless given as { lat, lon }.
 * A stop time is `STOP [ARR[/DEP]] [nopick] [nodrop]`; a stop without a time is left NO_TIME (the engine
 * interpolates it). Times are H:MM[:SS] and may pass 24:00. Service `ALL` (every day of 2026) exists unless
 * replaced; a trip without `service` uses it. Routes named in trips but not declared get type 3.
 */
import { NO_TIME, NONE, type Calendar, type CalendarDate, type Frequency, type GtfsFeed, type Route, type Stop, type Transfer, type Trip } from '../../../src/transit/gtfs/feed.ts';

export const BASE_LAT = 40.75;
export const BASE_LON = -73.98;
const M_PER_DEG_LAT = 111_195; // mean Earth radius 6 371 008.8 m × π/180 (haversine scale)

/** Latitude/longitude of a point x metres east and y metres north of the base point. */
export function at(x: number, y: number): { lat: number; lon: number } {
  const lat = BASE_LAT + y / M_PER_DEG_LAT;
  const lon = BASE_LON + x / (M_PER_DEG_LAT * Math.cos((BASE_LAT * Math.PI) / 180));
  return { lat, lon };
}

export type StopSpec =
  | [number, number]
  | {
      at?: [number, number];
      lat?: number;
      lon?: number;
      name?: string;
      station?: boolean;
      parent?: string;
      /** wheelchair_boarding 0/1/2. */
      wheelchair?: number;
    };

export type ServiceSpec = {
  /** Seven characters Monday…Sunday, any non-dot character meaning "runs", e.g. 'MTWTF..'; omit for no calendar.txt row. */
  days?: string;
  start?: string;
  end?: string;
  add?: string[];
  remove?: string[];
};

export type TripSpec = {
  id: string;
  route: string;
  service?: string;
  headsign?: string;
  /** wheelchair_accessible 0/1/2. */
  wheelchair?: number;
  times: string;
  frequencies?: { start: string; end: string; headway: number; exact: 0 | 1 }[];
  block?: string;
};

export type TransferSpec = {
  from?: string;
  to?: string;
  type: number;
  min?: number;
  fromRoute?: string;
  toRoute?: string;
  fromTrip?: string;
  toTrip?: string;
};

export type FeedSpec = {
  stops: Record<string, StopSpec>;
  routes?: Record<string, { type?: number; name?: string }>;
  services?: Record<string, ServiceSpec>;
  trips: TripSpec[];
  transfers?: TransferSpec[];
};

export function parseTime(s: string): number {
  const m = /^(\d+):(\d\d)(?::(\d\d))?$/.exec(s);
  if (!m) throw new Error(`fixture: bad time ${s}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

export function feed(feedId: string, spec: FeedSpec): GtfsFeed {
  const stops: Stop[] = [];
  const stopIndex = new Map<string, number>();
  const stopEntries = Object.entries(spec.stops);
  for (const [id] of stopEntries) stopIndex.set(id, stopIndex.size);
  for (const [id, s] of stopEntries) {
    const o = Array.isArray(s) ? { at: s } : s;
    const pos = o.at ? at(o.at[0], o.at[1]) : { lat: o.lat ?? BASE_LAT, lon: o.lon ?? BASE_LON };
    const parent = o.parent ? stopIndex.get(o.parent) : NONE;
    if (parent === undefined) throw new Error(`fixture: unknown parent ${o.parent}`);
    stops.push({
      id,
      code: null,
      name: o.name ?? `Stop ${id}`,
      lat: pos.lat,
      lon: pos.lon,
      locationType: o.station ? 1 : 0,
      parent,
      wheelchairBoarding: o.wheelchair ?? 0,
      platformCode: null,
      zoneId: null,
    });
  }
  const need = (m: Map<string, number>, id: string, what: string) => {
    const i = m.get(id);
    if (i === undefined) throw new Error(`fixture: unknown ${what} ${id}`);
    return i;
  };

  const routes: Route[] = [];
  const routeIndex = new Map<string, number>();
  const addRoute = (id: string, type = 3, name?: string) => {
    routeIndex.set(id, routes.length);
    routes.push({ id, agencyId: null, shortName: name ?? id, longName: '', type, color: null, textColor: null });
  };
  for (const [id, r] of Object.entries(spec.routes ?? {})) addRoute(id, r.type, r.name);
  for (const t of spec.trips) if (!routeIndex.has(t.route)) addRoute(t.route);

  const services = spec.services ?? { ALL: { days: 'MTWTFSS', start: '20260101', end: '20261231' } };
  const calendars: Calendar[] = [];
  const calendarDates: CalendarDate[] = [];
  for (const [serviceId, s] of Object.entries(services)) {
    if (s.days) {
      const d = [...s.days].map((c) => c !== '.');
      if (d.length !== 7) throw new Error(`fixture: days must have 7 characters: ${s.days}`);
      calendars.push({ serviceId, days: d as Calendar['days'], startDate: s.start ?? '20260101', endDate: s.end ?? '20261231' });
    }
    for (const date of s.add ?? []) calendarDates.push({ serviceId, date, exceptionType: 1 });
    for (const date of s.remove ?? []) calendarDates.push({ serviceId, date, exceptionType: 2 });
  }

  const trips: Trip[] = [];
  const tripIndex = new Map<string, number>();
  const rows: { stop: number; arr: number; dep: number; pick: number; drop: number }[][] = [];
  const frequencies: Frequency[] = [];
  for (const t of spec.trips) {
    const ti = trips.length;
    tripIndex.set(t.id, ti);
    trips.push({
      id: t.id,
      route: need(routeIndex, t.route, 'route'),
      serviceId: t.service ?? Object.keys(services)[0]!,
      headsign: t.headsign ?? null,
      shortName: null,
      directionId: null,
      blockId: t.block ?? null,
      shapeId: null,
      wheelchairAccessible: t.wheelchair ?? 0,
    });
    const list = t.times
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map((entry) => {
        const parts = entry.split(/\s+/);
        const stop = need(stopIndex, parts[0]!, 'stop');
        let arr = NO_TIME;
        let dep = NO_TIME;
        let pick = 0;
        let drop = 0;
        for (const p of parts.slice(1)) {
          if (p === 'nopick') pick = 1;
          else if (p === 'nodrop') drop = 1;
          else {
            const [a, d] = p.split('/');
            arr = parseTime(a!);
            dep = d ? parseTime(d) : arr;
          }
        }
        return { stop, arr, dep, pick, drop };
      });
    rows.push(list);
    for (const f of t.frequencies ?? [])
      frequencies.push({ trip: ti, startTime: parseTime(f.start), endTime: parseTime(f.end), headwaySecs: f.headway, exactTimes: f.exact });
  }
  const count = rows.reduce((s, r) => s + r.length, 0);
  const tripStart = new Int32Array(trips.length + 1);
  const stop = new Int32Array(count);
  const sequence = new Int32Array(count);
  const arrival = new Int32Array(count);
  const departure = new Int32Array(count);
  const pickupType = new Uint8Array(count);
  const dropOffType = new Uint8Array(count);
  let k = 0;
  rows.forEach((list, t) => {
    tripStart[t] = k;
    list.forEach((r, i) => {
      stop[k] = r.stop;
      sequence[k] = i + 1;
      arrival[k] = r.arr;
      departure[k] = r.dep;
      pickupType[k] = r.pick;
      dropOffType[k] = r.drop;
      k++;
    });
  });
  tripStart[trips.length] = k;

  const opt = (m: Map<string, number>, id: string | undefined, what: string) => (id === undefined ? NONE : need(m, id, what));
  const transfers: Transfer[] = (spec.transfers ?? []).map((x) => ({
    fromStop: opt(stopIndex, x.from, 'stop'),
    toStop: opt(stopIndex, x.to, 'stop'),
    fromRoute: opt(routeIndex, x.fromRoute, 'route'),
    toRoute: opt(routeIndex, x.toRoute, 'route'),
    fromTrip: opt(tripIndex, x.fromTrip, 'trip'),
    toTrip: opt(tripIndex, x.toTrip, 'trip'),
    transferType: x.type,
    minTransferTime: x.min ?? null,
  }));

  return {
    feedId,
    agencies: [{ id: 'A', name: 'Agency', url: 'https://example.org', timezone: 'America/New_York', lang: null, phone: null }],
    stops,
    routes,
    trips,
    stopTimes: { count, tripStart, stop, sequence, arrival, departure, pickupType, dropOffType, headsign: null, shapeDistTraveled: null },
    calendars,
    calendarDates,
    frequencies,
    transfers,
    shapes: new Map(),
    feedInfo: null,
    extraFiles: new Map(),
    stopIndex,
    routeIndex,
    tripIndex,
  };
}
