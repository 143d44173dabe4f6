/**
 * RAPTOR (Delling, Pajor, Werneck: "Round-Based Public Transit Routing", 2012) over a Timetable.
 *
 * Round k scans every pattern serving a stop whose boarding time improved in round k−1, from the earliest
 * such position, keeping the earliest catchable trip (binary search, FIFO patterns); then relaxes the
 * change time at each stop reached by vehicle and its footpaths (not chained). Labels are kept per round
 * with "at most k rides" semantics, so the Pareto front over (arrival, rides) comes out of one run, and
 * range queries (rRAPTOR) reuse labels from later departures. Arrive-by runs the same code on the
 * time-reversed timetable.
 *
 * Allocation: one Raptor per timetable (and maximum number of rounds) holds every array; a query resets
 * only what it touched. Pure: no clock, no I/O.
 */
import { NO_RULE, FORBIDDEN, ruleFor, transferRequirement } from './network.ts';
import type { Timetable } from './timetable.ts';
import { INF } from './util.ts';

/** Where a search starts: reach `stop` at departure time + `offset` seconds. */
export type Source = {
  stop: number;
  offset: number;
  /** 0 the origin stop itself, 1 a footpath from origin stop `from`, 2 a walk from a coordinate. */
  kind: 0 | 1 | 2;
  from: number;
  distance: number;
};

/** A stop that ends a search: arriving by vehicle at `stop` then walking `egress` seconds. */
export type Target = {
  stop: number;
  egress: number;
  distance: number;
  /** The stop is part of the destination itself (so a footpath into it also reaches the destination). */
  direct: boolean;
};

export type SearchOptions = {
  maxRides: number;
  modeMask: number;
  wheelchair: boolean;
  /** A walk-only journey from the sources' coordinate to the destination coordinate, if within reach. */
  directWalk?: { duration: number; distance: number } | null;
  /**
   * Tuning for many runs (range queries): goal-directed pruning with a per-query lower bound of the time
   * from every stop to the destination (reverse Dijkstra over minimum hop times and footpaths), and
   * marking a stop only when its improved label can catch an earlier departure. Both pay off only when
   * many runs share them.
   */
  lowerBounds?: boolean;
  /**
   * Per stop, the latest departure a first ride may board there from a source (range queries limited to the
   * window: source offset + window end); no first ride boards later. Stops without a cap hold Infinity.
   */
  firstBoardBy?: Float64Array | null;
};

/** One step of a path in engine terms (engine time direction). */
export type Segment =
  | { type: 'walk'; from: number; to: number; duration: number; distance: number; source: number }
  | { type: 'ride'; trip: number; pattern: number; boardPos: number; alightPos: number; link: number };

/** A Pareto-optimal result of a run: rides, engine-world start and arrival times, and its segments. */
export type RawJourney = { rides: number; start: number; arrival: number; segments: Segment[] };

const FORCED_MAX = 64;

export class Raptor {
  readonly tt: Timetable;
  readonly maxRides: number;
  private readonly n: number;
  // "at most k rides" labels, row k = rides
  private readonly arrV: Int32Array;
  private readonly brd: Int32Array;
  private readonly brdRound: Int32Array;
  // exact labels of round k
  private readonly vTime: Int32Array;
  private readonly vTrip: Int32Array;
  private readonly vBoardPos: Int32Array;
  private readonly vAlightPos: Int32Array;
  private readonly vSrc: Int32Array;
  private readonly bTime: Int32Array;
  private readonly bFrom: Int32Array;
  private readonly bDur: Int32Array;
  private readonly bDist: Float32Array;
  // target
  private readonly tBest: Int32Array;
  /** Index of an always −INF entry at the end of tBest (for "no ride left"). */
  private readonly tBestNone: number;
  private readonly tTime: Int32Array;
  private readonly tStop: Int32Array; // vehicle stop, or -1 for walk-only
  private readonly tVia: Int32Array; // target stop reached by footpath, or -1
  private readonly tWalk: Int32Array;
  private readonly tDist: Float64Array;
  private readonly tSrc: Int32Array; // walk-only: source index (-1: direct coordinate walk)
  private readonly tRun: Int32Array;
  private readonly tgtEgress: Int32Array;
  private readonly tgtDist: Float64Array;
  private readonly tgtDirect: Uint8Array;
  /** Stops from which the destination is reached without another ride (target stops, footpaths into them). */
  private readonly walkDone: Uint8Array;
  private walkDoneList: number[] = [];
  private targets: Target[] = [];
  // marking
  private markedList: Int32Array;
  private markedCount = 0;
  /** Stops marked for the round being scanned (boarding is only tried there). */
  private readonly marked: Uint8Array;
  private readonly nextMarked: Uint8Array;
  private nextList: Int32Array;
  private nextCount = 0;
  private readonly improved: Uint8Array;
  private improvedList: Int32Array;
  private improvedCount = 0;
  private readonly patMin: Int32Array;
  private readonly patMax: Int32Array;
  private readonly patList: Int32Array;
  private patCount = 0;
  private readonly patCand: Int32Array;
  // trip-link candidates (records live for a whole query, range runs included)
  private cRound = new Int32Array(64);
  private cTrip = new Int32Array(64);
  private cBoardPos = new Int32Array(64);
  private cAlightPos = new Int32Array(64);
  private cSrc = new Int32Array(64);
  private cToTrip = new Int32Array(64);
  private cToPos = new Int32Array(64);
  private cTime = new Int32Array(64);
  private cKind = new Uint8Array(64);
  private cNext = new Int32Array(64);
  private cCount = 0;
  private roundCandStart = 0;
  // trips boarded through links during one pattern scan (for their own links)
  private readonly forcedTrip = new Int32Array(FORCED_MAX);
  private readonly forcedPos = new Int32Array(FORCED_MAX);
  private readonly forcedSrc = new Int32Array(FORCED_MAX);
  private forcedCount = 0;
  private sources: Source[] = [];
  // lower bounds to the destination (0 everywhere when unused)
  private readonly lb: Int32Array;
  private lbOn = false;
  private minHop: Int32Array | null = null;
  private fpInStart: Int32Array | null = null;
  private fpInFrom: Int32Array | null = null;
  private fpInDur: Int32Array | null = null;
  private heap: Int32Array | null = null;
  private linkIn: number[][] = [];
  private run = 0;
  private dirty = false;
  private opts: SearchOptions = { maxRides: 1, modeMask: 0x3fff, wheelchair: false };

