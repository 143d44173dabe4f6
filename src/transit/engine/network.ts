/**
 * The regional network: several GtfsFeed merged into one set of global indices, with namespaced ids
 * (`feedId:id`), interpolated stop times, date-independent stop patterns, walking footpaths (generated
 * within a radius and from transfers.txt) and the trip/route-level transfer rules.
 *
 * Everything here is independent of the service date; `buildTimetable` (timetable.ts) turns a Network
 * into the compact per-date structures RAPTOR scans. Pure: takes feeds, returns plain data.
 *
 * Footpath semantics (issue 3, item 5; see README.md in this folder):
 * - transfers.txt rows naming only stops: a station covers each of its child stops; for each ordered
 *   stop pair the most specific row wins: stop–stop over stop–station over station–stop over station–station.
 *   type 2 → footpath of min_transfer_time (the walking time by distance when empty);
 *   type 0 (recommended) and 1 (timed, with no trips named) → footpath of the walking time by distance;
 *   type 3 → no footpath; types 4/5 need trips and are ignored without them.
 *   A pair (s, s) sets the minimum change time at s (type 3: changing trips at s is not possible).
 * - With no covering row, changing trips at the same stop takes 0 s.
 * - Generated footpaths join different served stops (of any feeds) within `walkRadius` metres, with
 *   time ceil(distance × 1.3 / 1.2 m/s); an explicit row for the same ordered pair always wins.
 *   walkRadius 0 turns them off.
 * - Rows naming routes or trips become TransferRule entries, applied at boarding (raptor.ts) and as
 *   trip-to-trip links (timetable.ts).
 */
import KDBush from 'kdbush';
import { NONE, NO_TIME, qualify, type GtfsFeed } from '../gtfs/feed.ts';
import { basicMode } from './modes.ts';
import { DEFAULT_WALK, EARTH_RADIUS_M, haversine, walkSeconds, weekday, type WalkModel } from './util.ts';

export type NetworkOptions = {
  /** Radius of generated walking footpaths in metres (default 500; 0 = none). */
  walkRadius?: number;
  /** Walking speed in m/s (default 1.2). */
  walkSpeed?: number;
  /** Walked / straight-line distance (default 1.3). */
  walkDetour?: number;
};

/** A transfers.txt row naming routes or trips, with global indices (NONE = not named). */
export type TransferRule = {
  fromStop: number;
  toStop: number;
  fromRoute: number;
  toRoute: number;
  fromTrip: number;
  toTrip: number;
  /** 0 recommended, 1 timed, 2 minimum time, 3 not possible, 4 in-seat, 5 in-seat not allowed. */
  type: number;
  /** min_transfer_time or -1. */
  minTime: number;
  /** Higher is more specific (trip over route over nothing; stop over station; the from side breaks ties). */
  rank: number;
};

