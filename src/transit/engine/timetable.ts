/**
 * Per-service-date timetable: the compact structures RAPTOR scans.
 *
 * - Trip instances of the date: trips whose service runs that day; trips of the previous service day whose
 *   last arrival is at or after 24:00:00, shifted by −24 h (so 25:10:00 yesterday is 01:10:00 today); and
 *   frequencies.txt expanded to one instance per headway from start_time while < end_time. exact_times 1 is
 *   an exact schedule; exact_times 0 ("frequency-based") is planned the same way, as if vehicles left
 *   exactly at start_time + n × headway — a rider may in reality wait up to one headway more.
 * - Patterns: instances of one network stop pattern (route + stops + pickup/drop-off flags), sorted by
 *   departure at the first stop. A trip that overtakes another (earlier start, later time at some stop)
 *   goes to a separate sub-pattern, so within a pattern every trip is ≤ the next at every stop
 *   (arrival and departure): binary search for the earliest trip and "later trips are catchable too" hold.
 * - Flat Int32Array stop times (trip-major within a pattern), stop → (pattern, position) lists, footpaths
 *   in CSR arrays, and trip-to-trip links (timed / in-seat / rule-specific transfers that need less than
 *   the stop-level time) as CSR keyed by the pattern stop where the rider alights.
 *
 * `reverseTimetable` derives the time-reversed timetable (negated times, reversed patterns and footpaths,
 * swapped pickup/drop-off, reversed links) that arrive-by queries run the same algorithm on.
 */
import { NONE } from '../gtfs/feed.ts';
import { activeServices, normalTransferTime, stopMatches, transferRequirement, typedBytes, type Network } from './network.ts';
import { addDays, normalizeDate } from './util.ts';

export type Timetable = {
  network: Network;
  /** Service date YYYYMMDD. */
  date: string;
  /** True for the time-reversed timetable of arrive-by queries (times negated). */
  reversed: boolean;
  stopCount: number;

  patternCount: number;
  /** Stops of pattern P: patStops[patStopStart[P] .. patStopStart[P+1]). */
  patStopStart: Int32Array;
  patStops: Int32Array;
  /** Bit 0 boarding allowed, bit 1 alighting allowed (per pattern stop). */
  patFlags: Uint8Array;
  /** Network stop pattern the pattern was built from. */
  patNetPattern: Int32Array;
  patMode: Uint8Array;
  /** Trips of pattern P: timetable trips patTripStart[P] .. patTripStart[P+1]-1, sorted. */
  patTripStart: Int32Array;
  /** Offset of pattern P's times in arr/dep: trip j at position i is at patTimeBase[P] + j × length + i. */
  patTimeBase: Int32Array;
  arr: Int32Array;
  dep: Int32Array;
  /** 1 when some link starts at one of the pattern's stops. */
  patHasLinks: Uint8Array;

  tripCount: number;
  /** Network trip of each timetable trip (instance). */
  tripNet: Int32Array;
  tripPattern: Int32Array;
  /** Day shift of the instance: 0, or −86400 for the previous service day. */
  tripShift: Int32Array;
  /** Frequency instances: the start time of the instance; −1 for scheduled trips. */
  tripFreqStart: Int32Array;
  tripAccessible: Uint8Array;

  /** Patterns through each stop: (spPattern, spPos) in spStart[s] .. spStart[s+1]. */
  spStart: Int32Array;
  spPattern: Int32Array;
  spPos: Int32Array;

  /** Sorted departure times of boardable trips at each stop (CSR), to skip marking useless improvements. */
  stopDepStart: Int32Array;
  stopDep: Int32Array;

  /** Footpaths (transposed in the reversed timetable). */
  fpStart: Int32Array;
  fpTo: Int32Array;
  fpDur: Int32Array;
  fpDist: Float32Array;
  changeTime: Int32Array;
  /** Stops where boarding must check type 2/3 trip/route rules. */
  ruleStop: Uint8Array;

  /** Links keyed by global pattern-stop index (CSR over patStops), sorted by from trip offset. */
  linkStart: Int32Array;
  linkFromTrip: Int32Array;
  linkToTrip: Int32Array;
  linkToPos: Int32Array;
  linkMin: Int32Array;
  /** GTFS transfer_type of the rule behind the link (1 timed, 2 minimum time, 4 in-seat). */
  linkKind: Uint8Array;

  stats: TimetableStats;
  /** Lazily built reversed timetable (forward timetables only). */
  reverse: Timetable | null;
};