  constructor(tt: Timetable, maxRides = 9) {
    this.tt = tt;
    this.maxRides = maxRides;
    const n = (this.n = tt.stopCount);
    const R = maxRides + 1;
    this.arrV = new Int32Array(R * n).fill(INF);
    this.brd = new Int32Array(R * n).fill(INF);
    this.brdRound = new Int32Array(R * n);
    this.vTime = new Int32Array(R * n);
    this.vTrip = new Int32Array(R * n);
    this.vBoardPos = new Int32Array(R * n);
    this.vAlightPos = new Int32Array(R * n);
    this.vSrc = new Int32Array(R * n);
    this.bTime = new Int32Array(R * n);
    this.bFrom = new Int32Array(R * n);
    this.bDur = new Int32Array(R * n);
    this.bDist = new Float32Array(R * n);
    this.tBest = new Int32Array(R + 1).fill(INF);
    this.tBestNone = R;
    this.tBest[R] = -INF;
    this.tTime = new Int32Array(R);
    this.tStop = new Int32Array(R);
    this.tVia = new Int32Array(R);
    this.tWalk = new Int32Array(R);
    this.tDist = new Float64Array(R);
    this.tSrc = new Int32Array(R);
    this.tRun = new Int32Array(R);
    this.tgtEgress = new Int32Array(n).fill(-1);
    this.tgtDist = new Float64Array(n);
    this.tgtDirect = new Uint8Array(n);
    this.walkDone = new Uint8Array(n);
    this.markedList = new Int32Array(n);
    this.marked = new Uint8Array(n);
    this.nextMarked = new Uint8Array(n);
    this.nextList = new Int32Array(n);
    this.improved = new Uint8Array(n);
    this.improvedList = new Int32Array(n);
    this.patMin = new Int32Array(tt.patternCount).fill(INF);
    this.patMax = new Int32Array(tt.patternCount).fill(-1);
    this.patList = new Int32Array(tt.patternCount);
    this.patCand = new Int32Array(tt.patternCount).fill(-1);
    this.lb = new Int32Array(n);
  }

  /** Clears all labels (a new query, or the start of a range query). */
  reset(): void {
    if (!this.dirty) return;
    this.arrV.fill(INF);
    this.brd.fill(INF);
    this.tBest.fill(INF);
    this.tBest[this.tBestNone] = -INF;
    this.tRun.fill(0);
    for (const t of this.targets) {
      this.tgtEgress[t.stop] = -1;
      this.tgtDirect[t.stop] = 0;
    }
    this.targets = [];
    this.cCount = 0;
    this.dirty = false;
  }