export type Network = {
  feedIds: string[];
  walk: WalkModel;
  walkRadius: number;

  stopCount: number;
  /** Qualified ids `feedId:stop_id`. */
  stopId: string[];
  stopName: string[];
  stopCode: (string | null)[];
  stopLat: Float64Array;
  stopLon: Float64Array;
  stopParent: Int32Array;
  stopLocationType: Uint8Array;
  /** 1 when wheelchair_boarding is 1, or 0 with a parent station whose value is 1. */
  stopAccessible: Uint8Array;
  stopFeed: Uint16Array;
  /** 1 when some stop_time calls at the stop. */
  stopServed: Uint8Array;
  /** Children of each station (CSR): children[childStart[s] .. childStart[s+1]). */
  childStart: Int32Array;
  children: Int32Array;
  stopIndex: Map<string, number>;

  routeCount: number;
  routeId: string[];
  routeShortName: string[];
  routeLongName: string[];
  routeType: Int32Array;
  /** Basic mode of the route type (modes.ts). */
  routeMode: Uint8Array;
  routeColor: (string | null)[];
  routeAgency: (string | null)[];
  routeIndex: Map<string, number>;

  tripCount: number;
  tripId: string[];
  tripRoute: Int32Array;
  tripService: Int32Array;
  tripHeadsign: (string | null)[];
  tripShortName: (string | null)[];
  tripAccessible: Uint8Array;
  /** 0 when the trip cannot be routed (fewer than two stop times, or no time at its first or last stop). */
  tripValid: Uint8Array;
  /** Date-independent stop pattern (route + stop sequence + pickup/drop-off flags) of each trip. */
  tripPattern: Int32Array;
  tripIndex: Map<string, number>;

  /** Stop times grouped by trip (CSR by tripStart); times interpolated and made non-decreasing. */
  stStart: Int32Array;
  stStop: Int32Array;
  stArr: Int32Array;
  stDep: Int32Array;

  patternCount: number;
  patStart: Int32Array;
  patStops: Int32Array;
  /** Per pattern stop: bit 0 boarding allowed (pickup_type ≠ 1), bit 1 alighting allowed (drop_off_type ≠ 1). */
  patFlags: Uint8Array;
  patRoute: Int32Array;

  serviceCount: number;
  serviceId: string[];
  /** Bit d (0 = Monday) set when calendar.txt runs the service on that weekday. */
  serviceDays: Uint8Array;
  serviceStart: Int32Array; // YYYYMMDD as a number, 0 without calendar row
  serviceEnd: Int32Array;
  /** Date (YYYYMMDD number) → [service, exceptionType, service, exceptionType, …]. */
  serviceExceptions: Map<number, number[]>;

  /** frequencies.txt per trip (CSR by freqStart over trips). */
  freqStart: Int32Array;
  freqFrom: Int32Array;
  freqTo: Int32Array;
  freqHeadway: Int32Array;
  freqExact: Uint8Array;

  /** Footpaths between different stops (CSR by from stop). */
  fpStart: Int32Array;
  fpTo: Int32Array;
  fpDur: Int32Array;
  fpDist: Float32Array;
  /** 1 when the footpath comes from transfers.txt. */
  fpExplicit: Uint8Array;
  /** Minimum change time between trips at the same stop; -1 when changing there is not possible. */
  changeTime: Int32Array;

  rules: TransferRule[];
  rulesByFromTrip: Map<number, number[]>;
  rulesByFromRoute: Map<number, number[]>;
  /** Rules naming neither a from trip nor a from route. */
  rulesOther: number[];
  /** 1 at stops where a type 2 or 3 rule may apply when boarding there (rule to-stop, its children, or any stop). */
  ruleAtStop: Uint8Array;
  /** 1 at stops where a type 2 or 3 rule may apply when alighting there (for arrive-by). */
  ruleFromStop: Uint8Array;

  /** Spatial index over served stops (equirectangular metres around latitude `projLat`). */
  spatial: KDBush | null;
  spatialStops: Int32Array;
  projLat: number;
  /** Factor ≥ 1 to widen index searches so the projection never misses a stop within a true radius. */
  projSlack: number;

  stats: NetworkStats;
};

export type NetworkStats = {
  feeds: number;
  stops: number;
  servedStops: number;
  routes: number;
  trips: number;
  invalidTrips: number;
  stopTimes: number;
  interpolatedTimes: number;
  patterns: number;
  footpaths: number;
  explicitFootpaths: number;
  generatedFootpaths: number;
  rules: number;
  bytes: number;
};

const RAD = Math.PI / 180;

function ymd(s: string): number {
  return Number(s);
}