export type TimetableStats = {
  date: string;
  trips: number;
  previousDayTrips: number;
  frequencyTrips: number;
  patterns: number;
  /** Patterns added by splitting overtaking trips. */
  splitPatterns: number;
  stopTimes: number;
  links: number;
  bytes: number;
};

/** Builds the timetable of one service date (`YYYY-MM-DD` or `YYYYMMDD`). */
export function buildTimetable(net: Network, dateInput: string): Timetable {
  const date = normalizeDate(dateInput);
  if (!date) throw new Error(`not a date: ${dateInput}`);
  const today = activeServices(net, date);
  const yesterday = activeServices(net, addDays(date, -1));

  // ---- trip instances
  const instTrip: number[] = [];
  const instShift: number[] = []; // added to the network trip's times
  const instDay: number[] = []; // 0 today, -86400 previous day
  const instFreq: number[] = [];
  let previousDayTrips = 0;
  let frequencyTrips = 0;
  for (let t = 0; t < net.tripCount; t++) {
    if (!net.tripValid[t]) continue;
    const svc = net.tripService[t]!;
    const onToday = today[svc] === 1;
    const onYesterday = yesterday[svc] === 1;
    if (!onToday && !onYesterday) continue;
    const first = net.stStart[t]!;
    const last = net.stStart[t + 1]! - 1;
    const firstDep = net.stDep[first]!;
    const span = net.stArr[last]! - firstDep;
    const fa = net.freqStart[t]!;
    const fb = net.freqStart[t + 1]!;
    const add = (shift: number, day: number, freq: number) => {
      instTrip.push(t);
      instShift.push(shift + day);
      instDay.push(day);
      instFreq.push(freq);
      if (day !== 0) previousDayTrips++;
      if (freq >= 0) frequencyTrips++;
    };
    if (fa === fb) {
      if (onToday) add(0, 0, -1);
      if (onYesterday && net.stArr[last]! >= 86400) add(0, -86400, -1);
    } else {
      for (let f = fa; f < fb; f++) {
        const h = net.freqHeadway[f]!;
        for (let start = net.freqFrom[f]!; start < net.freqTo[f]!; start += h) {
          if (onToday) add(start - firstDep, 0, start);
          if (onYesterday && start + span >= 86400) add(start - firstDep, -86400, start);
        }
      }
    }
  }
  const nInst = instTrip.length;

  // ---- group by network pattern, sort, split overtaking trips
  const byPattern = new Int32Array(net.patternCount + 1);
  for (let i = 0; i < nInst; i++) byPattern[net.tripPattern[instTrip[i]!]! + 1]!++;
  for (let p = 0; p < net.patternCount; p++) byPattern[p + 1]! += byPattern[p]!;
  const grouped = new Int32Array(nInst);
  {
    const fill = byPattern.slice(0, net.patternCount);
    for (let i = 0; i < nInst; i++) grouped[fill[net.tripPattern[instTrip[i]!]!]!++] = i;
  }
  const depAt = (inst: number, i: number) => net.stDep[net.stStart[instTrip[inst]!]! + i]! + instShift[inst]!;
  const arrAt = (inst: number, i: number) => net.stArr[net.stStart[instTrip[inst]!]! + i]! + instShift[inst]!;

  type Sub = { netPattern: number; trips: number[] };
  const subs: Sub[] = [];
  let splitPatterns = 0;
  for (let p = 0; p < net.patternCount; p++) {
    const a = byPattern[p]!;
    const b = byPattern[p + 1]!;
    if (a === b) continue;
    const L = net.patStart[p + 1]! - net.patStart[p]!;
    const list = Array.from(grouped.subarray(a, b));
    list.sort((x, y) => depAt(x, 0) - depAt(y, 0) || arrAt(x, L - 1) - arrAt(y, L - 1) || instTrip[x]! - instTrip[y]! || instShift[x]! - instShift[y]!);
    const mine: Sub[] = [];
    for (const inst of list) {
      let placed = false;
      for (const s of mine) {
        const prev = s.trips[s.trips.length - 1]!;
        let ok = true;
        for (let i = 0; i < L && ok; i++) if (arrAt(inst, i) < arrAt(prev, i) || depAt(inst, i) < depAt(prev, i)) ok = false;
        if (ok) {
          s.trips.push(inst);
          placed = true;
          break;
        }
      }
      if (!placed) mine.push({ netPattern: p, trips: [inst] });
    }
    splitPatterns += mine.length - 1;
    subs.push(...mine);
  }

  // ---- flat arrays
  const patternCount = subs.length;
  const patStopStart = new Int32Array(patternCount + 1);
  const patTripStart = new Int32Array(patternCount + 1);
  const patTimeBase = new Int32Array(patternCount + 1);
  subs.forEach((s, P) => {
    const L = net.patStart[s.netPattern + 1]! - net.patStart[s.netPattern]!;
    patStopStart[P + 1] = patStopStart[P]! + L;
    patTripStart[P + 1] = patTripStart[P]! + s.trips.length;
    patTimeBase[P + 1] = patTimeBase[P]! + L * s.trips.length;
  });
  const patStops = new Int32Array(patStopStart[patternCount]!);
  const patFlags = new Uint8Array(patStopStart[patternCount]!);
  const patNetPattern = new Int32Array(patternCount);
  const patMode = new Uint8Array(patternCount);
  const arr = new Int32Array(patTimeBase[patternCount]!);
  const dep = new Int32Array(patTimeBase[patternCount]!);
  const tripCount = nInst;
  const tripNet = new Int32Array(tripCount);
  const tripPattern = new Int32Array(tripCount);
  const tripShift = new Int32Array(tripCount);
  const tripFreqStart = new Int32Array(tripCount);
  const tripAccessible = new Uint8Array(tripCount);
  subs.forEach((s, P) => {
    const np = s.netPattern;
    const L = net.patStart[np + 1]! - net.patStart[np]!;
    patStops.set(net.patStops.subarray(net.patStart[np]!, net.patStart[np + 1]!), patStopStart[P]!);
    patFlags.set(net.patFlags.subarray(net.patStart[np]!, net.patStart[np + 1]!), patStopStart[P]!);
    patNetPattern[P] = np;
    patMode[P] = net.routeMode[net.patRoute[np]!]!;
    s.trips.forEach((inst, j) => {
      const t = patTripStart[P]! + j;
      const nt = instTrip[inst]!;
      tripNet[t] = nt;
      tripPattern[t] = P;
      tripShift[t] = instDay[inst]!;
      tripFreqStart[t] = instFreq[inst]!;
      tripAccessible[t] = net.tripAccessible[nt]!;
      const src = net.stStart[nt]!;
      const sh = instShift[inst]!;
      const o = patTimeBase[P]! + j * L;
      for (let i = 0; i < L; i++) {
        arr[o + i] = net.stArr[src + i]! + sh;
        dep[o + i] = net.stDep[src + i]! + sh;
      }
    });
  });

  const { spStart, spPattern, spPos } = stopPatternIndex(net.stopCount, patternCount, patStopStart, patStops);
  const { stopDepStart, stopDep } = stopDepartures(net.stopCount, patternCount, patStopStart, patStops, patFlags, patTripStart, patTimeBase, dep);

  const tt: Timetable = {
    network: net,
    date,
    reversed: false,
    stopCount: net.stopCount,
    patternCount,
    patStopStart,
    patStops,
    patFlags,
    patNetPattern,
    patMode,
    patTripStart,
    patTimeBase,
    arr,
    dep,
    patHasLinks: new Uint8Array(patternCount),
    tripCount,
    tripNet,
    tripPattern,
    tripShift,
    tripFreqStart,
    tripAccessible,
    spStart,
    spPattern,
    spPos,
    stopDepStart,
    stopDep,
    fpStart: net.fpStart,
    fpTo: net.fpTo,
    fpDur: net.fpDur,
    fpDist: net.fpDist,
    changeTime: net.changeTime,
    ruleStop: net.ruleAtStop,
    linkStart: new Int32Array(patStops.length + 1),
    linkFromTrip: new Int32Array(0),
    linkToTrip: new Int32Array(0),
    linkToPos: new Int32Array(0),
    linkMin: new Int32Array(0),
    linkKind: new Uint8Array(0),
    stats: {
      date,
      trips: tripCount,
      previousDayTrips,
      frequencyTrips,
      patterns: patternCount,
      splitPatterns,
      stopTimes: arr.length,
      links: 0,
      bytes: 0,
    },
    reverse: null,
  };
  buildLinks(tt);
  tt.stats.links = tt.linkFromTrip.length;
  tt.stats.bytes = typedBytes(tt) - typedBytes({ a: tt.fpStart, b: tt.fpTo, c: tt.fpDur, d: tt.fpDist, e: tt.changeTime, f: tt.ruleStop });
  return tt;
}

