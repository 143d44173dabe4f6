import { AppError, fieldError } from '../platform/errors.ts';
import { isoInZone, nowInZone, serviceTimeInstant } from '../platform/time.ts';
import { arriveBy, buildNetwork, buildTimetable, departAfter, departureRange, findStop, formatClock, parseClock, type Journey, type Leg, type Network, type Place, type Timetable } from './engine/index.ts';
import type { TransitService } from './transit.service.ts';
import { qualify, unqualify, type GtfsFeed } from './gtfs/feed.ts';
import { translationsFor } from './stop-search.ts';

export type PlanQuery = {
  from: string;
  to: string;
  date?: string | undefined;
  time?: string | undefined;
  arriveBy?: boolean | undefined;
  window?: number | undefined; // minutes, range query
  maxTransfers?: number | undefined;
  modes?: string | undefined;
  wheelchair?: boolean | undefined;
};

const TZ = 'Asia/Shanghai';
const COORD = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/;


/**
 * Journey planning over the stored feeds: the network is rebuilt when the feeds change, timetables are
 * built per service date on first use and kept for a few dates.
 */
export class TransitPlanner {
  private state: {
    version: string;
    net: Network;
    labels: Map<string, { zh: string; en: string }>;
    timezones: Map<string, string>;
    names: Names;
    /** First and last service date of each feed (YYYYMMDD). */
    periods: Map<string, [string, string]>;
    timetables: Map<string, Timetable>;
    buildMs: { network: number; timetables: Map<string, number> };
  } | null = null;

  constructor(
    private transit: TransitService,
    private walkRadius = 500,
    private now: () => Date = () => new Date(),
  ) {}

  private async network() {
    const cur = await this.transit.current();
    if (this.state?.version !== cur.version) {
      const labels = new Map<string, { zh: string; en: string }>();
      for (const f of await this.transit.listFeeds()) if (f.label) labels.set(f.id, f.label);
      const timezones = new Map(cur.feeds.map((f) => [f.feedId, f.agencies[0]?.timezone ?? TZ]));
      const t0 = performance.now();
      const net = buildNetwork(cur.feeds, { walkRadius: this.walkRadius });
      this.state = {
        buildMs: { network: performance.now() - t0, timetables: new Map() },
        version: cur.version,
        net,
        labels,
        timezones,
        names: namesOf(cur.feeds),
        periods: new Map(cur.feeds.map((f) => [f.feedId, servicePeriod(f)] as const).filter((x): x is [string, [string, string]] => x[1] !== null)),
        timetables: new Map(),
      };
    }
    return this.state;
  }

  private timetable(state: NonNullable<TransitPlanner['state']>, date: string): Timetable {
    let tt = state.timetables.get(date);
    if (!tt) {
      if (state.timetables.size >= 4) state.timetables.delete(state.timetables.keys().next().value!);
      const t0 = performance.now();
      tt = buildTimetable(state.net, date);
      state.buildMs.timetables.set(date, performance.now() - t0);
      state.timetables.set(date, tt);
    }
    return tt;
  }

  private place(net: Network, text: string, field: string): Place {
    const m = COORD.exec(text);
    if (m) {
      const lat = Number(m[1]);
      const lon = Number(m[2]);
      if (Math.abs(lat) > 90 || Math.abs(lon) > 180) throw fieldError(field, `坐标超出范围：${text}`, `coordinate out of range: ${text}`);
      return { lat, lon };
    }
    const s = findStop(net, text);
    if (s === null) throw fieldError(field, `未知的车站编号：${text}（格式：数据源:编号，或“纬度,经度”）`, `unknown stop or station: ${text} (use feedId:stopId, or "lat,lon")`);
    return { stop: s };
  }

