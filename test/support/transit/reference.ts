/**
 * An independent, deliberately plain reference for the transit engine: a Connection Scan Algorithm
 * (Dibbelt, Pajor, Strasser, Wagner 2013) computing earliest arrival times straight from GtfsFeed objects,
 * with the same footpath/transfer semantics as the engine (issue 3, item 5) but none of its code or
 * structures: its own service calendar, interpolation, frequency expansion, footpath generation (a grid,
 * not kdbush), transfers.txt resolution and rule matching.
 *
 * Trip/route-level rules are handled exactly: arrivals of trips that some rule names are kept as events
 * at the stops they reach, and every boarding there is checked against each event with the rule that
 * applies to that pair of trips.
 */
import type { GtfsFeed } from '../../../src/transit/gtfs/feed.ts';

const NONE = -1;
const NO_TIME = -1;
const INF = Number.MAX_SAFE_INTEGER;
const R_EARTH = 6_371_008.8;

function dist(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * R_EARTH * Math.asin(Math.min(1, Math.sqrt(a)));
}
const walkTime = (d: number) => Math.ceil((d * 1.3) / 1.2);

function shiftDate(yyyymmdd: string, days: number): string {
  const d = new Date(Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8) + days));
  return d.toISOString().slice(0, 10).replaceAll('-', '');
}

type RStop = { id: string; lat: number; lon: number; parent: number; isStation: boolean; served: boolean };
type RTrip = { id: string; route: number; feed: number; times: { stop: number; arr: number; dep: number; pick: boolean; drop: boolean }[] };
type RInstance = { trip: number; shift: number; day: number; freqStart: number | null };
type RRule = { fromStop: number; toStop: number; fromRoute: number; toRoute: number; fromTrip: number; toTrip: number; type: number; min: number | null; spec: number[] };
type Conn = { from: number; to: number; dep: number; arr: number; inst: number; seq: number; pick: boolean; drop: boolean; last: boolean };

export const REF_NO_RULE = 'none' as const;

export class Reference {
  readonly stops: RStop[] = [];
  readonly stopById = new Map<string, number>();
  readonly trips: RTrip[] = [];
  readonly tripById = new Map<string, number>();
  readonly routeIds: string[] = [];
  readonly instances: RInstance[] = [];
  readonly connections: Conn[] = [];
  /** footpaths[q] = Map(p → seconds) for p ≠ q. */
  readonly footpaths: Map<number, number>[] = [];
  /** Change time at a stop; -1: not possible. */
  readonly change: number[] = [];
  readonly rules: RRule[] = [];
  private readonly ruleTrips = new Map<number, RRule[]>();
  private readonly ruleRoutes = new Map<number, RRule[]>();
  private readonly ruleOthers: RRule[] = [];
  private anyFromRule = false;
  readonly date: string;