function stopDepartures(
  stopCount: number,
  patternCount: number,
  patStopStart: Int32Array,
  patStops: Int32Array,
  patFlags: Uint8Array,
  patTripStart: Int32Array,
  patTimeBase: Int32Array,
  dep: Int32Array,
) {
  const stopDepStart = new Int32Array(stopCount + 1);
  for (let P = 0; P < patternCount; P++) {
    const nT = patTripStart[P + 1]! - patTripStart[P]!;
    for (let i = patStopStart[P]!; i < patStopStart[P + 1]!; i++) if (patFlags[i]! & 1) stopDepStart[patStops[i]! + 1]! += nT;
  }
  for (let s = 0; s < stopCount; s++) stopDepStart[s + 1]! += stopDepStart[s]!;
  const stopDep = new Int32Array(stopDepStart[stopCount]!);
  const fill = stopDepStart.slice(0, stopCount);
  for (let P = 0; P < patternCount; P++) {
    const s0 = patStopStart[P]!;
    const L = patStopStart[P + 1]! - s0;
    const nT = patTripStart[P + 1]! - patTripStart[P]!;
    for (let i = 0; i < L; i++) {
      if (!(patFlags[s0 + i]! & 1)) continue;
      const p = patStops[s0 + i]!;
      for (let j = 0; j < nT; j++) stopDep[fill[p]!++] = dep[patTimeBase[P]! + j * L + i]!;
    }
  }
  for (let s = 0; s < stopCount; s++) stopDep.subarray(stopDepStart[s]!, stopDepStart[s + 1]!).sort();
  return { stopDepStart, stopDep };
}

