/**
 * Journey planning on a Timetable: depart-after, arrive-by and departure-window (range) queries between
 * stops, stations (all their served child stops) and coordinates (walking access/egress to stops within
 * a radius, same walking model as footpaths). Results are Pareto fronts over (time, transfers),
 * reconstructed into legs.
 */
import { stopsOf, stopsNear, type Network } from './network.ts';
import { MODE_NAMES, modeMask } from './modes.ts';
import { Raptor, type RawJourney, type Segment, type Source, type Target } from './raptor.ts';
import { reverseTimetable, type Timetable } from './timetable.ts';
import { haversine, walkSeconds } from './util.ts';

/** A stop or station (network stop index), or a coordinate. */
export type Place = { stop: number } | { lat: number; lon: number };

export type PlanOptions = {
  /** Maximum number of transfers (default 8). */
  maxTransfers?: number;
  /** Allowed modes: GTFS route types (basic or extended) or mode names; empty/null = all. */
  modes?: readonly (number | string)[] | null;
  /** Only wheelchair-accessible trips (wheelchair_accessible 1) and stops (wheelchair_boarding 1, or 0 under a parent with 1). */
  wheelchair?: boolean;
  /** Walking radius in metres for coordinate origins/destinations (default: the network's walkRadius, or 500 when that is 0). */
  accessRadius?: number;
};

export type StopRef = { index: number; id: string; name: string; lat: number; lon: number };
export type PointRef = { index: null; id: null; name: null; lat: number; lon: number };
export type LegPlace = StopRef | PointRef;

export type TransitLeg = {
  kind: 'transit';
  /** Basic mode name (modes.ts) and the route_type as in the feed. */
  mode: string;
  routeType: number;
  route: { index: number; id: string; shortName: string; longName: string; color: string | null };
  trip: {
    index: number;
    id: string;
    headsign: string | null;
    shortName: string | null;
    /** 0 for a trip of the query's service date, −1 for one of the previous service day (times shifted −24 h). */
    serviceDay: 0 | -1;
    /** For frequencies.txt trips: start time of this run (service-day seconds of its own day); else null. */
    frequencyStart: number | null;
  };
  from: StopRef;
  to: StopRef;
  departure: number;
  arrival: number;
  intermediateStops: { stop: StopRef; arrival: number; departure: number }[];
  /**
   * How the rider got on after the previous transit leg: 'board' (ordinary change or first leg),
   * 'timed' (transfers.txt type 1 between these trips/routes), 'rule' (a trip/route-specific type 2 time),
   * 'in-seat' (type 4: stays on the vehicle; still counted as a transfer, see README).
   */
  entry: 'board' | 'timed' | 'rule' | 'in-seat';
};

export type WalkLeg = { kind: 'walk'; from: LegPlace; to: LegPlace; departure: number; arrival: number; duration: number; distance: number };
export type Leg = TransitLeg | WalkLeg;

export type Journey = {
  /** Leaving the origin (service-day seconds). */
  departure: number;
  arrival: number;
  /** Transit legs − 1 (0 for walk-only journeys). */
  transfers: number;
  legs: Leg[];
};

const routers = new WeakMap<Timetable, Raptor>();

/** The reusable router of a timetable (arrays allocated once per timetable). */
export function routerFor(tt: Timetable, maxRides: number): Raptor {
  let r = routers.get(tt);
  if (!r || r.maxRides < maxRides) {
    r = new Raptor(tt, Math.max(9, maxRides));
    routers.set(tt, r);
  }
  return r;
}

type Resolved = { maxRides: number; mask: number; wheelchair: boolean; radius: number };

function resolve(net: Network, o: PlanOptions): Resolved {
  const maxTransfers = o.maxTransfers ?? 8;
  if (!Number.isInteger(maxTransfers) || maxTransfers < 0 || maxTransfers > 30) throw new RangeError(`maxTransfers must be an integer in 0..30, got ${maxTransfers}`);
  return {
    maxRides: maxTransfers + 1,
    mask: modeMask(o.modes),
    wheelchair: !!o.wheelchair,
    radius: o.accessRadius ?? (net.walkRadius > 0 ? net.walkRadius : 500),
  };
}