  /** Size and build cost of the network and of the timetable of a date (built if needed). */
  async stats(date?: string) {
    const state = await this.network();
    const d = date ?? nowInZone(this.now(), TZ).date;
    const tt = this.timetable(state, d);
    return {
      network: { ...state.net.stats, walkRadius: this.walkRadius, buildMs: Math.round(state.buildMs.network) },
      timetable: { ...tt.stats, buildMs: Math.round(state.buildMs.timetables.get(d) ?? 0) },
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1e6),
    };
  }

  async plan(q: PlanQuery) {
    const state = await this.network();
    const net = state.net;
    if (net.stopCount === 0) throw new AppError('no_network', 409, 'error.unavailable', { reason: 'no GTFS feed imported' });
    const from = this.place(net, q.from, 'from');
    const to = this.place(net, q.to, 'to');
    if (q.arriveBy && q.window) throw fieldError('window', '“到达时间”查询不能与出发时段同时使用', 'window cannot be combined with arriveBy');
    if (q.from.trim() === q.to.trim()) throw fieldError('to', '起点和终点相同', 'origin and destination are the same');
    const now = nowInZone(this.now(), TZ);
    const date = q.date ?? now.date;
    const time = q.time !== undefined ? parseClock(q.time) : now.seconds;
    if (time === null) throw fieldError('time', `时间格式应为 HH:MM 或 HH:MM:SS：${q.time}`, `time must be HH:MM or HH:MM:SS: ${q.time}`);
    const modes = q.modes ? q.modes.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s.toUpperCase())) : null;
    const opts = { maxTransfers: q.maxTransfers ?? 8, modes, wheelchair: q.wheelchair ?? false };
    const tt = this.timetable(state, date);
    let journeys: Journey[];
    try {
      journeys = q.arriveBy
        ? arriveBy(tt, from, to, time, opts)
        : q.window
          ? departureRange(tt, from, to, time, time + q.window * 60, opts, { insideWindowOnly: true })
          : departAfter(tt, from, to, time, opts);
    } catch (e) {
      if (e instanceof RangeError) throw fieldError('modes', `参数无效：${e.message}`, `invalid parameter: ${e.message}`);
      throw e;
    }
    const feedOfStop = (id: string | null) => (id ? (unqualify(id)?.feedId ?? null) : null);
    const used = new Set<string>();
    const tzOf = (id: string | null) => state.timezones.get(feedOfStop(id) ?? '') ?? TZ;
    // Engine times are already on the query's service day (previous-day trips shifted by −24 h).
    const at = (seconds: number, stopId: string | null) => isoInZone(serviceTimeInstant(date, seconds, tzOf(stopId)), tzOf(stopId));
    const itineraries = journeys.map((j) => {
      // The journey leaves when its first leg does (a range query's run time may be earlier).
      const departure = j.legs[0]?.departure ?? j.departure;
      return {
        departure: formatClock(departure),
        arrival: formatClock(j.arrival),
        departureAt: at(departure, firstStopId(j)),
        arrivalAt: at(j.arrival, firstStopId(j)),
        duration: j.arrival - departure,
        transfers: j.transfers,
        legs: j.legs.map((l) => legView(l, used, at, state.names)),
      };
    });
    const notices = [...used].map((f) => state.labels.get(f)).filter((x): x is { zh: string; en: string } => !!x);
    const ymd = date.replaceAll('-', '');
    const periods = [...state.periods.values()];
    if (periods.length && periods.every(([a, b]) => ymd < a || ymd > b)) {
      const span = `${Math.min(...periods.map((p) => Number(p[0])))}–${Math.max(...periods.map((p) => Number(p[1])))}`;
      notices.push({ zh: `所选日期 ${date} 不在任何数据源的服务期内（${span}）`, en: `${date} is outside the service period of every feed (${span})` });
    }
    return {
      query: { from: q.from, to: q.to, date, time: formatClock(time), arriveBy: !!q.arriveBy, window: q.window ?? null, maxTransfers: opts.maxTransfers, modes, wheelchair: opts.wheelchair },
      itineraries,
      notices: dedupe(notices),
    };
  }
}

function firstStopId(j: Journey): string | null {
  for (const l of j.legs) if (l.from.id) return l.from.id;
  return null;
}