function stopPatternIndex(stopCount: number, patternCount: number, patStopStart: Int32Array, patStops: Int32Array) {
  const spStart = new Int32Array(stopCount + 1);
  for (let i = 0; i < patStops.length; i++) spStart[patStops[i]! + 1]!++;
  for (let s = 0; s < stopCount; s++) spStart[s + 1]! += spStart[s]!;
  const spPattern = new Int32Array(patStops.length);
  const spPos = new Int32Array(patStops.length);
  const fill = spStart.slice(0, stopCount);
  for (let P = 0; P < patternCount; P++)
    for (let i = patStopStart[P]!; i < patStopStart[P + 1]!; i++) {
      const k = fill[patStops[i]!]!++;
      spPattern[k] = P;
      spPos[k] = i - patStopStart[P]!;
    }
  return { spStart, spPattern, spPos };
}

/**
 * Trip-to-trip links: for every trip/route-level rule of type 1 (timed), 2 (minimum time) or 4 (in-seat),
 * each (alighting trip instance, position) → (boarding trip instance, position) pair the rule decides where
 * it needs less than the stop-level semantics allow (or where those forbid the change). In-seat links are
 * kept always: they also bypass pickup/drop-off flags. Route-side rules link to the earliest suitable
 * trip of each pattern of the route (later trips of a pattern are never better, FIFO).
 */