/** Merges feeds into one network. Feed ids must be distinct. */
export function buildNetwork(feeds: readonly GtfsFeed[], options: NetworkOptions = {}): Network {
  const walk: WalkModel = { speed: options.walkSpeed ?? DEFAULT_WALK.speed, detour: options.walkDetour ?? DEFAULT_WALK.detour };
  const walkRadius = options.walkRadius ?? 500;
  if (!(walkRadius >= 0)) throw new Error(`walkRadius must be ≥ 0, got ${walkRadius}`);
  const ids = new Set<string>();
  for (const f of feeds) {
    if (ids.has(f.feedId)) throw new Error(`two feeds with the id ${f.feedId}`);
    ids.add(f.feedId);
  }

  // ---- stops
  const stopBase: number[] = [];
  let stopCount = 0;
  for (const f of feeds) {
    stopBase.push(stopCount);
    stopCount += f.stops.length;
  }
  const stopId: string[] = new Array(stopCount);
  const stopName: string[] = new Array(stopCount);
  const stopCode: (string | null)[] = new Array(stopCount);
  const stopLat = new Float64Array(stopCount);
  const stopLon = new Float64Array(stopCount);
  const stopParent = new Int32Array(stopCount).fill(NONE);
  const stopLocationType = new Uint8Array(stopCount);
  const stopAccessible = new Uint8Array(stopCount);
  const stopFeed = new Uint16Array(stopCount);
  const stopServed = new Uint8Array(stopCount);
  const stopIndex = new Map<string, number>();
  feeds.forEach((f, fi) => {
    const base = stopBase[fi]!;
    f.stops.forEach((s, i) => {
      const g = base + i;
      stopId[g] = qualify(f.feedId, s.id);
      stopName[g] = s.name;
      stopCode[g] = s.code;
      stopLat[g] = s.lat;
      stopLon[g] = s.lon;
      stopParent[g] = s.parent === NONE ? NONE : base + s.parent;
      stopLocationType[g] = s.locationType;
      stopFeed[g] = fi;
      stopIndex.set(stopId[g]!, g);
    });
    f.stops.forEach((s, i) => {
      const wb = s.wheelchairBoarding === 0 && s.parent !== NONE ? f.stops[s.parent]!.wheelchairBoarding : s.wheelchairBoarding;
      stopAccessible[base + i] = wb === 1 ? 1 : 0;
    });
  });
  const childCount = new Int32Array(stopCount + 1);
  for (let s = 0; s < stopCount; s++) if (stopParent[s]! !== NONE) childCount[stopParent[s]!]!++;
  const childStart = new Int32Array(stopCount + 1);
  for (let s = 0; s < stopCount; s++) childStart[s + 1] = childStart[s]! + childCount[s]!;
  const children = new Int32Array(childStart[stopCount]!);
  {
    const fill = childStart.slice(0, stopCount);
    for (let s = 0; s < stopCount; s++) {
      const p = stopParent[s]!;
      if (p !== NONE) children[fill[p]!++] = s;
    }
  }

  // ---- routes
  const routeBase: number[] = [];
  let routeCount = 0;
  for (const f of feeds) {
    routeBase.push(routeCount);
    routeCount += f.routes.length;
  }
  const routeId: string[] = [];
  const routeShortName: string[] = [];
  const routeLongName: string[] = [];
  const routeType = new Int32Array(routeCount);
  const routeMode = new Uint8Array(routeCount);
  const routeColor: (string | null)[] = [];
  const routeAgency: (string | null)[] = [];
  const routeIndex = new Map<string, number>();
  feeds.forEach((f, fi) => {
    f.routes.forEach((r, i) => {
      const g = routeBase[fi]! + i;
      routeId.push(qualify(f.feedId, r.id));
      routeShortName.push(r.shortName);
      routeLongName.push(r.longName);
      routeType[g] = r.type;
      routeMode[g] = basicMode(r.type);
      routeColor.push(r.color);
      routeAgency.push(r.agencyId);
      routeIndex.set(routeId[g]!, g);
    });
  });

  // ---- services
  const serviceIdx = new Map<string, number>();
  const serviceId: string[] = [];
  const svc = (feedId: string, id: string) => {
    const q = qualify(feedId, id);
    let i = serviceIdx.get(q);
    if (i === undefined) {
      i = serviceId.length;
      serviceIdx.set(q, i);
      serviceId.push(q);
    }
    return i;
  };
  for (const f of feeds) {
    for (const c of f.calendars) svc(f.feedId, c.serviceId);
    for (const c of f.calendarDates) svc(f.feedId, c.serviceId);
    for (const t of f.trips) svc(f.feedId, t.serviceId);
  }
  const serviceCount = serviceId.length;
  const serviceDays = new Uint8Array(serviceCount);
  const serviceStart = new Int32Array(serviceCount);
  const serviceEnd = new Int32Array(serviceCount);
  const serviceExceptions = new Map<number, number[]>();
  for (const f of feeds) {
    for (const c of f.calendars) {
      const i = svc(f.feedId, c.serviceId);
      let bits = 0;
      c.days.forEach((d, k) => {
        if (d) bits |= 1 << k;
      });
      serviceDays[i] = bits;
      serviceStart[i] = ymd(c.startDate);
      serviceEnd[i] = ymd(c.endDate);
    }
    for (const c of f.calendarDates) {
      const d = ymd(c.date);
      let list = serviceExceptions.get(d);
      if (!list) serviceExceptions.set(d, (list = []));
      list.push(svc(f.feedId, c.serviceId), c.exceptionType);
    }
  }

  // ---- trips and stop times
  const tripBase: number[] = [];
  let tripCount = 0;
  let stCount = 0;
  for (const f of feeds) {
    tripBase.push(tripCount);
    tripCount += f.trips.length;
    stCount += f.stopTimes.count;
  }
  const tripId: string[] = new Array(tripCount);
  const tripRoute = new Int32Array(tripCount);
  const tripService = new Int32Array(tripCount);
  const tripHeadsign: (string | null)[] = new Array(tripCount);
  const tripShortName: (string | null)[] = new Array(tripCount);
  const tripAccessible = new Uint8Array(tripCount);
  const tripValid = new Uint8Array(tripCount);
  const tripIndex = new Map<string, number>();
  const stStart = new Int32Array(tripCount + 1);
  const stStop = new Int32Array(stCount);
  const stArr = new Int32Array(stCount);
  const stDep = new Int32Array(stCount);
  const stFlags = new Uint8Array(stCount);
  let interpolated = 0;
  let invalidTrips = 0;
  let k = 0;
  feeds.forEach((f, fi) => {
    const st = f.stopTimes;
    const sb = stopBase[fi]!;
    f.trips.forEach((t, i) => {
      const g = tripBase[fi]! + i;
      tripId[g] = qualify(f.feedId, t.id);
      tripIndex.set(tripId[g]!, g);
      tripRoute[g] = routeBase[fi]! + t.route;
      tripService[g] = svc(f.feedId, t.serviceId);
      tripHeadsign[g] = t.headsign;
      tripShortName[g] = t.shortName;
      tripAccessible[g] = t.wheelchairAccessible === 1 ? 1 : 0;
      stStart[g] = k;
      const from = st.tripStart[i]!;
      const to = st.tripStart[i + 1]!;
      for (let r = from; r < to; r++) {
        stStop[k] = sb + st.stop[r]!;
        let a = st.arrival[r]!;
        let d = st.departure[r]!;
        if (a === NO_TIME) a = d;
        if (d === NO_TIME) d = a;
        stArr[k] = a;
        stDep[k] = d;
        stFlags[k] = (st.pickupType[r]! === 1 ? 0 : 1) | (st.dropOffType[r]! === 1 ? 0 : 2);
        stopServed[sb + st.stop[r]!] = 1;
        k++;
      }
      const n = to - from;
      const first = stStart[g]!;
      const last = first + n - 1;
      if (n < 2 || stArr[first]! === NO_TIME || stArr[last]! === NO_TIME) {
        tripValid[g] = 0;
        invalidTrips++;
        return;
      }
      tripValid[g] = 1;
      interpolated += interpolateTrip(first, last, from, stStop, stArr, stDep, stopLat, stopLon, st.shapeDistTraveled);
    });
  });
  stStart[tripCount] = k;

  // ---- stop patterns (route + stops + flags), date independent
  const patKey = new Map<string, number>();
  const tripPattern = new Int32Array(tripCount).fill(NONE);
  const patFirst: number[] = []; // representative trip
  for (let t = 0; t < tripCount; t++) {
    if (!tripValid[t]) continue;
    const a = stStart[t]!;
    const b = stStart[t + 1]!;
    let key = `${tripRoute[t]}`;
    for (let r = a; r < b; r++) key += `,${stStop[r]}.${stFlags[r]}`;
    let p = patKey.get(key);
    if (p === undefined) {
      p = patFirst.length;
      patKey.set(key, p);
      patFirst.push(t);
    }
    tripPattern[t] = p;
  }
  const patternCount = patFirst.length;
  const patStart = new Int32Array(patternCount + 1);
  for (let p = 0; p < patternCount; p++) {
    const t = patFirst[p]!;
    patStart[p + 1] = patStart[p]! + (stStart[t + 1]! - stStart[t]!);
  }
  const patStops = new Int32Array(patStart[patternCount]!);
  const patFlags = new Uint8Array(patStart[patternCount]!);
  const patRoute = new Int32Array(patternCount);
  for (let p = 0; p < patternCount; p++) {
    const t = patFirst[p]!;
    patRoute[p] = tripRoute[t]!;
    const a = stStart[t]!;
    const n = stStart[t + 1]! - a;
    for (let i = 0; i < n; i++) {
      patStops[patStart[p]! + i] = stStop[a + i]!;
      patFlags[patStart[p]! + i] = stFlags[a + i]!;
    }
  }

  // ---- frequencies
  const freqCount = new Int32Array(tripCount + 1);
  const allFreq: { trip: number; from: number; to: number; headway: number; exact: number }[] = [];
  feeds.forEach((f, fi) => {
    for (const q of f.frequencies) {
      if (q.headwaySecs <= 0 || q.endTime <= q.startTime) continue;
      allFreq.push({ trip: tripBase[fi]! + q.trip, from: q.startTime, to: q.endTime, headway: q.headwaySecs, exact: q.exactTimes });
    }
  });
  allFreq.sort((x, y) => x.trip - y.trip || x.from - y.from);
  for (const q of allFreq) freqCount[q.trip]!++;
  const freqStart = new Int32Array(tripCount + 1);
  for (let t = 0; t < tripCount; t++) freqStart[t + 1] = freqStart[t]! + freqCount[t]!;
  const freqFrom = Int32Array.from(allFreq, (q) => q.from);
  const freqTo = Int32Array.from(allFreq, (q) => q.to);
  const freqHeadway = Int32Array.from(allFreq, (q) => q.headway);
  const freqExact = Uint8Array.from(allFreq, (q) => q.exact);

  // ---- spatial index over served stops
  const served: number[] = [];
  for (let s = 0; s < stopCount; s++) if (stopServed[s]) served.push(s);
  let projLat = 0;
  let maxAbsLat = 0;
  for (const s of served) {
    projLat += stopLat[s]!;
    maxAbsLat = Math.max(maxAbsLat, Math.abs(stopLat[s]!));
  }
  projLat = served.length ? projLat / served.length : 0;
  const cos0 = Math.cos(projLat * RAD);
  const projSlack = cos0 / Math.max(1e-6, Math.cos(Math.min(89.9, maxAbsLat + 0.1) * RAD)) + 1e-6;
  const spatialStops = Int32Array.from(served);
  let spatial: KDBush | null = null;
  if (served.length) {
    spatial = new KDBush(served.length, 64, Float64Array);
    for (const s of served) spatial.add(projX(stopLon[s]!, cos0), projY(stopLat[s]!));
    spatial.finish();
  }

  // ---- explicit stop-level transfers: most specific row per ordered pair
  type Explicit = { rank: number; type: number; min: number };
  const explicit = new Map<number, Explicit>();
  const rules: TransferRule[] = [];
  const expand = (s: number): number[] => {
    if (stopLocationType[s] === 1) {
      const out: number[] = [];
      for (let c = childStart[s]!; c < childStart[s + 1]!; c++) if (stopServed[children[c]!]) out.push(children[c]!);
      return out;
    }
    return [s];
  };
  feeds.forEach((f, fi) => {
    const sb = stopBase[fi]!;
    for (const x of f.transfers) {
      const fromStop = x.fromStop === NONE ? NONE : sb + x.fromStop;
      const toStop = x.toStop === NONE ? NONE : sb + x.toStop;
      if (x.fromRoute !== NONE || x.toRoute !== NONE || x.fromTrip !== NONE || x.toTrip !== NONE) {
        const sideMin = (s: number) => (s === NONE ? 0 : stopLocationType[s] === 1 ? 1 : 2);
        const fromMaj = x.fromTrip !== NONE ? 2 : x.fromRoute !== NONE ? 1 : 0;
        const toMaj = x.toTrip !== NONE ? 2 : x.toRoute !== NONE ? 1 : 0;
        const fromMin = sideMin(fromStop);
        const toMin = sideMin(toStop);
        rules.push({
          fromStop,
          toStop,
          fromRoute: x.fromRoute === NONE ? NONE : routeBase[fi]! + x.fromRoute,
          toRoute: x.toRoute === NONE ? NONE : routeBase[fi]! + x.toRoute,
          fromTrip: x.fromTrip === NONE ? NONE : tripBase[fi]! + x.fromTrip,
          toTrip: x.toTrip === NONE ? NONE : tripBase[fi]! + x.toTrip,
          type: x.transferType,
          minTime: x.minTransferTime ?? -1,
          rank: (((fromMaj + toMaj) * 3 + fromMaj) * 5 + fromMin + toMin) * 3 + fromMin,
        });
        continue;
      }
      if (fromStop === NONE || toStop === NONE || x.transferType > 3) continue;
      const fromSpec = stopLocationType[fromStop] === 1 ? 0 : 1;
      const toSpec = stopLocationType[toStop] === 1 ? 0 : 1;
      const rank = (fromSpec + toSpec) * 2 + fromSpec;
      const min = x.minTransferTime ?? -1;
      for (const a of expand(fromStop))
        for (const b of expand(toStop)) {
          const key = a * stopCount + b;
          const prev = explicit.get(key);
          if (!prev || prev.rank < rank) explicit.set(key, { rank, type: x.transferType, min });
        }
    }
  });

  const changeTime = new Int32Array(stopCount);
  const fpFrom: number[] = [];
  const fpToList: number[] = [];
  const fpDurList: number[] = [];
  const fpDistList: number[] = [];
  const fpExplicitList: number[] = [];
  let explicitFootpaths = 0;
  for (const [key, e] of explicit) {
    const a = Math.floor(key / stopCount);
    const b = key - a * stopCount;
    if (a === b) {
      changeTime[a] = e.type === 3 ? -1 : e.type === 2 && e.min >= 0 ? e.min : 0;
      continue;
    }
    if (e.type === 3) continue;
    const dist = haversine(stopLat[a]!, stopLon[a]!, stopLat[b]!, stopLon[b]!);
    fpFrom.push(a);
    fpToList.push(b);
    fpDurList.push(e.type === 2 && e.min >= 0 ? e.min : walkSeconds(dist, walk));
    fpDistList.push(dist);
    fpExplicitList.push(1);
    explicitFootpaths++;
  }
  let generatedFootpaths = 0;
  if (walkRadius > 0 && spatial) {
    const out = new Uint32Array(served.length);
    for (const a of served) {
      const n = spatial.withinInto(projX(stopLon[a]!, cos0), projY(stopLat[a]!), walkRadius * projSlack + 1, out);
      for (let i = 0; i < n; i++) {
        const b = spatialStops[out[i]!]!;
        if (b === a || explicit.has(a * stopCount + b)) continue;
        const dist = haversine(stopLat[a]!, stopLon[a]!, stopLat[b]!, stopLon[b]!);
        if (dist > walkRadius) continue;
        fpFrom.push(a);
        fpToList.push(b);
        fpDurList.push(walkSeconds(dist, walk));
        fpDistList.push(dist);
        fpExplicitList.push(0);
        generatedFootpaths++;
      }
    }
  }
  const fpN = fpFrom.length;
  const fpStart = new Int32Array(stopCount + 1);
  for (const a of fpFrom) fpStart[a + 1]!++;
  for (let s = 0; s < stopCount; s++) fpStart[s + 1]! += fpStart[s]!;
  const order = new Int32Array(fpN);
  {
    const fill = fpStart.slice(0, stopCount);
    for (let i = 0; i < fpN; i++) order[fill[fpFrom[i]!]!++] = i;
  }
  const fpTo = new Int32Array(fpN);
  const fpDur = new Int32Array(fpN);
  const fpDist = new Float32Array(fpN);
  const fpExplicit = new Uint8Array(fpN);
  for (let j = 0; j < fpN; j++) {
    const i = order[j]!;
    fpTo[j] = fpToList[i]!;
    fpDur[j] = fpDurList[i]!;
    fpDist[j] = fpDistList[i]!;
    fpExplicit[j] = fpExplicitList[i]!;
  }
  // Deterministic order within a stop: by target.
  for (let s = 0; s < stopCount; s++) sortSegment(fpStart[s]!, fpStart[s + 1]!, fpTo, fpDur, fpDist, fpExplicit);

  // ---- rules index
  const rulesByFromTrip = new Map<number, number[]>();
  const rulesByFromRoute = new Map<number, number[]>();
  const rulesOther: number[] = [];
  const ruleAtStop = new Uint8Array(stopCount);
  const ruleFromStop = new Uint8Array(stopCount);
  rules.forEach((r, i) => {
    if (r.fromTrip !== NONE) push(rulesByFromTrip, r.fromTrip, i);
    else if (r.fromRoute !== NONE) push(rulesByFromRoute, r.fromRoute, i);
    else rulesOther.push(i);
    // Only "minimum time" and "not possible" rules can ask for more than the stop-level semantics.
    if (r.type !== 2 && r.type !== 3) return;
    flagStops(ruleAtStop, r.toStop);
    flagStops(ruleFromStop, r.fromStop);
  });
  function flagStops(flags: Uint8Array, s: number) {
    if (s === NONE) flags.fill(1);
    else {
      flags[s] = 1;
      for (let c = childStart[s]!; c < childStart[s + 1]!; c++) flags[children[c]!] = 1;
    }
  }

  const net: Network = {
    feedIds: feeds.map((f) => f.feedId),
    walk,
    walkRadius,
    stopCount,
    stopId,
    stopName,
    stopCode,
    stopLat,
    stopLon,
    stopParent,
    stopLocationType,
    stopAccessible,
    stopFeed,
    stopServed,
    childStart,
    children,
    stopIndex,
    routeCount,
    routeId,
    routeShortName,
    routeLongName,
    routeType,
    routeMode,
    routeColor,
    routeAgency,
    routeIndex,
    tripCount,
    tripId,
    tripRoute,
    tripService,
    tripHeadsign,
    tripShortName,
    tripAccessible,
    tripValid,
    tripPattern,
    tripIndex,
    stStart,
    stStop,
    stArr,
    stDep,
    patternCount,
    patStart,
    patStops,
    patFlags,
    patRoute,
    serviceCount,
    serviceId,
    serviceDays,
    serviceStart,
    serviceEnd,
    serviceExceptions,
    freqStart,
    freqFrom,
    freqTo,
    freqHeadway,
    freqExact,
    fpStart,
    fpTo,
    fpDur,
    fpDist,
    fpExplicit,
    changeTime,
    rules,
    rulesByFromTrip,
    rulesByFromRoute,
    rulesOther,
    ruleAtStop,
    ruleFromStop,
    spatial,
    spatialStops,
    projLat,
    projSlack,
    stats: {
      feeds: feeds.length,
      stops: stopCount,
      servedStops: served.length,
      routes: routeCount,
      trips: tripCount,
      invalidTrips,
      stopTimes: stCount,
      interpolatedTimes: interpolated,
      patterns: patternCount,
      footpaths: fpN,
      explicitFootpaths,
      generatedFootpaths,
      rules: rules.length,
      bytes: 0,
    },
  };
  net.stats.bytes = typedBytes(net);
  return net;
}