function dedupe<T>(xs: T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

type At = (seconds: number, stopId: string | null) => string;
type Names = {
  stops: Map<string, Record<string, string>>;
  routeShort: Map<string, Record<string, string>>;
  routeLong: Map<string, Record<string, string>>;
  headsigns: Map<string, Record<string, string>>;
};

/** Translations (GTFS translations.txt) of stop names, route names and headsigns, by qualified id. */
function namesOf(feeds: readonly GtfsFeed[]): Names {
  const names: Names = { stops: new Map(), routeShort: new Map(), routeLong: new Map(), headsigns: new Map() };
  for (const f of feeds) {
    const put = (target: Map<string, Record<string, string>>, m: Map<string, Record<string, string>>) => {
      for (const [id, v] of m) target.set(qualify(f.feedId, id), v);
    };
    put(names.stops, translationsFor(f));
    put(names.routeShort, translationsFor(f, 'routes', 'route_short_name', f.routes.map((r) => [r.id, r.shortName])));
    put(names.routeLong, translationsFor(f, 'routes', 'route_long_name', f.routes.map((r) => [r.id, r.longName])));
    put(names.headsigns, translationsFor(f, 'trips', 'trip_headsign', f.trips.map((t) => [t.id, t.headsign ?? ''])));
  }
  return names;
}

function servicePeriod(f: GtfsFeed): [string, string] | null {
  const dates = [...f.calendars.flatMap((c) => [c.startDate, c.endDate]), ...f.calendarDates.filter((d) => d.exceptionType === 1).map((d) => d.date)].sort();
  return dates.length ? [dates[0]!, dates[dates.length - 1]!] : null;
}

function legView(l: Leg, used: Set<string>, at: At, names: Names) {
  const place = (p: Leg['from']) => ({ id: p.id, name: p.name, names: (p.id && names.stops.get(p.id)) || {}, lat: p.lat, lon: p.lon });
  if (l.kind === 'walk') {
    return { mode: 'WALK', from: place(l.from), to: place(l.to), departure: formatClock(l.departure), arrival: formatClock(l.arrival), departureAt: at(l.departure, l.from.id ?? l.to.id), arrivalAt: at(l.arrival, l.to.id ?? l.from.id), duration: l.duration, distance: Math.round(l.distance) };
  }
  used.add(unqualify(l.route.id)?.feedId ?? l.route.id);
  return {
    mode: l.mode,
    routeType: l.routeType,
    route: { id: l.route.id, shortName: l.route.shortName, longName: l.route.longName, color: l.route.color, shortNames: names.routeShort.get(l.route.id) ?? {}, longNames: names.routeLong.get(l.route.id) ?? {} },
    trip: { id: l.trip.id, headsign: l.trip.headsign, headsigns: names.headsigns.get(l.trip.id) ?? {}, shortName: l.trip.shortName, serviceDay: l.trip.serviceDay },
    entry: l.entry,
    from: place(l.from),
    to: place(l.to),
    departure: formatClock(l.departure),
    arrival: formatClock(l.arrival),
    departureAt: at(l.departure, l.from.id),
    arrivalAt: at(l.arrival, l.to.id),
    duration: l.arrival - l.departure,
    intermediateStops: l.intermediateStops.map((s) => ({ ...place(s.stop), arrival: formatClock(s.arrival), departure: formatClock(s.departure) })),
  };
}

export type PlanResult = Awaited<ReturnType<TransitPlanner['plan']>>;

/** The itineraries as GeoJSON: one LineString per leg through its stops, with the leg's facts. */
export function planToGeoJson(r: PlanResult) {
  const features = r.itineraries.flatMap((it, i) =>
    it.legs.map((l, k) => ({
      type: 'Feature' as const,
      geometry: {
        type: 'LineString' as const,
        coordinates: [[l.from.lon, l.from.lat], ...(l.intermediateStops ?? []).map((s) => [s.lon, s.lat]), [l.to.lon, l.to.lat]],
      },
      properties: { itinerary: i, leg: k, mode: l.mode, route: l.route ? l.route.shortName || l.route.longName : null, from: l.from.name, to: l.to.name, departure: l.departure, arrival: l.arrival },
    })),
  );
  return { type: 'FeatureCollection' as const, features, properties: { query: r.query, notices: r.notices } };
}