function buildLinks(tt: Timetable): void {
  const net = tt.network;
  const entries: { key: number; from: number; to: number; pos: number; min: number; kind: number }[] = [];
  if (net.rules.length === 0) return;
  const instancesOf = new Map<number, number[]>();
  for (let t = 0; t < tt.tripCount; t++) {
    const nt = tt.tripNet[t]!;
    const l = instancesOf.get(nt);
    if (l) l.push(t);
    else instancesOf.set(nt, [t]);
  }
  const patternsOfRoute = new Map<number, number[]>();
  for (let P = 0; P < tt.patternCount; P++) {
    const r = net.patRoute[tt.patNetPattern[P]!]!;
    const l = patternsOfRoute.get(r);
    if (l) l.push(P);
    else patternsOfRoute.set(r, [P]);
  }
  const len = (P: number) => tt.patStopStart[P + 1]! - tt.patStopStart[P]!;
  const stopAt = (P: number, i: number) => tt.patStops[tt.patStopStart[P]! + i]!;
  const timeIdx = (t: number, i: number) => {
    const P = tt.tripPattern[t]!;
    return tt.patTimeBase[P]! + (t - tt.patTripStart[P]!) * len(P) + i;
  };
  const matches = (ruleStop: number, s: number) => stopMatches(net, ruleStop, s);

  for (const rule of net.rules) {
    if (rule.type !== 1 && rule.type !== 2 && rule.type !== 4) continue;
    if (rule.type === 4 && (rule.fromTrip === NONE || rule.toTrip === NONE)) continue;
    // Alighting side: trip instances and positions.
    const fromTrips: number[] = [];
    if (rule.fromTrip !== NONE) fromTrips.push(...(instancesOf.get(rule.fromTrip) ?? []));
    else if (rule.fromRoute !== NONE) for (const P of patternsOfRoute.get(rule.fromRoute) ?? []) for (let t = tt.patTripStart[P]!; t < tt.patTripStart[P + 1]!; t++) fromTrips.push(t);
    else continue;
    for (const a of fromTrips) {
      const PA = tt.tripPattern[a]!;
      const LA = len(PA);
      const positions: number[] = [];
      if (rule.type === 4) {
        if (rule.fromStop === NONE) positions.push(LA - 1);
        else for (let i = LA - 1; i >= 0; i--) if (matches(rule.fromStop, stopAt(PA, i))) {
          positions.push(i);
          break;
        }
      } else for (let i = 1; i < LA; i++) if (matches(rule.fromStop, stopAt(PA, i))) positions.push(i);
      for (const i of positions) {
        const q = stopAt(PA, i);
        if (rule.type !== 4 && !(tt.patFlags[tt.patStopStart[PA]! + i]! & 2)) continue;
        const arrA = tt.arr[timeIdx(a, i)]!;
        // Boarding side: candidate (pattern, position, trips).
        const targets: { P: number; trips: number[] | null }[] = [];
        if (rule.toTrip !== NONE) {
          const inst = (instancesOf.get(rule.toTrip) ?? []).filter((b) => tt.tripFreqStart[b]! >= 0 || tt.tripShift[b] === tt.tripShift[a]);
          if (inst.length) targets.push({ P: tt.tripPattern[inst[0]!]!, trips: inst });
          for (const b of inst.slice(1)) if (tt.tripPattern[b] !== targets[0]!.P) targets.push({ P: tt.tripPattern[b]!, trips: [b] });
        } else if (rule.toRoute !== NONE) for (const P of patternsOfRoute.get(rule.toRoute) ?? []) targets.push({ P, trips: null });
        else continue;
        for (const { P, trips } of targets) {
          const L = len(P);
          const jPositions: number[] = [];
          if (rule.type === 4) {
            if (rule.toStop === NONE) jPositions.push(0);
            else for (let j = 0; j < L; j++) if (matches(rule.toStop, stopAt(P, j))) {
              jPositions.push(j);
              break;
            }
          } else for (let j = 0; j < L - 1; j++) if (matches(rule.toStop, stopAt(P, j))) jPositions.push(j);
          for (const j of jPositions) {
            const p = stopAt(P, j);
            if (rule.type !== 4 && !(tt.patFlags[tt.patStopStart[P]! + j]! & 1)) continue;
            const candidates = trips ?? rangeOf(tt.patTripStart[P]!, tt.patTripStart[P + 1]!);
            // Earliest candidate departing in time under this rule.
            let best = -1;
            for (const b of candidates) {
              if (tt.tripNet[b] === tt.tripNet[a] && tt.tripShift[b] === tt.tripShift[a] && tt.tripFreqStart[b] === tt.tripFreqStart[a]) continue;
              const need = transferRequirement(net, tt.tripNet[a]!, q, tt.tripNet[b]!, p);
              if (need < 0) continue;
              const d = tt.dep[timeIdx(b, j)]!;
              if (d < arrA + need) continue;
              if (best < 0 || d < tt.dep[timeIdx(best, j)]!) best = b;
              if (!trips) break; // pattern trips are sorted: the first that fits is the earliest
            }
            if (best < 0) continue;
            const need = transferRequirement(net, tt.tripNet[a]!, q, tt.tripNet[best]!, p);
            const normal = normalTransferTime(net, q, p);
            if (rule.type !== 4 && normal >= 0 && need >= normal) continue; // the stop-level semantics already allow it
            entries.push({ key: tt.patStopStart[PA]! + i, from: a - tt.patTripStart[PA]!, to: best, pos: j, min: need, kind: rule.type });
          }
        }
      }
    }
  }
  setLinks(tt, entries);
}