  /** Sets sources, targets and options for the following `search` calls (after `reset`). */
  prepare(sources: Source[], targets: Target[], opts: SearchOptions): void {
    if (opts.maxRides > this.maxRides) throw new Error(`this router holds ${this.maxRides} rounds, asked for ${opts.maxRides}`);
    this.dirty = true;
    this.sources = sources;
    this.opts = opts;
    for (const t of this.targets) {
      this.tgtEgress[t.stop] = -1;
      this.tgtDirect[t.stop] = 0;
    }
    this.targets = targets;
    for (const t of targets) {
      // Keep the best egress when a stop is listed twice.
      if (this.tgtEgress[t.stop]! < 0 || t.egress < this.tgtEgress[t.stop]!) {
        this.tgtEgress[t.stop] = t.egress;
        this.tgtDist[t.stop] = t.distance;
      }
      if (t.direct) this.tgtDirect[t.stop] = 1;
    }
    for (const p of this.walkDoneList) this.walkDone[p] = 0;
    this.walkDoneList = [];
    this.ensureFpIn();
    const setDone = (p: number) => {
      if (this.walkDone[p]) return;
      this.walkDone[p] = 1;
      this.walkDoneList.push(p);
    };
    for (const t of targets) {
      setDone(t.stop);
      if (t.direct) for (let e = this.fpInStart![t.stop]!; e < this.fpInStart![t.stop + 1]!; e++) setDone(this.fpInFrom![e]!);
    }
    if (opts.lowerBounds) this.lowerBounds();
    else if (this.lbOn) this.lb.fill(0);
    this.lbOn = !!opts.lowerBounds;
  }

  /** Footpaths by destination (CSR), built once per router. */
  private ensureFpIn(): void {
    if (this.fpInStart) return;
    const tt = this.tt;
    const n = this.n;
    const fpInStart = new Int32Array(n + 1);
    for (let e = 0; e < tt.fpTo.length; e++) fpInStart[tt.fpTo[e]! + 1]!++;
    for (let p = 0; p < n; p++) fpInStart[p + 1]! += fpInStart[p]!;
    const fpInFrom = new Int32Array(tt.fpTo.length);
    const fpInDur = new Int32Array(tt.fpTo.length);
    const fill = fpInStart.slice(0, n);
    for (let p = 0; p < n; p++)
      for (let e = tt.fpStart[p]!; e < tt.fpStart[p + 1]!; e++) {
        const k = fill[tt.fpTo[e]!]!++;
        fpInFrom[k] = p;
        fpInDur[k] = tt.fpDur[e]!;
      }
    this.fpInStart = fpInStart;
    this.fpInFrom = fpInFrom;
    this.fpInDur = fpInDur;
  }