function push(m: Map<number, number[]>, k: number, v: number) {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Sum of typed-array bytes held by an object (shallow). */
export function typedBytes(o: object): number {
  let n = 0;
  for (const v of Object.values(o)) if (ArrayBuffer.isView(v)) n += v.byteLength;
  return n;
}

function sortSegment(a: number, b: number, to: Int32Array, dur: Int32Array, dist: Float32Array, ex: Uint8Array) {
  // Insertion sort: segments are short (tens of entries).
  for (let i = a + 1; i < b; i++) {
    const t = to[i]!;
    const d = dur[i]!;
    const ds = dist[i]!;
    const e = ex[i]!;
    let j = i - 1;
    while (j >= a && to[j]! > t) {
      to[j + 1] = to[j]!;
      dur[j + 1] = dur[j]!;
      dist[j + 1] = dist[j]!;
      ex[j + 1] = ex[j]!;
      j--;
    }
    to[j + 1] = t;
    dur[j + 1] = d;
    dist[j + 1] = ds;
    ex[j + 1] = e;
  }
}

export function projX(lon: number, cos0: number): number {
  return lon * RAD * EARTH_RADIUS_M * cos0;
}
export function projY(lat: number): number {
  return lat * RAD * EARTH_RADIUS_M;
}

/**
 * Fills empty times between timed stops linearly by distance along the trip: shape_dist_traveled when
 * every stop of the gap has it, else straight-line distance between consecutive stops, else stop count.
 * Then makes times non-decreasing (arrival ≥ previous departure, departure ≥ arrival). Returns how
 * many stop times were filled.
 */
function interpolateTrip(
  first: number,
  last: number,
  feedRow: number,
  stop: Int32Array,
  arr: Int32Array,
  dep: Int32Array,
  lat: Float64Array,
  lon: Float64Array,
  shapeDist: Float64Array | null,
): number {
  let filled = 0;
  let prev = first;
  for (let r = first + 1; r <= last; r++) {
    if (arr[r]! === NO_TIME) continue;
    if (r > prev + 1) {
      const n = r - prev;
      const cum = new Float64Array(n + 1);
      let useShape = shapeDist !== null;
      if (useShape) {
        for (let i = 0; i <= n; i++) {
          const v = shapeDist![feedRow + (prev - first) + i]!;
          if (!(v >= 0)) {
            useShape = false;
            break;
          }
          cum[i] = v - shapeDist![feedRow + (prev - first)]!;
        }
        if (useShape && !(cum[n]! > 0)) useShape = false;
      }
      if (!useShape) {
        for (let i = 1; i <= n; i++) {
          const a = stop[prev + i - 1]!;
          const b = stop[prev + i]!;
          cum[i] = cum[i - 1]! + haversine(lat[a]!, lon[a]!, lat[b]!, lon[b]!);
        }
        if (!(cum[n]! > 0)) for (let i = 0; i <= n; i++) cum[i] = i;
      }
      const t0 = dep[prev]!;
      const t1 = arr[r]!;
      for (let i = 1; i < n; i++) {
        const t = t0 + Math.round(((t1 - t0) * cum[i]!) / cum[n]!);
        arr[prev + i] = t;
        dep[prev + i] = t;
        filled++;
      }
    }
    prev = r;
  }
  for (let r = first; r <= last; r++) {
    if (r > first && arr[r]! < dep[r - 1]!) arr[r] = dep[r - 1]!;
    if (dep[r]! < arr[r]!) dep[r] = arr[r]!;
  }
  return filled;
}

// ---------------------------------------------------------------------------------------------------
// Queries on the network

/** Network stop index of a stop or station id: `feedId:id`, or the raw id when the network has one feed. */
export function findStop(net: Network, id: string): number | null {
  const q = net.stopIndex.get(id);
  if (q !== undefined) return q;
  if (net.feedIds.length === 1) {
    const r = net.stopIndex.get(qualify(net.feedIds[0]!, id));
    if (r !== undefined) return r;
  }
  return null;
}

/** The stops a place id stands for: a station's served child stops, or the stop itself. */
export function stopsOf(net: Network, s: number): number[] {
  if (net.stopLocationType[s] === 1) {
    const out: number[] = [];
    for (let c = net.childStart[s]!; c < net.childStart[s + 1]!; c++) if (net.stopServed[net.children[c]!]) out.push(net.children[c]!);
    return out;
  }
  return [s];
}

/** Served stops within `radius` metres of a point, with straight-line distances, nearest first. */
export function stopsNear(net: Network, lat: number, lon: number, radius: number): { stop: number; distance: number }[] {
  if (!net.spatial || radius <= 0) return [];
  const cos0 = Math.cos(net.projLat * RAD);
  const ids = net.spatial.within(projX(lon, cos0), projY(lat), radius * net.projSlack + 1);
  const out: { stop: number; distance: number }[] = [];
  for (const i of ids) {
    const s = net.spatialStops[i]!;
    const d = haversine(lat, lon, net.stopLat[s]!, net.stopLon[s]!);
    if (d <= radius) out.push({ stop: s, distance: d });
  }
  return out.sort((a, b) => a.distance - b.distance || a.stop - b.stop);
}

/** Services running on a date (YYYYMMDD): calendar.txt weekday and range, then calendar_dates exceptions. */
export function activeServices(net: Network, date: string): Uint8Array {
  const d = Number(date);
  const dow = weekday(date);
  const on = new Uint8Array(net.serviceCount);
  for (let i = 0; i < net.serviceCount; i++)
    if (net.serviceStart[i]! !== 0 && net.serviceStart[i]! <= d && d <= net.serviceEnd[i]! && net.serviceDays[i]! & (1 << dow)) on[i] = 1;
  const ex = net.serviceExceptions.get(d);
  if (ex) for (let i = 0; i < ex.length; i += 2) on[ex[i]!] = ex[i + 1] === 1 ? 1 : 0;
  return on;
}


// ---------------------------------------------------------------------------------------------------
// Transfer rules (trip/route level)

/** Stop `s` matches a rule stop (NONE = any stop; a station matches its children). */
/** A transfer rule's stop matches stop `s`: no stop given, the stop itself, or its parent station. */
export function stopMatches(net: Network, ruleStop: number, s: number): boolean {
  return ruleStop === NONE || ruleStop === s || net.stopParent[s] === ruleStop;
}

/**
 * The most specific trip/route-level rule for changing from trip `a` (alighting at stop `q`) to trip `b`
 * (boarding at stop `p`), or null. In-seat rules (type 4/5) match only where the trips meet: the last
 * stop of `a` (or the row's from stop) and the first stop of `b` (or the row's to stop).
 */
export function ruleFor(net: Network, a: number, q: number, b: number, p: number): TransferRule | null {
  let best: TransferRule | null = null;
  const consider = (list: number[] | undefined) => {
    if (!list) return;
    for (const i of list) {
      const r = net.rules[i]!;
      if (best && r.rank <= best.rank) continue;
      if (r.fromTrip !== NONE && r.fromTrip !== a) continue;
      if (r.toTrip !== NONE && r.toTrip !== b) continue;
      if (r.fromRoute !== NONE && r.fromRoute !== net.tripRoute[a]) continue;
      if (r.toRoute !== NONE && r.toRoute !== net.tripRoute[b]) continue;
      if (r.type === 4 || r.type === 5) {
        if (r.fromStop === NONE ? q !== net.stStop[net.stStart[a + 1]! - 1] : !stopMatches(net, r.fromStop, q)) continue;
        if (r.toStop === NONE ? p !== net.stStop[net.stStart[b]!] : !stopMatches(net, r.toStop, p)) continue;
      } else if (!stopMatches(net, r.fromStop, q) || !stopMatches(net, r.toStop, p)) continue;
      best = r;
    }
  };
  consider(net.rulesByFromTrip.get(a));
  consider(net.rulesByFromRoute.get(net.tripRoute[a]!));
  consider(net.rulesOther);
  return best;
}

/** Seconds normally needed from alighting at q to boarding at p (change time or footpath), or -1 when impossible. */
export function normalTransferTime(net: Network, q: number, p: number): number {
  if (q === p) return net.changeTime[q]!;
  for (let i = net.fpStart[q]!; i < net.fpStart[q + 1]!; i++) if (net.fpTo[i] === p) return net.fpDur[i]!;
  return -1;
}

/** Result of `transferRequirement`. */
export const NO_RULE = -2;
export const FORBIDDEN = -1;

/**
 * Seconds needed between arriving on trip `a` at q and departing on trip `b` at p under the most specific
 * trip/route rule: NO_RULE when no rule decides (stop-level semantics apply), FORBIDDEN when the rule says
 * not possible. Timed (1) and in-seat (4) need 0 s at one stop (timed between two stops: the walking
 * time); type 2 its min_transfer_time; recommended (0) and in-seat-not-allowed (5) leave it to the
 * stop-level semantics.
 */
export function transferRequirement(net: Network, a: number, q: number, b: number, p: number): number {
  const r = ruleFor(net, a, q, b, p);
  if (!r) return NO_RULE;
  switch (r.type) {
    case 1:
      return q === p ? 0 : walkSeconds(haversine(net.stopLat[q]!, net.stopLon[q]!, net.stopLat[p]!, net.stopLon[p]!), net.walk);
    case 2:
      return r.minTime >= 0 ? r.minTime : NO_RULE;
    case 3:
      return FORBIDDEN;
    case 4:
      return 0;
    default:
      return NO_RULE;
  }
}