  constructor(feeds: readonly GtfsFeed[], date: string, walkRadius: number) {
    this.date = date;
    const stopBase: number[] = [];
    const routeBase: number[] = [];
    const tripBase: number[] = [];
    for (const f of feeds) {
      stopBase.push(this.stops.length);
      for (const s of f.stops) {
        this.stopById.set(`${f.feedId}:${s.id}`, this.stops.length);
        this.stops.push({ id: `${f.feedId}:${s.id}`, lat: s.lat, lon: s.lon, parent: NONE, isStation: s.locationType === 1, served: false });
      }
      f.stops.forEach((s, i) => {
        if (s.parent !== NONE) this.stops[stopBase[stopBase.length - 1]! + i]!.parent = stopBase[stopBase.length - 1]! + s.parent;
      });
      routeBase.push(this.routeIds.length);
      for (const r of f.routes) this.routeIds.push(`${f.feedId}:${r.id}`);
    }

    // Services of the date and the day before.
    const runs = (f: GtfsFeed, serviceId: string, d: string) => {
      let on = false;
      const wd = (new Date(Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8))).getUTCDay() + 6) % 7;
      for (const c of f.calendars) if (c.serviceId === serviceId && c.startDate <= d && d <= c.endDate && c.days[wd]) on = true;
      for (const c of f.calendarDates) if (c.serviceId === serviceId && c.date === d) on = c.exceptionType === 1;
      return on;
    };
    const yesterday = shiftDate(date, -1);

    feeds.forEach((f, fi) => {
      tripBase.push(this.trips.length);
      const sb = stopBase[fi]!;
      const cacheToday = new Map<string, boolean>();
      const cacheYesterday = new Map<string, boolean>();
      f.trips.forEach((t, ti) => {
        const st = f.stopTimes;
        const rows: RTrip['times'] = [];
        for (let r = st.tripStart[ti]!; r < st.tripStart[ti + 1]!; r++) {
          let a = st.arrival[r]!;
          let d = st.departure[r]!;
          if (a === NO_TIME) a = d;
          if (d === NO_TIME) d = a;
          rows.push({ stop: sb + st.stop[r]!, arr: a, dep: d, pick: st.pickupType[r] !== 1, drop: st.dropOffType[r] !== 1 });
        }
        const trip: RTrip = { id: `${f.feedId}:${t.id}`, route: routeBase[fi]! + t.route, feed: fi, times: rows };
        this.tripById.set(trip.id, this.trips.length);
        this.trips.push(trip);
        if (rows.length < 2 || rows[0]!.arr === NO_TIME || rows[rows.length - 1]!.arr === NO_TIME) {
          trip.times = [];
          return;
        }
        this.fillTimes(trip, st.shapeDistTraveled, st.tripStart[ti]!);
        for (const r of rows) this.stops[r.stop]!.served = true;
        const today = cached(cacheToday, t.serviceId, () => runs(f, t.serviceId, date));
        const yday = cached(cacheYesterday, t.serviceId, () => runs(f, t.serviceId, yesterday));
        const id = this.trips.length - 1;
        const freqs = f.frequencies.filter((q) => q.trip === ti && q.headwaySecs > 0 && q.endTime > q.startTime);
        const first = rows[0]!.dep;
        const lastArr = rows[rows.length - 1]!.arr;
        if (freqs.length === 0) {
          if (today) this.instances.push({ trip: id, shift: 0, day: 0, freqStart: null });
          if (yday && lastArr - 86400 >= 0) this.instances.push({ trip: id, shift: -86400, day: -86400, freqStart: null });
        } else
          for (const q of freqs)
            for (let s = q.startTime; s < q.endTime; s += q.headwaySecs) {
              if (today) this.instances.push({ trip: id, shift: s - first, day: 0, freqStart: s });
              if (yday && lastArr + s - first - 86400 >= 0) this.instances.push({ trip: id, shift: s - first - 86400, day: -86400, freqStart: s });
            }
      });
    });

    // Connections.
    this.instances.forEach((inst, ii) => {
      const rows = this.trips[inst.trip]!.times;
      for (let i = 0; i + 1 < rows.length; i++)
        this.connections.push({
          from: rows[i]!.stop,
          to: rows[i + 1]!.stop,
          dep: rows[i]!.dep + inst.shift,
          arr: rows[i + 1]!.arr + inst.shift,
          inst: ii,
          seq: i,
          pick: rows[i]!.pick,
          drop: rows[i + 1]!.drop,
          last: i + 2 === rows.length,
        });
    });
    this.connections.sort((a, b) => a.dep - b.dep || a.arr - b.arr || a.inst - b.inst || a.seq - b.seq);

    // Footpaths: explicit stop-level rows (most specific per pair), then generated by distance.
    for (let i = 0; i < this.stops.length; i++) {
      this.footpaths.push(new Map());
      this.change.push(0);
    }
    const best = new Map<string, { spec: number; type: number; min: number | null }>();
    const cover = (s: number) => (this.stops[s]!.isStation ? this.stops.map((x, i) => (x.parent === s && x.served ? i : -1)).filter((i) => i >= 0) : [s]);
    feeds.forEach((f, fi) => {
      for (const x of f.transfers) {
        const named = x.fromRoute !== NONE || x.toRoute !== NONE || x.fromTrip !== NONE || x.toTrip !== NONE;
        const fromStop = x.fromStop === NONE ? NONE : stopBase[fi]! + x.fromStop;
        const toStop = x.toStop === NONE ? NONE : stopBase[fi]! + x.toStop;
        if (named) {
          const side = (trip: number, route: number, stop: number) => [trip !== NONE ? 2 : route !== NONE ? 1 : 0, stop === NONE ? 0 : this.stops[stop]!.isStation ? 1 : 2];
          const [fMaj, fMin] = side(x.fromTrip, x.fromRoute, fromStop);
          const [tMaj, tMin] = side(x.toTrip, x.toRoute, toStop);
          const rule: RRule = {
            fromStop,
            toStop,
            fromRoute: x.fromRoute === NONE ? NONE : routeBase[fi]! + x.fromRoute,
            toRoute: x.toRoute === NONE ? NONE : routeBase[fi]! + x.toRoute,
            fromTrip: x.fromTrip === NONE ? NONE : tripBase[fi]! + x.fromTrip,
            toTrip: x.toTrip === NONE ? NONE : tripBase[fi]! + x.toTrip,
            type: x.transferType,
            min: x.minTransferTime,
            spec: [fMaj! + tMaj!, fMaj!, fMin! + tMin!, fMin!],
          };
          this.rules.push(rule);
          const into = (m: Map<number, RRule[]>, k: number) => (m.get(k) ?? (m.set(k, []), m.get(k)!)).push(rule);
          if (rule.fromTrip !== NONE) into(this.ruleTrips, rule.fromTrip);
          else if (rule.fromRoute !== NONE) into(this.ruleRoutes, rule.fromRoute);
          else {
            this.ruleOthers.push(rule);
            this.anyFromRule = true;
          }
          continue;
        }
        if (fromStop === NONE || toStop === NONE || x.transferType > 3) continue;
        const fs = this.stops[fromStop]!.isStation ? 0 : 1;
        const ts = this.stops[toStop]!.isStation ? 0 : 1;
        const spec = (fs + ts) * 2 + fs;
        for (const a of cover(fromStop))
          for (const b of cover(toStop)) {
            const k = `${a} ${b}`;
            const prev = best.get(k);
            if (!prev || prev.spec < spec) best.set(k, { spec, type: x.transferType, min: x.minTransferTime });
          }
      }
    });
    for (const [k, v] of best) {
      const [a, b] = k.split(' ').map(Number) as [number, number];
      if (a === b) this.change[a] = v.type === 3 ? -1 : v.type === 2 && v.min !== null && v.min >= 0 ? v.min : 0;
      else if (v.type !== 3) {
        const d = dist(this.stops[a]!.lat, this.stops[a]!.lon, this.stops[b]!.lat, this.stops[b]!.lon);
        this.footpaths[a]!.set(b, v.type === 2 && v.min !== null && v.min >= 0 ? v.min : walkTime(d));
      }
    }
    if (walkRadius > 0) {
      // Grid of cells about walkRadius wide; compare each stop with its own and the 8 neighbouring cells.
      const cellLat = walkRadius / 111_000;
      const grid = new Map<string, number[]>();
      const served = this.stops.map((s, i) => (s.served ? i : -1)).filter((i) => i >= 0);
      const cellOf = (s: RStop) => [Math.floor(s.lat / cellLat), Math.floor((s.lon * Math.cos((s.lat * Math.PI) / 180)) / cellLat)] as const;
      for (const i of served) {
        const [y, x] = cellOf(this.stops[i]!);
        const key = `${y},${x}`;
        (grid.get(key) ?? grid.set(key, []).get(key)!).push(i);
      }
      for (const a of served) {
        const sa = this.stops[a]!;
        const [y, x] = cellOf(sa);
        for (let dy = -2; dy <= 2; dy++)
          for (let dx = -2; dx <= 2; dx++)
            for (const b of grid.get(`${y + dy},${x + dx}`) ?? []) {
              if (a === b || best.has(`${a} ${b}`)) continue;
              const d = dist(sa.lat, sa.lon, this.stops[b]!.lat, this.stops[b]!.lon);
              if (d <= walkRadius) this.footpaths[a]!.set(b, walkTime(d));
            }
      }
    }
  }

  private fillTimes(trip: RTrip, shapeDist: Float64Array | null, feedRow: number) {
    const rows = trip.times;
    let prev = 0;
    for (let r = 1; r < rows.length; r++) {
      if (rows[r]!.arr === NO_TIME) continue;
      if (r > prev + 1) {
        // cumulative distances from `prev`
        const cum: number[] = [0];
        let ok = shapeDist !== null;
        if (ok) {
          for (let i = prev; i <= r; i++) if (!(shapeDist![feedRow + i]! >= 0)) ok = false;
          if (ok) for (let i = prev + 1; i <= r; i++) cum.push(shapeDist![feedRow + i]! - shapeDist![feedRow + prev]!);
          if (ok && !(cum[cum.length - 1]! > 0)) ok = false;
        }
        if (!ok) {
          cum.length = 1;
          for (let i = prev + 1; i <= r; i++) {
            const a = this.stops[rows[i - 1]!.stop]!;
            const b = this.stops[rows[i]!.stop]!;
            cum.push(cum[cum.length - 1]! + dist(a.lat, a.lon, b.lat, b.lon));
          }
          if (!(cum[cum.length - 1]! > 0)) for (let i = 0; i < cum.length; i++) cum[i] = i;
        }
        const total = cum[cum.length - 1]!;
        const t0 = rows[prev]!.dep;
        const t1 = rows[r]!.arr;
        for (let i = prev + 1; i < r; i++) {
          const t = t0 + Math.round(((t1 - t0) * cum[i - prev]!) / total);
          rows[i]!.arr = t;
          rows[i]!.dep = t;
        }
      }
      prev = r;
    }
    for (let r = 0; r < rows.length; r++) {
      if (r > 0 && rows[r]!.arr < rows[r - 1]!.dep) rows[r]!.arr = rows[r - 1]!.dep;
      if (rows[r]!.dep < rows[r]!.arr) rows[r]!.dep = rows[r]!.arr;
    }
  }

  /** The stop ids a place id stands for (a station: its served children). */
  expand(id: string): number[] {
    const s = this.stopById.get(id);
    if (s === undefined) throw new Error(`reference: unknown stop ${id}`);
    if (!this.stops[s]!.isStation) return [s];
    return this.stops.map((x, i) => (x.parent === s && x.served ? i : -1)).filter((i) => i >= 0);
  }

  /** Seconds from alighting at q to boarding at p under stop-level semantics; -1 when impossible. */
  normal(q: number, p: number): number {
    if (q === p) return this.change[q]!;
    return this.footpaths[q]!.get(p) ?? -1;
  }

  private matchStop(rule: number, s: number) {
    return rule === NONE || rule === s || this.stops[s]!.parent === rule;
  }

  /** The most specific trip/route rule for trip a at q → trip b at p, or null. */
  rule(a: number, q: number, b: number, p: number): RRule | null {
    let found: RRule | null = null;
    const ta = this.trips[a]!;
    const tb = this.trips[b]!;
    for (const r of this.rulesFrom(a)) {
      if (r.fromTrip !== NONE && r.fromTrip !== a) continue;
      if (r.toTrip !== NONE && r.toTrip !== b) continue;
      if (r.fromRoute !== NONE && r.fromRoute !== ta.route) continue;
      if (r.toRoute !== NONE && r.toRoute !== tb.route) continue;
      if (r.type === 4 || r.type === 5) {
        const lastStop = ta.times[ta.times.length - 1]?.stop;
        const firstStop = tb.times[0]?.stop;
        if (r.fromStop === NONE ? q !== lastStop : !this.matchStop(r.fromStop, q)) continue;
        if (r.toStop === NONE ? p !== firstStop : !this.matchStop(r.toStop, p)) continue;
      } else if (!this.matchStop(r.fromStop, q) || !this.matchStop(r.toStop, p)) continue;
      if (!found || cmp(r.spec, found.spec) > 0) found = r;
    }
    return found;
  }

  /** Seconds needed from trip a at q to trip b at p: a number, -1 when not possible. `inSeat` when a type 4 rule decides. */
  need(a: number, q: number, b: number, p: number): { seconds: number; inSeat: boolean; rule: RRule | null } {
    const r = this.rule(a, q, b, p);
    if (r) {
      if (r.type === 1) return { seconds: q === p ? 0 : walkTime(dist(this.stops[q]!.lat, this.stops[q]!.lon, this.stops[p]!.lat, this.stops[p]!.lon)), inSeat: false, rule: r };
      if (r.type === 2 && r.min !== null && r.min >= 0) return { seconds: r.min, inSeat: false, rule: r };
      if (r.type === 3) return { seconds: -1, inSeat: false, rule: r };
      if (r.type === 4) return { seconds: 0, inSeat: true, rule: r };
    }
    return { seconds: this.normal(q, p), inSeat: false, rule: null };
  }

  private ruleCapable(trip: number) {
    return this.anyFromRule || this.ruleTrips.has(trip) || this.ruleRoutes.has(this.trips[trip]!.route);
  }

  private rulesFrom(a: number): RRule[] {
    return [...(this.ruleTrips.get(a) ?? []), ...(this.ruleRoutes.get(this.trips[a]!.route) ?? []), ...this.ruleOthers];
  }

  /** Stops p a rule of trip a (alighting at q) may lead to, beyond q and its footpaths. */
  private ruleTargets(a: number, q: number): number[] {
    const out: number[] = [];
    for (const r of this.rulesFrom(a)) {
      if (r.fromTrip !== NONE && r.fromTrip !== a) continue;
      if (r.fromRoute !== NONE && r.fromRoute !== this.trips[a]!.route) continue;
      if (r.toStop !== NONE) {
        if (this.matchStop(r.fromStop, q) || r.fromStop === NONE) out.push(...(this.stops[r.toStop]!.isStation ? this.expand(this.stops[r.toStop]!.id) : [r.toStop]));
      } else if (r.toTrip !== NONE && this.trips[r.toTrip]!.times.length) out.push(this.trips[r.toTrip]!.times[0]!.stop);
    }
    return out;
  }

  /**
   * Earliest arrival at any of `to` (stop or station ids) leaving any of `from` at `depart`, or null.
   * Footpaths are not chained; the origin's footpaths apply at the departure time.
   */
  earliestArrival(from: string[], to: string[], depart: number): number | null {
    const S = this.stops.length;
    const board = new Float64Array(S).fill(INF);
    const target = new Uint8Array(S);
    for (const id of to) for (const s of this.expand(id)) target[s] = 1;
    let best = INF;
    for (const id of from)
      for (const o of this.expand(id)) {
        board[o] = Math.min(board[o]!, depart);
        if (target[o]) best = Math.min(best, depart);
        for (const [p, d] of this.footpaths[o]!) {
          board[p] = Math.min(board[p]!, depart + d);
          if (target[p]) best = Math.min(best, depart + d);
        }
      }
    const reached = new Uint8Array(this.instances.length);
    const events = new Map<number, { inst: number; q: number; t: number; drop: boolean }[]>();
    // first connection departing at or after `depart`
    let lo = 0;
    let hi = this.connections.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (this.connections[m]!.dep < depart) lo = m + 1;
      else hi = m;
    }
    for (let ci = lo; ci < this.connections.length; ci++) {
      const c = this.connections[ci]!;
      if (c.dep >= best) break;
      if (!reached[c.inst]) {
        let ok = c.pick && board[c.from]! <= c.dep;
        const evs = events.get(c.from);
        if (!ok && evs) {
          const b = this.instances[c.inst]!;
          for (const e of evs) {
            const a = this.instances[e.inst]!;
            if (a.trip === b.trip && a.shift === b.shift) continue;
            let r = this.need(a.trip, e.q, b.trip, c.from);
            // trip-to-trip rules relate runs of the same service day (frequency runs excepted)
            if (r.rule && r.rule.fromTrip !== NONE && r.rule.toTrip !== NONE && a.freqStart === null && b.freqStart === null && a.day !== b.day)
              r = { seconds: this.normal(e.q, c.from), inSeat: false, rule: null };
            if (r.seconds < 0) continue;
            if (!r.inSeat && (!c.pick || !e.drop)) continue;
            if (e.t + r.seconds <= c.dep) {
              ok = true;
              break;
            }
          }
        }
        if (!ok) continue;
        reached[c.inst] = 1;
      }
      const tripNo = this.instances[c.inst]!.trip;
      if (this.ruleCapable(tripNo)) {
        const ps = new Set<number>([c.to, ...this.footpaths[c.to]!.keys(), ...this.ruleTargets(tripNo, c.to)]);
        for (const p of ps) {
          const l = events.get(p) ?? (events.set(p, []), events.get(p)!);
          l.push({ inst: c.inst, q: c.to, t: c.arr, drop: c.drop });
        }
      }
      if (!c.drop) continue;
      if (target[c.to]) best = Math.min(best, c.arr);
      for (const [p, d] of this.footpaths[c.to]!) if (target[p]) best = Math.min(best, c.arr + d);
      if (this.ruleCapable(tripNo)) continue; // its boardings are decided per event
      const ch = this.change[c.to]!;
      if (ch >= 0) board[c.to] = Math.min(board[c.to]!, c.arr + ch);
      for (const [p, d] of this.footpaths[c.to]!) board[p] = Math.min(board[p]!, c.arr + d);
    }
    return best === INF ? null : best;
  }

  /** The times of one run of a trip, as the feasibility check sees it (null when it does not run). */
  run(tripId: string, serviceDay: 0 | -1, frequencyStart: number | null): { stop: number; arr: number; dep: number; pick: boolean; drop: boolean }[] | null {
    const t = this.tripById.get(tripId);
    if (t === undefined) return null;
    const day = serviceDay === 0 ? 0 : -86400;
    const inst = this.instances.find((i) => i.trip === t && i.day === day && i.freqStart === frequencyStart);
    if (!inst) return null;
    return this.trips[t]!.times.map((r) => ({ ...r, arr: r.arr + inst.shift, dep: r.dep + inst.shift }));
  }

  tripNo(tripId: string): number {
    const t = this.tripById.get(tripId);
    if (t === undefined) throw new Error(`reference: unknown trip ${tripId}`);
    return t;
  }
}

function cached(m: Map<string, boolean>, k: string, f: () => boolean): boolean {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = f()));
  return v;
}

function cmp(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