function sourcesOf(tt: Timetable, place: Place, r: Resolved): Source[] {
  const net = tt.network;
  if ('stop' in place) {
    const out: Source[] = [];
    for (const o of stopsOf(net, place.stop)) {
      out.push({ stop: o, offset: 0, kind: 0, from: o, distance: 0 });
      for (let e = tt.fpStart[o]!; e < tt.fpStart[o + 1]!; e++) out.push({ stop: tt.fpTo[e]!, offset: tt.fpDur[e]!, kind: 1, from: o, distance: tt.fpDist[e]! });
    }
    return out;
  }
  return stopsNear(net, place.lat, place.lon, r.radius)
    .filter((x) => !r.wheelchair || net.stopAccessible[x.stop] === 1)
    .map((x) => ({ stop: x.stop, offset: walkSeconds(x.distance, net.walk), kind: 2, from: -1, distance: x.distance }));
}

function targetsOf(tt: Timetable, place: Place, r: Resolved): Target[] {
  const net = tt.network;
  if ('stop' in place) return stopsOf(net, place.stop).map((s) => ({ stop: s, egress: 0, distance: 0, direct: true }));
  return stopsNear(net, place.lat, place.lon, r.radius)
    .filter((x) => !r.wheelchair || net.stopAccessible[x.stop] === 1)
    .map((x) => ({ stop: x.stop, egress: walkSeconds(x.distance, net.walk), distance: x.distance, direct: false }));
}

function directWalk(net: Network, from: Place, to: Place, r: Resolved): { duration: number; distance: number } | null {
  if ('stop' in from || 'stop' in to) return null;
  const d = haversine(from.lat, from.lon, to.lat, to.lon);
  return d <= r.radius ? { duration: walkSeconds(d, net.walk), distance: d } : null;
}

function checkPlace(net: Network, p: Place, what: string) {
  if ('stop' in p) {
    if (!Number.isInteger(p.stop) || p.stop < 0 || p.stop >= net.stopCount) throw new RangeError(`${what}: no stop ${p.stop}`);
  } else if (!(Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180)) throw new RangeError(`${what}: bad coordinate`);
}

/** Earliest arrivals departing at `time` or later: the Pareto front over (arrival, transfers), fewest transfers first. */
export function departAfter(tt: Timetable, from: Place, to: Place, time: number, options: PlanOptions = {}): Journey[] {
  const net = tt.network;
  checkPlace(net, from, 'from');
  checkPlace(net, to, 'to');
  const r = resolve(net, options);
  const router = routerFor(tt, r.maxRides);
  router.reset();
  router.prepare(sourcesOf(tt, from, r), targetsOf(tt, to, r), { maxRides: r.maxRides, modeMask: r.mask, wheelchair: r.wheelchair, directWalk: directWalk(net, from, to, r) });
  return front(router.search(time).map((j) => toJourney(tt, j, from, to, false, time)), false);
}

/**
 * Keeps the Pareto front over (arrival or departure, transfers): RAPTOR's rounds count rides, and a
 * walk-only journey (0 rides) has as few transfers as a one-ride journey that may be faster.
 */
function front(js: Journey[], arriveBy: boolean): Journey[] {
  const better = (a: Journey, b: Journey) => (arriveBy ? a.departure >= b.departure : a.arrival <= b.arrival) && a.transfers <= b.transfers;
  return js.filter((j, i) => !js.some((k, h) => h !== i && better(k, j) && (!better(j, k) || h < i)));
}

/** Latest departures arriving at `time` or earlier: the Pareto front over (departure, transfers), fewest transfers first. */
export function arriveBy(tt: Timetable, from: Place, to: Place, time: number, options: PlanOptions = {}): Journey[] {
  const net = tt.network;
  checkPlace(net, from, 'from');
  checkPlace(net, to, 'to');
  const r = resolve(net, options);
  const rt = reverseTimetable(tt);
  const router = routerFor(rt, r.maxRides);
  router.reset();
  router.prepare(sourcesOf(rt, to, r), targetsOf(rt, from, r), { maxRides: r.maxRides, modeMask: r.mask, wheelchair: r.wheelchair, directWalk: directWalk(net, from, to, r) });
  return front(router.search(-time).map((j) => toJourney(tt, j, from, to, true, time)), true);
}