function rangeOf(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}

function setLinks(tt: Timetable, entries: { key: number; from: number; to: number; pos: number; min: number; kind: number }[]) {
  entries.sort((x, y) => x.key - y.key || x.from - y.from || x.to - y.to);
  const linkStart = new Int32Array(tt.patStops.length + 1);
  for (const e of entries) linkStart[e.key + 1]!++;
  for (let i = 0; i < tt.patStops.length; i++) linkStart[i + 1]! += linkStart[i]!;
  tt.linkStart = linkStart;
  tt.linkFromTrip = Int32Array.from(entries, (e) => e.from);
  tt.linkToTrip = Int32Array.from(entries, (e) => e.to);
  tt.linkToPos = Int32Array.from(entries, (e) => e.pos);
  tt.linkMin = Int32Array.from(entries, (e) => e.min);
  tt.linkKind = Uint8Array.from(entries, (e) => e.kind);
  tt.patHasLinks = new Uint8Array(tt.patternCount);
  for (let P = 0; P < tt.patternCount; P++)
    if (linkStart[tt.patStopStart[P + 1]!]! > linkStart[tt.patStopStart[P]!]!) tt.patHasLinks[P] = 1;
}

/**
 * The time-reversed timetable: pattern P keeps its index with its stops reversed and its trips in reverse
 * order (FIFO in one direction is FIFO in the other); times are negated and arrival/departure swapped;
 * pickup and drop-off flags swap; footpaths are transposed; a link a@i → b@j becomes b@j → a@i.
 */