  /**
   * lb[p] = a lower bound of the time from being at p to reaching the destination: Dijkstra backwards from
   * the target stops (their egress) over footpaths and pattern hops weighted by the smallest in-vehicle
   * time of any trip (dwell and change times counted as 0). INF where the destination is out of reach.
   */
  private lowerBounds(): void {
    const tt = this.tt;
    const n = this.n;
    if (!this.minHop) {
      const minHop = new Int32Array(tt.patStops.length);
      for (let P = 0; P < tt.patternCount; P++) {
        const s0 = tt.patStopStart[P]!;
        const L = tt.patStopStart[P + 1]! - s0;
        const nT = tt.patTripStart[P + 1]! - tt.patTripStart[P]!;
        const base = tt.patTimeBase[P]!;
        for (let i = 0; i + 1 < L; i++) {
          let m = INF;
          for (let j = 0; j < nT; j++) {
            const h = tt.arr[base + j * L + i + 1]! - tt.dep[base + j * L + i]!;
            if (h < m) m = h;
          }
          minHop[s0 + i] = m < 0 ? 0 : m;
        }
      }
      // Trip links (timed, in-seat…) may join stops that no footpath joins: edges of weight 0 in the bound.
      const linkIn: number[][] = [];
      for (let P = 0; P < tt.patternCount; P++)
        for (let x = tt.patStopStart[P]!; x < tt.patStopStart[P + 1]!; x++)
          for (let e = tt.linkStart[x]!; e < tt.linkStart[x + 1]!; e++) {
            const b = tt.linkToTrip[e]!;
            const to = tt.patStops[tt.patStopStart[tt.tripPattern[b]!]! + tt.linkToPos[e]!]!;
            (linkIn[to] ??= []).push(tt.patStops[x]!);
          }
      this.linkIn = linkIn;
      this.minHop = minHop;
      this.heap = new Int32Array(n + 1);
    }
    this.ensureFpIn();
    const lb = this.lb;
    lb.fill(INF);
    const heap = this.heap!;
    const pos = this.improvedList; // reused as heap positions (-1 = not in heap); cleared below
    pos.fill(-1);
    let size = 0;
    const up = (i: number) => {
      const v = heap[i]!;
      const d = lb[v]!;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const pv = heap[parent]!;
        if (lb[pv]! <= d) break;
        heap[i] = pv;
        pos[pv] = i;
        i = parent;
      }
      heap[i] = v;
      pos[v] = i;
    };
    const push = (v: number, d: number) => {
      if (d >= lb[v]!) return;
      lb[v] = d;
      if (pos[v]! < 0) {
        heap[size] = v;
        pos[v] = size;
        size++;
      }
      up(pos[v]!);
    };
    const pop = (): number => {
      const top = heap[0]!;
      pos[top] = -2;
      size--;
      if (size > 0) {
        const v = heap[size]!;
        const d = lb[v]!;
        let i = 0;
        for (;;) {
          let c = 2 * i + 1;
          if (c >= size) break;
          if (c + 1 < size && lb[heap[c + 1]!]! < lb[heap[c]!]!) c++;
          if (lb[heap[c]!]! >= d) break;
          heap[i] = heap[c]!;
          pos[heap[i]!] = i;
          i = c;
        }
        heap[i] = v;
        pos[v] = i;
      }
      return top;
    };
    for (const t of this.targets) push(t.stop, t.egress);
    const minHop = this.minHop!;
    const fpInStart = this.fpInStart!;
    const fpInFrom = this.fpInFrom!;
    const fpInDur = this.fpInDur!;
    while (size > 0) {
      const v = pop();
      const d = lb[v]!;
      for (let e = fpInStart[v]!; e < fpInStart[v + 1]!; e++) {
        const u = fpInFrom[e]!;
        if (pos[u] !== -2) push(u, d + fpInDur[e]!);
      }
      const li = this.linkIn[v];
      if (li) for (const u of li) if (pos[u] !== -2) push(u, d);
      for (let e = tt.spStart[v]!; e < tt.spStart[v + 1]!; e++) {
        const i = tt.spPos[e]!;
        if (i === 0) continue;
        const k = tt.patStopStart[tt.spPattern[e]!]! + i - 1;
        const u = tt.patStops[k]!;
        if (pos[u] !== -2) push(u, d + minHop[k]!);
      }
    }
    this.improvedList.fill(0);
  }

  /**
   * Could riding trip `trip` (timetable index) of pattern P from position `pos` still improve a label at
   * the destination? False when, at every later stop, its arrival plus the lower bound to the destination
   * reaches the best arrival known with one ride (the loosest of the round bounds). Needs `lowerBounds`.
   */
  canImprove(P: number, pos: number, trip: number): boolean {
    if (!this.lbOn) return true;
    const tt = this.tt;
    const s0 = tt.patStopStart[P]!;
    const L = tt.patStopStart[P + 1]! - s0;
    const base = tt.patTimeBase[P]! + (trip - tt.patTripStart[P]!) * L;
    const bound = this.tBest[1]!;
    for (let i = pos + 1; i < L; i++) if (tt.arr[base + i]! + this.lb[tt.patStops[s0 + i]!]! < bound) return true;
    return false;
  }

  /**
   * One RAPTOR run departing at `t0` (engine time). Labels from earlier calls since `reset` are kept
   * (rRAPTOR); returns the journeys this run improved, fewest rides first. `markOnly` (per source)
   * limits the stops marked in round 0 to those with a departure at `t0` (range queries).
   */
  search(t0: number, markOnly: Uint8Array | null = null): RawJourney[] {
    const run = ++this.run;
    const n = this.n;
    const K = this.opts.maxRides;
    const tt = this.tt;
    const wheelchair = this.opts.wheelchair;

    // ---- round 0: sources
    this.markedCount = 0;
    this.nextCount = 0;
    this.roundCandStart = this.cCount;
    this.sources.forEach((s, i) => {
      // A range run starts only from the sources with a departure event at t0: the others keep the
      // labels of a later run, and any journey they would start here is found by their own runs.
      if (markOnly && markOnly[i] !== 1) return;
      const t = t0 + s.offset;
      if (this.relaxBoard(0, s.stop, t, -1 - i, s.offset, s.distance)) this.mark(s.stop);
      // walk-only journeys: the origin stop itself (with its egress), or a footpath/access walk into the destination
      if (s.kind === 0 ? this.tgtEgress[s.stop]! >= 0 : this.tgtDirect[s.stop] === 1) {
        const e = s.kind === 0 ? this.tgtEgress[s.stop]! : 0;
        if (t + e < this.tBest[0]!) this.setTarget(0, t + e, -1, -1, e, s.kind === 0 ? this.tgtDist[s.stop]! : 0, i, run);
      }
    });
    if (this.opts.directWalk) {
      const t = t0 + this.opts.directWalk.duration;
      if (t < this.tBest[0]!) this.setTarget(0, t, -1, -1, this.opts.directWalk.duration, this.opts.directWalk.distance, -1, run);
    }
    this.swapMarked();

    for (let k = 1; k <= K; k++) {
      // ---- collect patterns
      this.patCount = 0;
      const mask = this.opts.modeMask;
      for (let m = 0; m < this.markedCount; m++) {
        const p = this.markedList[m]!;
        for (let e = tt.spStart[p]!; e < tt.spStart[p + 1]!; e++) {
          const P = tt.spPattern[e]!;
          if (!((mask >> tt.patMode[P]!) & 1)) continue;
          const pos = tt.spPos[e]!;
          if (this.patMin[P] === INF) this.patList[this.patCount++] = P;
          if (pos < this.patMin[P]!) this.patMin[P] = pos;
          if (pos > this.patMax[P]!) this.patMax[P] = pos;
        }
      }
      const candEnd = this.cCount;
      for (let c = this.roundCandStart; c < candEnd; c++) {
        const P = tt.tripPattern[this.cToTrip[c]!]!;
        if (!((mask >> tt.patMode[P]!) & 1)) continue;
        if (this.patMin[P] === INF) this.patList[this.patCount++] = P;
        if (this.cToPos[c]! < this.patMin[P]!) this.patMin[P] = this.cToPos[c]!;
        if (this.cToPos[c]! > this.patMax[P]!) this.patMax[P] = this.cToPos[c]!;
        this.cNext[c] = this.patCand[P]!;
        this.patCand[P] = c;
      }
      this.roundCandStart = candEnd;
      if (this.patCount === 0) break;

      // ---- scan patterns
      this.improvedCount = 0;
      for (let x = 0; x < this.patCount; x++) {
        const P = this.patList[x]!;
        this.scan(P, k, this.patMin[P]!, this.patMax[P]!, wheelchair);
        this.patMin[P] = INF;
        this.patMax[P] = -1;
        this.patCand[P] = -1;
      }
      for (let m = 0; m < this.markedCount; m++) this.marked[this.markedList[m]!] = 0;

      // ---- change times and footpaths from stops reached by vehicle
      const row = k * n;
      const brd = this.brd;
      const lb = this.lb;
      const tgtDirect = this.tgtDirect;
      const fpStart = tt.fpStart;
      const fpTo = tt.fpTo;
      const fpDur = tt.fpDur;
      for (let m = 0; m < this.improvedCount; m++) {
        const p = this.improvedList[m]!;
        this.improved[p] = 0;
        const a = this.vTime[row + p]!;
        const eg = this.tgtEgress[p]!;
        if (eg >= 0 && a + eg < this.tBest[k]!) this.setTarget(k, a + eg, p, -1, eg, this.tgtDist[p]!, -1, run);
        const c = tt.changeTime[p]!;
        if (c >= 0 && this.relaxBoard(k, p, a + c, p, c, 0)) this.mark(p);
        const bound = k < K ? this.tBest[k + 1]! : -INF; // may only decrease below: relaxBoard decides
        for (let e = fpStart[p]!; e < fpStart[p + 1]!; e++) {
          const q = fpTo[e]!;
          const t = a + fpDur[e]!;
          if (t < brd[row + q]! && t + lb[q]! < bound && this.relaxBoard(k, q, t, p, fpDur[e]!, tt.fpDist[e]!)) this.mark(q);
          if (tgtDirect[q] === 1 && t < this.tBest[k]!) this.setTarget(k, t, p, q, fpDur[e]!, tt.fpDist[e]!, -1, run);
        }
      }
      this.swapMarked();
      if (this.markedCount === 0 && this.cCount === this.roundCandStart) break;
    }
    for (let m = 0; m < this.markedCount; m++) this.marked[this.markedList[m]!] = 0;
    this.markedCount = 0;

    const out: RawJourney[] = [];
    for (let k = 0; k <= K; k++) if (this.tRun[k] === run) out.push(this.reconstruct(k, t0));
    return out;
  }

  private setTarget(k: number, t: number, stop: number, via: number, walk: number, dist: number, src: number, run: number) {
    this.tTime[k] = t;
    this.tStop[k] = stop;
    this.tVia[k] = via;
    this.tWalk[k] = walk;
    this.tDist[k] = dist;
    this.tSrc[k] = src;
    this.tRun[k] = run;
    for (let r = k; r <= this.opts.maxRides && t < this.tBest[r]!; r++) this.tBest[r] = t;
  }

  /**
   * Board label at round k; `from` ≥ 0 is the stop reached by vehicle, < 0 encodes a source. Returns
   * whether the stop needs marking: the label improved and some departure at the stop lies in
   * [new time, old time), so that an earlier trip may now be caught (an improvement that catches the
   * same trips as before changes nothing downstream — this keeps rRAPTOR runs cheap).
   */
  private relaxBoard(k: number, q: number, t: number, from: number, dur: number, dist: number): boolean {
    const n = this.n;
    const i = k * n + q;
    const old = this.brd[i]!;
    // a board label is only good for another ride: it must beat the best arrival with one ride more
    const K = this.opts.maxRides;
    if (k >= K || t >= old || t + this.lb[q]! >= this.tBest[k + 1]!) return false;
    this.bTime[i] = t;
    this.bFrom[i] = from;
    this.bDur[i] = dur;
    this.bDist[i] = dist;
    for (let r = k, j = i; r <= K && t < this.brd[j]!; r++, j += n) {
      this.brd[j] = t;
      this.brdRound[j] = k;
    }
    // (single queries mark every improvement: the check costs more than it saves there; range runs,
    // which improve labels by seconds over and over, gain from it — it comes with `lowerBounds`)
    if (old >= INF || this.tt.ruleStop[q] === 1 || !this.lbOn) return true;
    // first departure at q at or after t
    const deps = this.tt.stopDep;
    let lo = this.tt.stopDepStart[q]!;
    let hi = this.tt.stopDepStart[q + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (deps[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.tt.stopDepStart[q + 1]! && deps[lo]! < old;
  }

  private mark(p: number) {
    if (this.nextMarked[p]) return;
    this.nextMarked[p] = 1;
    this.nextList[this.nextCount++] = p;
  }

  private swapMarked() {
    // next round's marked stops become the current ones; their flags are cleared for the next marking
    const l = this.markedList;
    this.markedList = this.nextList;
    this.nextList = l;
    this.markedCount = this.nextCount;
    this.nextCount = 0;
    for (let m = 0; m < this.markedCount; m++) {
      const p = this.markedList[m]!;
      this.nextMarked[p] = 0;
      this.marked[p] = 1;
    }
  }

  /**
   * Scans pattern P in round k from its first marked position. Boarding is tried only at marked stops:
   * at an unmarked stop the label has not changed since its patterns were last scanned, so any trip
   * caught there has already produced its arrivals (with fewer rides) and cannot improve anything now.
   * Without a trip, the scan ends after the last marked position.
   */
  private scan(P: number, k: number, startPos: number, lastMarked: number, wheelchair: boolean) {
    const tt = this.tt;
    const n = this.n;
    const s0 = tt.patStopStart[P]!;
    const L = tt.patStopStart[P + 1]! - s0;
    const t0 = tt.patTripStart[P]!;
    const nT = tt.patTripStart[P + 1]! - t0;
    const base = tt.patTimeBase[P]!;
    const arr = tt.arr;
    const dep = tt.dep;
    const patStops = tt.patStops;
    const patFlags = tt.patFlags;
    const arrV = this.arrV;
    const brd = this.brd;
    const tBest = this.tBest;
    const lb = this.lb;
    const row = k * n;
    const prevRow = row - n;
    const hasLinks = tt.patHasLinks[P] === 1;
    const candHead = this.patCand[P]!;
    const accessibleStop = tt.network.stopAccessible;
    const accessibleTrip = tt.tripAccessible;
    const ruleStop = tt.ruleStop;
    const marked = this.marked;
    const walkDone = this.walkDone;
    const firstBoardBy = this.opts.firstBoardBy ?? null;
    // with no ride left (k = maxRides), only walkDone stops matter: compare with an impossible bound
    const kNext = k < this.opts.maxRides ? k + 1 : this.tBestNone;
    let cur = -1;
    let curBoard = -1;
    let curSrc = 0;
    let catchIdx = nT;
    let catchPos = -1;
    let catchSrc = 0;
    this.forcedCount = 0;
    for (let i = startPos; i < L; i++) {
      if (cur < 0 && i > lastMarked) break;
      const p = patStops[s0 + i]!;
      const fl = patFlags[s0 + i]!;
      const okStop = !wheelchair || accessibleStop[p] === 1;
      if (cur >= 0) {
        if (fl & 2 && okStop) {
          const a = arr[base + cur * L + i]!;
          // reaching the destination from p needs no more ride only at walkDone stops; elsewhere one more
          if (a < arrV[row + p]! && a + lb[p]! < tBest[walkDone[p] === 1 ? k : kNext]!) {
            const x = row + p;
            this.vTime[x] = a;
            this.vTrip[x] = t0 + cur;
            this.vBoardPos[x] = curBoard;
            this.vAlightPos[x] = i;
            this.vSrc[x] = curSrc;
            for (let r = k, j = x; r <= this.opts.maxRides && a < arrV[j]!; r++, j += n) arrV[j] = a;
            if (!this.improved[p]) {
              this.improved[p] = 1;
              this.improvedList[this.improvedCount++] = p;
            }
          }
        }
        if (hasLinks) this.fireLinks(P, k, i, s0 + i, L, t0, base, fl, okStop, cur, curBoard, curSrc, catchIdx, catchPos, catchSrc, wheelchair);
      }
      if (fl & 1 && okStop && marked[p] === 1) {
        const bt = brd[prevRow + p]!;
        if (bt < INF) {
          const hi = cur >= 0 ? cur : nT;
          if (hi > 0 && (cur < 0 || bt <= dep[base + cur * L + i]!)) {
            // earliest trip j in [0, hi) with dep ≥ bt
            let lo = 0;
            let h = hi;
            while (lo < h) {
              const mid = (lo + h) >>> 1;
              if (dep[base + mid * L + i]! < bt) lo = mid + 1;
              else h = mid;
            }
            let j = lo;
            if (wheelchair) while (j < hi && accessibleTrip[t0 + j] !== 1) j++;
            if (ruleStop[p] === 1) while (j < hi && !this.allowed(prevRow + p, t0 + j, dep[base + j * L + i]!)) j++;
            // Round-0 labels are the sources': a capped first ride boards no trip leaving after the cap.
            if (k === 1 && firstBoardBy !== null && j < hi && dep[base + j * L + i]! > firstBoardBy[p]!) j = hi;
            if (j < hi) {
              cur = j;
              curBoard = i;
              curSrc = this.brdRound[prevRow + p]!;
              if (j < catchIdx) {
                catchIdx = j;
                catchPos = i;
                catchSrc = curSrc;
              }
            }
          }
        }
      }
      if (candHead >= 0) {
        for (let c = candHead; c >= 0; c = this.cNext[c]!) {
          if (this.cToPos[c] !== i) continue;
          const b = this.cToTrip[c]! - t0;
          if (dep[base + b * L + i]! < this.cTime[c]!) continue;
          if (wheelchair && (accessibleTrip[t0 + b] !== 1 || (this.cKind[c] !== 4 && !okStop))) continue;
          // Remember the trip for its own links even when an earlier trip is the better ride here.
          if (hasLinks && this.forcedCount < FORCED_MAX) {
            this.forcedTrip[this.forcedCount] = b;
            this.forcedPos[this.forcedCount] = i;
            this.forcedSrc[this.forcedCount++] = -1 - c;
          }
          if (cur >= 0 && b >= cur) continue;
          cur = b;
          curBoard = i;
          curSrc = -1 - c;
        }
      }
    }
  }

  /** Trip/route rules at a boarding: is trip `b` departing at `d` allowed after the label at `labelIdx`? */
  private allowed(labelIdx: number, b: number, d: number): boolean {
    const n = this.n;
    const p = labelIdx % n;
    const j = this.brdRound[labelIdx]!;
    const from = this.bFrom[j * n + p]!;
    if (from < 0) return true;
    const tt = this.tt;
    const a = this.vTrip[j * n + from]!;
    const net = tt.network;
    // Forward: from trip a (alighted at `from`) to trip b at p; reversed: b is the earlier trip.
    const [x, y, sx, sy] = tt.reversed ? [b, a, p, from] : [a, b, from, p];
    const rule = ruleFor(net, tt.tripNet[x]!, sx, tt.tripNet[y]!, sy);
    if (!rule) return true;
    // Trip-to-trip rules relate runs of the same service day (frequency runs excepted).
    if (rule.fromTrip >= 0 && rule.toTrip >= 0 && tt.tripFreqStart[x]! < 0 && tt.tripFreqStart[y]! < 0 && tt.tripShift[x] !== tt.tripShift[y]) return true;
    const need = transferRequirement(net, tt.tripNet[x]!, sx, tt.tripNet[y]!, sy);
    if (need === NO_RULE) return true;
    if (need === FORBIDDEN) return false;
    return d >= this.vTime[j * n + from]! + need;
  }

  private fireLinks(
    P: number,
    k: number,
    i: number,
    key: number,
    L: number,
    t0: number,
    base: number,
    fl: number,
    okStop: boolean,
    cur: number,
    curBoard: number,
    curSrc: number,
    catchIdx: number,
    catchPos: number,
    catchSrc: number,
    wheelchair: boolean,
  ) {
    const tt = this.tt;
    if (k >= this.opts.maxRides) return;
    for (let e = tt.linkStart[key]!; e < tt.linkStart[key + 1]!; e++) {
      const j = tt.linkFromTrip[e]!;
      let bp: number;
      let bs: number;
      if (j === cur) {
        bp = curBoard;
        bs = curSrc;
      } else if (j >= catchIdx) {
        bp = catchPos;
        bs = catchSrc;
      } else {
        let f = 0;
        while (f < this.forcedCount && this.forcedTrip[f] !== j) f++;
        if (f === this.forcedCount) continue;
        bp = this.forcedPos[f]!;
        bs = this.forcedSrc[f]!;
      }
      const kind = tt.linkKind[e]!;
      if (kind !== 4 && !(fl & 2 && okStop)) continue;
      if (wheelchair && tt.tripAccessible[t0 + j] !== 1) continue;
      const a = tt.arr[base + j * L + i]!;
      if (a >= this.tBest[k + 1]!) continue; // the linked trip is one more ride
      const c = this.cCount++;
      if (c >= this.cRound.length) this.growCandidates();
      this.cRound[c] = k;
      this.cTrip[c] = t0 + j;
      this.cBoardPos[c] = bp;
      this.cAlightPos[c] = i;
      this.cSrc[c] = bs;
      this.cToTrip[c] = tt.linkToTrip[e]!;
      this.cToPos[c] = tt.linkToPos[e]!;
      this.cTime[c] = a + tt.linkMin[e]!;
      this.cKind[c] = kind;
      void P;
    }
  }

  private growCandidates() {
    const g = <T extends Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as { new (n: number): T })(a.length * 2);
      b.set(a);
      return b;
    };
    this.cRound = g(this.cRound);
    this.cTrip = g(this.cTrip);
    this.cBoardPos = g(this.cBoardPos);
    this.cAlightPos = g(this.cAlightPos);
    this.cSrc = g(this.cSrc);
    this.cToTrip = g(this.cToTrip);
    this.cToPos = g(this.cToPos);
    this.cTime = g(this.cTime);
    this.cKind = g(this.cKind);
    this.cNext = g(this.cNext);
  }

  /** Segments of the round-k target label, in engine order. */
  private reconstruct(k: number, t0: number): RawJourney {
    const n = this.n;
    const segs: Segment[] = [];
    const arrival = this.tTime[k]!;
    let stop = this.tStop[k]!;
    if (stop < 0) {
      const s = this.tSrc[k]!;
      if (s < 0) segs.push({ type: 'walk', from: -1, to: -1, duration: this.tWalk[k]!, distance: this.tDist[k]!, source: -1 });
      else {
        const src = this.sources[s]!;
        if (src.kind !== 0) segs.push({ type: 'walk', from: src.kind === 1 ? src.from : -1, to: src.stop, duration: src.offset, distance: src.distance, source: s });
        else if (!this.tgtDirect[src.stop]) segs.push({ type: 'walk', from: src.stop, to: -1, duration: this.tWalk[k]!, distance: this.tDist[k]!, source: s });
      }
      return { rides: 0, start: t0, arrival, segments: segs };
    }
    // final walk
    const tail: Segment[] = [];
    if (this.tVia[k]! >= 0) tail.push({ type: 'walk', from: stop, to: this.tVia[k]!, duration: this.tWalk[k]!, distance: this.tDist[k]!, source: -1 });
    else if (this.tWalk[k]! > 0 || !this.tgtDirect[stop]) tail.push({ type: 'walk', from: stop, to: -1, duration: this.tWalk[k]!, distance: this.tDist[k]!, source: -1 });
    let round = k;
    // ride info of the current label
    let trip = this.vTrip[round * n + stop]!;
    let boardPos = this.vBoardPos[round * n + stop]!;
    let alightPos = this.vAlightPos[round * n + stop]!;
    let src = this.vSrc[round * n + stop]!;
    let start = t0;
    for (let guard = 0; guard < 4 * (this.opts.maxRides + 2); guard++) {
      const P = this.tt.tripPattern[trip]!;
      if (src < 0) {
        const c = -1 - src;
        tail.push({ type: 'ride', trip, pattern: P, boardPos, alightPos, link: this.cKind[c]! });
        trip = this.cTrip[c]!;
        boardPos = this.cBoardPos[c]!;
        alightPos = this.cAlightPos[c]!;
        src = this.cSrc[c]!;
        round = this.cRound[c]!;
        continue;
      }
      tail.push({ type: 'ride', trip, pattern: P, boardPos, alightPos, link: 0 });
      const j = src;
      const q = this.tt.patStops[this.tt.patStopStart[P]! + boardPos]!;
      const from = this.bFrom[j * n + q]!;
      if (from < 0) {
        const s = this.sources[-1 - from]!;
        if (s.kind !== 0) tail.push({ type: 'walk', from: s.kind === 1 ? s.from : -1, to: s.stop, duration: s.offset, distance: s.distance, source: -1 - from });
        start = this.bTime[j * n + q]! - s.offset;
        break;
      }
      if (from !== q) tail.push({ type: 'walk', from, to: q, duration: this.bDur[j * n + q]!, distance: this.bDist[j * n + q]!, source: -1 });
      stop = from;
      round = j;
      trip = this.vTrip[round * n + stop]!;
      boardPos = this.vBoardPos[round * n + stop]!;
      alightPos = this.vAlightPos[round * n + stop]!;
      src = this.vSrc[round * n + stop]!;
    }
    tail.reverse();
    return { rides: k, start, arrival, segments: tail };
  }
}