/**
 * Every Pareto-optimal journey departing in [start, end] (rRAPTOR): no other journey leaves later, arrives
 * earlier and has fewer transfers (with at least one strictly better). Sorted by departure, then transfers.
 * `departure` is when the rider leaves the origin: the latest time that still makes the first vehicle, or
 * `end` for journeys whose first vehicle leaves after the window (the rider leaving at the end of the
 * window waits; its legs keep their own times). A walk-only journey is reported leaving at both ends.
 */
export function departureRange(
  tt: Timetable,
  from: Place,
  to: Place,
  start: number,
  end: number,
  options: PlanOptions = {},
  range: {
    /**
     * Only journeys whose first vehicle the rider catches by leaving inside the window: first rides are
     * capped in the router (no journey leaving after the window is found, so none hides an in-window one).
     */
    insideWindowOnly?: boolean;
  } = {},
): Journey[] {
  const net = tt.network;
  checkPlace(net, from, 'from');
  checkPlace(net, to, 'to');
  if (end < start) throw new RangeError('range end before start');
  const r = resolve(net, options);
  const router = routerFor(tt, r.maxRides);
  router.reset();
  const sources = sourcesOf(tt, from, r);
  let firstBoardBy: Float64Array | null = null;
  if (range.insideWindowOnly) {
    // A rider leaving the origin by `end` catches a first vehicle at a source stop by end + its access time
    // (the stop's round-0 label comes from its quickest access, so the smallest offset).
    firstBoardBy = new Float64Array(net.stopCount).fill(Infinity);
    for (const s of sources) firstBoardBy[s.stop] = Math.min(firstBoardBy[s.stop]!, end + s.offset);
  }
  router.prepare(sources, targetsOf(tt, to, r), { maxRides: r.maxRides, modeMask: r.mask, wheelchair: r.wheelchair, directWalk: directWalk(net, from, to, r), lowerBounds: true, firstBoardBy });
  // Departure events: (time leaving the origin, source, pattern, position, trip) for every trip leaving a
  // source stop in the window. An event is dominated when the same pattern can be boarded at the same or
  // an earlier position on the same or an earlier trip by leaving the origin no earlier: everything its
  // run could find is found at least as well by the dominating event's run. Runs whose events are all
  // dominated are skipped (exact; it saves most runs where several origin stops lie on one line).
  type Ev = { t: number; si: number; i: number; j: number };
  const byPattern = new Map<number, Ev[]>();
  sources.forEach((s, si) => {
    if (r.wheelchair && net.stopAccessible[s.stop] !== 1) return;
    for (let e = tt.spStart[s.stop]!; e < tt.spStart[s.stop + 1]!; e++) {
      const P = tt.spPattern[e]!;
      const i = tt.spPos[e]!;
      const L = tt.patStopStart[P + 1]! - tt.patStopStart[P]!;
      if (!(tt.patFlags[tt.patStopStart[P]! + i]! & 1) || !((r.mask >> tt.patMode[P]!) & 1)) continue;
      const base = tt.patTimeBase[P]!;
      const t0 = tt.patTripStart[P]!;
      const nT = tt.patTripStart[P + 1]! - t0;
      for (let j = 0; j < nT; j++) {
        if (r.wheelchair && tt.tripAccessible[t0 + j] !== 1) continue;
        const d = tt.dep[base + j * L + i]! - s.offset;
        if (d < start || d > end) continue;
        const l = byPattern.get(P);
        if (l) l.push({ t: d, si, i, j });
        else byPattern.set(P, [{ t: d, si, i, j }]);
      }
    }
  });
  const events = new Map<number, (Ev & { P: number })[]>();
  for (const [P, list] of byPattern) {
    for (const a of list) {
      const dominated = list.some((b) => b !== a && b.t >= a.t && b.i <= a.i && b.j <= a.j && (b.t > a.t || b.i < a.i || b.j < a.j));
      if (dominated) continue;
      const l = events.get(a.t);
      if (!l) events.set(a.t, [{ ...a, P }]);
      else l.push({ ...a, P });
    }
  }
  // Runs: the window's end with every source (journeys whose first vehicle leaves after the window are
  // the best ones for a rider leaving at its end), every remaining event time, latest first, and the
  // window's start with every source (walk-only journeys).
  const order = [end, ...[...events.keys()].filter((t) => t < end).sort((a, b) => b - a)];
  if (order[order.length - 1] !== start) order.push(start);
  const all: Journey[] = [];
  const marks = new Uint8Array(sources.length);
  for (const t of order) {
    const evs = t === end || t === start ? undefined : events.get(t);
    let any = !evs;
    // A departure whose trip cannot beat the known arrivals even at its best (lower bounds) needs no run.
    if (evs)
      for (const e of evs)
        if (router.canImprove(e.P, e.i, tt.patTripStart[e.P]! + e.j)) {
          marks[e.si] = 1;
          any = true;
        }
    if (!any) continue;
    for (const raw of router.search(t, evs ? marks : null)) {
      const j = toJourney(tt, raw, from, to, false, t);
      all.push(j.departure > end ? { ...j, departure: end } : j);
    }
    if (evs) for (const e of evs) marks[e.si] = 0;
  }
  // Pareto filter over (later departure, earlier arrival, fewer transfers); identical journeys once.
  const seen = new Set<string>();
  const uniq = all.filter((j) => {
    const k = `${j.departure}|${j.arrival}|${j.transfers}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return j.departure >= start && j.departure <= end;
  });
  const front = uniq.filter(
    (a) => !uniq.some((b) => b !== a && b.departure >= a.departure && b.arrival <= a.arrival && b.transfers <= a.transfers && (b.departure > a.departure || b.arrival < a.arrival || b.transfers < a.transfers)),
  );
  return front.sort((a, b) => a.departure - b.departure || a.transfers - b.transfers);
}

// ---------------------------------------------------------------------------------------------------

export function stopRef(net: Network, s: number): StopRef {
  return { index: s, id: net.stopId[s]!, name: net.stopName[s]!, lat: net.stopLat[s]!, lon: net.stopLon[s]! };
}

function placeRef(net: Network, stop: number, coord: Place): LegPlace {
  if (stop >= 0) return stopRef(net, stop);
  if ('stop' in coord) return stopRef(net, coord.stop);
  return { index: null, id: null, name: null, lat: coord.lat, lon: coord.lon };
}

const ENTRY: Record<number, TransitLeg['entry']> = { 0: 'board', 1: 'timed', 2: 'rule', 4: 'in-seat' };

/** Converts engine segments (forward, or reversed for arrive-by) into forward legs with times. */
function toJourney(tt: Timetable, raw: RawJourney, from: Place, to: Place, reversed: boolean, queryTime: number): Journey {
  const net = tt.network;
  type Walk = { type: 'walk'; from: LegPlace; to: LegPlace; duration: number; distance: number };
  type Ride = { type: 'ride'; trip: number; boardPos: number; alightPos: number; link: number };
  const steps: (Walk | Ride)[] = [];
  const segs: Segment[] = reversed ? [...raw.segments].reverse() : raw.segments;
  for (const s of segs) {
    if (s.type === 'walk') {
      // Engine -1 endpoints are the query's coordinates: the origin side for sources, the destination side for targets.
      const a = reversed ? s.to : s.from;
      const b = reversed ? s.from : s.to;
      steps.push({ type: 'walk', from: placeRef(net, a, from), to: placeRef(net, b, to), duration: s.duration, distance: s.distance });
    } else if (!reversed) {
      steps.push({ type: 'ride', trip: s.trip, boardPos: s.boardPos, alightPos: s.alightPos, link: s.link });
    } else {
      const P = s.pattern;
      const L = tt.patStopStart[P + 1]! - tt.patStopStart[P]!;
      const t0 = tt.patTripStart[P]!;
      const nT = tt.patTripStart[P + 1]! - t0;
      const j = nT - 1 - (s.trip - t0);
      steps.push({ type: 'ride', trip: t0 + j, boardPos: L - 1 - s.alightPos, alightPos: L - 1 - s.boardPos, link: s.link });
    }
  }
  if (reversed) {
    // Link kinds describe entering a ride from the previous one in engine order: shift them to forward order.
    // (steps are already in forward order: the link that entered engine ride f−1 from ride f is how
    // forward ride f is entered from ride f−1).
    const rides = steps.filter((x): x is Ride => x.type === 'ride');
    const kinds = rides.map((x) => x.link);
    rides.forEach((x, f) => (x.link = f === 0 ? 0 : kinds[f - 1]!));
  }
  // Times: rides from the timetable; walks before the first ride end at its departure, later walks
  // start at the previous arrival (depart-after) or end at the next departure (arrive-by).
  const legs: Leg[] = [];
  const rideLegs = steps.map((x) => (x.type === 'ride' ? transitLeg(tt, x) : null));
  const firstRide = rideLegs.findIndex((x) => x !== null);
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i]!;
    const ride = rideLegs[i];
    if (ride) {
      legs.push(ride);
      continue;
    }
    const w = st as Walk;
    let departure: number;
    if (firstRide < 0) departure = reversed ? queryTime - walkBetween(steps, 0, steps.length) + walkBetween(steps, 0, i) : queryTime + walkBetween(steps, 0, i);
    else if (i < firstRide) departure = rideLegs[firstRide]!.departure - walkBetween(steps, i, firstRide);
    else {
      const prev = legs[legs.length - 1]!;
      const nextRide = rideLegs.findIndex((x, k) => k > i && x !== null);
      departure = reversed && nextRide >= 0 ? rideLegs[nextRide]!.departure - walkBetween(steps, i, nextRide) : prev.arrival;
    }
    legs.push({ kind: 'walk', from: w.from, to: w.to, departure, arrival: departure + w.duration, duration: w.duration, distance: w.distance });
  }
  const rides = legs.filter((l) => l.kind === 'transit').length;
  const departure = legs.length ? legs[0]!.departure : queryTime;
  const arrival = legs.length ? legs[legs.length - 1]!.arrival : queryTime;
  return { departure, arrival, transfers: Math.max(0, rides - 1), legs };
}

/** Walking time from step i (included) up to step j (excluded). */
function walkBetween(steps: { type: string; duration?: number }[], i: number, j: number): number {
  let s = 0;
  for (let k = i; k < j; k++) s += steps[k]!.duration ?? 0;
  return s;
}

function transitLeg(tt: Timetable, r: { trip: number; boardPos: number; alightPos: number; link: number }): TransitLeg {
  const net = tt.network;
  const P = tt.tripPattern[r.trip]!;
  const s0 = tt.patStopStart[P]!;
  const L = tt.patStopStart[P + 1]! - s0;
  const base = tt.patTimeBase[P]! + (r.trip - tt.patTripStart[P]!) * L;
  const nt = tt.tripNet[r.trip]!;
  const route = net.tripRoute[nt]!;
  const intermediateStops: TransitLeg['intermediateStops'] = [];
  for (let i = r.boardPos + 1; i < r.alightPos; i++)
    intermediateStops.push({ stop: stopRef(net, tt.patStops[s0 + i]!), arrival: tt.arr[base + i]!, departure: tt.dep[base + i]! });
  const fs = tt.tripFreqStart[r.trip]!;
  return {
    kind: 'transit',
    mode: MODE_NAMES[net.routeMode[route]!] ?? 'other',
    routeType: net.routeType[route]!,
    route: { index: route, id: net.routeId[route]!, shortName: net.routeShortName[route]!, longName: net.routeLongName[route]!, color: net.routeColor[route] ?? null },
    trip: {
      index: nt,
      id: net.tripId[nt]!,
      headsign: net.tripHeadsign[nt] ?? null,
      shortName: net.tripShortName[nt] ?? null,
      serviceDay: tt.tripShift[r.trip] === 0 ? 0 : -1,
      frequencyStart: fs >= 0 ? fs : null,
    },
    from: stopRef(net, tt.patStops[s0 + r.boardPos]!),
    to: stopRef(net, tt.patStops[s0 + r.alightPos]!),
    departure: tt.dep[base + r.boardPos]!,
    arrival: tt.arr[base + r.alightPos]!,
    intermediateStops,
    entry: ENTRY[r.link] ?? 'board',
  };
}