export function reverseTimetable(tt: Timetable): Timetable {
  if (tt.reversed) throw new Error('already reversed');
  if (tt.reverse) return tt.reverse;
  const net = tt.network;
  const P_ = tt.patternCount;
  const patStops = new Int32Array(tt.patStops.length);
  const patFlags = new Uint8Array(tt.patFlags.length);
  const arr = new Int32Array(tt.arr.length);
  const dep = new Int32Array(tt.dep.length);
  const tripNet = new Int32Array(tt.tripCount);
  const tripShift = new Int32Array(tt.tripCount);
  const tripFreqStart = new Int32Array(tt.tripCount);
  const tripAccessible = new Uint8Array(tt.tripCount);
  for (let P = 0; P < P_; P++) {
    const s0 = tt.patStopStart[P]!;
    const L = tt.patStopStart[P + 1]! - s0;
    for (let i = 0; i < L; i++) {
      patStops[s0 + i] = tt.patStops[s0 + L - 1 - i]!;
      const f = tt.patFlags[s0 + L - 1 - i]!;
      patFlags[s0 + i] = ((f & 1) << 1) | ((f & 2) >> 1);
    }
    const t0 = tt.patTripStart[P]!;
    const n = tt.patTripStart[P + 1]! - t0;
    const base = tt.patTimeBase[P]!;
    for (let j = 0; j < n; j++) {
      const jf = n - 1 - j;
      tripNet[t0 + j] = tt.tripNet[t0 + jf]!;
      tripShift[t0 + j] = tt.tripShift[t0 + jf]!;
      tripFreqStart[t0 + j] = tt.tripFreqStart[t0 + jf]!;
      tripAccessible[t0 + j] = tt.tripAccessible[t0 + jf]!;
      for (let i = 0; i < L; i++) {
        arr[base + j * L + i] = -tt.dep[base + jf * L + (L - 1 - i)]!;
        dep[base + j * L + i] = -tt.arr[base + jf * L + (L - 1 - i)]!;
      }
    }
  }
  const { spStart, spPattern, spPos } = stopPatternIndex(tt.stopCount, P_, tt.patStopStart, patStops);
  const { stopDepStart, stopDep } = stopDepartures(tt.stopCount, P_, tt.patStopStart, patStops, patFlags, tt.patTripStart, tt.patTimeBase, dep);

  // Transposed footpaths.
  const n = tt.stopCount;
  const fpStart = new Int32Array(n + 1);
  for (let i = 0; i < tt.fpTo.length; i++) fpStart[tt.fpTo[i]! + 1]!++;
  for (let s = 0; s < n; s++) fpStart[s + 1]! += fpStart[s]!;
  const fpTo = new Int32Array(tt.fpTo.length);
  const fpDur = new Int32Array(tt.fpTo.length);
  const fpDist = new Float32Array(tt.fpTo.length);
  const fill = fpStart.slice(0, n);
  for (let s = 0; s < n; s++)
    for (let i = tt.fpStart[s]!; i < tt.fpStart[s + 1]!; i++) {
      const k = fill[tt.fpTo[i]!]!++;
      fpTo[k] = s;
      fpDur[k] = tt.fpDur[i]!;
      fpDist[k] = tt.fpDist[i]!;
    }

  const rt: Timetable = {
    ...tt,
    reversed: true,
    patStops,
    patFlags,
    arr,
    dep,
    tripNet,
    tripShift,
    tripFreqStart,
    tripAccessible,
    spStart,
    spPattern,
    spPos,
    stopDepStart,
    stopDep,
    fpStart,
    fpTo,
    fpDur,
    fpDist,
    ruleStop: net.ruleFromStop,
    reverse: null,
  };
  // Links: forward a (offset ja in PA) @ i → b @ j becomes reversed b @ (LB-1-j) → a @ (LA-1-i).
  const entries: { key: number; from: number; to: number; pos: number; min: number; kind: number }[] = [];
  for (let PA = 0; PA < P_; PA++) {
    const sA = tt.patStopStart[PA]!;
    const LA = tt.patStopStart[PA + 1]! - sA;
    const nA = tt.patTripStart[PA + 1]! - tt.patTripStart[PA]!;
    for (let i = 0; i < LA; i++)
      for (let e = tt.linkStart[sA + i]!; e < tt.linkStart[sA + i + 1]!; e++) {
        const b = tt.linkToTrip[e]!;
        const PB = tt.tripPattern[b]!;
        const sB = tt.patStopStart[PB]!;
        const LB = tt.patStopStart[PB + 1]! - sB;
        const nB = tt.patTripStart[PB + 1]! - tt.patTripStart[PB]!;
        const jb = b - tt.patTripStart[PB]!;
        const ja = tt.linkFromTrip[e]!;
        entries.push({
          key: sB + (LB - 1 - tt.linkToPos[e]!),
          from: nB - 1 - jb,
          to: tt.patTripStart[PA]! + (nA - 1 - ja),
          pos: LA - 1 - i,
          min: tt.linkMin[e]!,
          kind: tt.linkKind[e]!,
        });
      }
  }
  setLinks(rt, entries);
  tt.reverse = rt;
  return rt;
}
