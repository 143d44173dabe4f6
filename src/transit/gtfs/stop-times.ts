/**
 * stop_times.txt, the big file: parsed straight from the CSV bytes into growable typed columns (numbers
 * without intermediate strings, the previous row's trip_id compared byte-wise), then grouped by trip
 * and sorted by stop_sequence with a counting sort, and checked trip by trip.
 * Anything unusual in a field (spaces, quotes, bad values) falls back to the FileReader, which reports it.
 */
import type { CsvRow } from './csv.ts';
import { NO_TIME, NONE, type StopTimes } from './feed.ts';
import { FileReader, INVALID, formatTime, parseTimeBytes, parseUintBytes } from './fields.ts';

const FILE = 'stop_times.txt';
const NO_TIMEPOINT = 255;

function isBlankByte(c: number | undefined): boolean {
  return c === 32 || c === 9;
}

export class StopTimesBuilder {
  private n = 0;
  private cap: number;
  private trip: Int32Array;
  private stop: Int32Array;
  private seq: Int32Array;
  private arr: Int32Array;
  private dep: Int32Array;
  private lineNo: Int32Array;
  private pickup: Uint8Array;
  private drop: Uint8Array;
  private timepoint: Uint8Array;
  private headsign: Int32Array | null = null;
  private dist: Float64Array | null = null;
  private readonly headsigns: string[] = [];
  private readonly headsignIndex = new Map<string, number>();
  private anyDist = false;

  private f!: FileReader;
  private cTrip = -1;
  private cStop = -1;
  private cSeq = -1;
  private cArr = -1;
  private cDep = -1;
  private cPickup = -1;
  private cDrop = -1;
  private cTimepoint = -1;
  private cHeadsign = -1;
  private cDist = -1;

  private prevTripBytes = Buffer.alloc(256);
  private prevTripLen = -1;
  private prevTrip = NONE;

  constructor(
    private readonly tripIndex: ReadonlyMap<string, number>,
    private readonly stopIndex: ReadonlyMap<string, number>,
    /** location_type per stop index. */
    private readonly stopType: Uint8Array,
    expectedBytes: number,
  ) {
    this.cap = Math.max(1024, Math.ceil(expectedBytes / 40));
    this.trip = new Int32Array(this.cap);
    this.stop = new Int32Array(this.cap);
    this.seq = new Int32Array(this.cap);
    this.arr = new Int32Array(this.cap);
    this.dep = new Int32Array(this.cap);
    this.lineNo = new Int32Array(this.cap);
    this.pickup = new Uint8Array(this.cap);
    this.drop = new Uint8Array(this.cap);
    this.timepoint = new Uint8Array(this.cap);
  }

  /** Set once a usable header has been read. */
  started = false;

  begin(f: FileReader): void {
    this.f = f;
    this.started = true;
    this.cTrip = f.col('trip_id');
    this.cStop = f.col('stop_id');
    this.cSeq = f.col('stop_sequence');
    this.cArr = f.col('arrival_time');
    this.cDep = f.col('departure_time');
    this.cPickup = f.col('pickup_type');
    this.cDrop = f.col('drop_off_type');
    this.cTimepoint = f.col('timepoint');
    this.cHeadsign = f.col('stop_headsign');
    this.cDist = f.col('shape_dist_traveled');
    if (this.cHeadsign >= 0) this.headsign = new Int32Array(this.cap);
    if (this.cDist >= 0) this.dist = new Float64Array(this.cap);
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.trip = g32(this.trip);
    this.stop = g32(this.stop);
    this.seq = g32(this.seq);
    this.arr = g32(this.arr);
    this.dep = g32(this.dep);
    this.lineNo = g32(this.lineNo);
    this.pickup = g8(this.pickup);
    this.drop = g8(this.drop);
    this.timepoint = g8(this.timepoint);
    if (this.headsign) this.headsign = g32(this.headsign);
    if (this.dist) {
      const d = new Float64Array(cap);
      d.set(this.dist);
      this.dist = d;
    }
    this.cap = cap;
  }

  /** A plain field (no surrounding blanks, no escaped quotes) that can be read from bytes directly. */
  private plain(r: CsvRow, i: number): boolean {
    const s = r.starts[i]!;
    const e = r.ends[i]!;
    return r.quoted[i] !== 2 && (s === e || (!isBlankByte(r.buf[s]) && !isBlankByte(r.buf[e - 1])));
  }

  row(r: CsvRow): void {
    const f = this.f;
    f.row = r;
    const buf = r.buf;

    // trip_id: usually the same as on the previous row.
    const ci = this.cTrip;
    const ts = r.starts[ci]!;
    const tl = r.ends[ci]! - ts;
    let trip: number;
    let same = tl === this.prevTripLen;
    if (same) {
      const prev = this.prevTripBytes;
      for (let k = tl - 1; k >= 0; k--) {
        if (buf[ts + k] !== prev[k]) {
          same = false;
          break;
        }
      }
    }
    if (same) {
      trip = this.prevTrip;
      if (trip === NONE) f.note('foreign_key_violation', 'trip_id', f.str(ci), `trip_id "${f.str(ci)}" is not in trips.txt.`);
    } else {
      const id = f.req(ci, 'trip_id');
      if (id === '') return;
      trip = this.tripIndex.get(id) ?? NONE;
      if (trip === NONE) f.note('foreign_key_violation', 'trip_id', id, `trip_id "${id}" is not in trips.txt.`);
      if (tl <= 256 && this.plain(r, ci)) {
        buf.copy(this.prevTripBytes, 0, ts, ts + tl);
        this.prevTripLen = tl;
        this.prevTrip = trip;
      } else this.prevTripLen = -1;
    }

    // stop_id
    let stop: number;
    {
      const id = this.plain(r, this.cStop) ? r.text(this.cStop) : f.str(this.cStop);
      if (id === '') {
        f.missing('stop_id');
        stop = NONE;
      } else {
        stop = this.stopIndex.get(id) ?? NONE;
        if (stop === NONE) f.note('foreign_key_violation', 'stop_id', id, `stop_id "${id}" is not in stops.txt.`);
        else if (this.stopType[stop] !== 0) {
          f.note('location_with_unexpected_stop_time', 'stop_id', id, `stop_id "${id}" has location_type ${this.stopType[stop]}; stop_times may only use stops (location_type 0).`);
        }
      }
    }

    // stop_sequence
    let seq = parseUintBytes(buf, r.starts[this.cSeq]!, r.ends[this.cSeq]!);
    if (seq < 0) {
      const v = f.int(this.cSeq, 'stop_sequence', { required: true, min: 0 });
      if (v === null) return;
      seq = v;
    }

    let arr = this.cArr < 0 ? NO_TIME : parseTimeBytes(buf, r.starts[this.cArr]!, r.ends[this.cArr]!);
    if (arr === INVALID) arr = f.time(this.cArr, 'arrival_time');
    let dep = this.cDep < 0 ? NO_TIME : parseTimeBytes(buf, r.starts[this.cDep]!, r.ends[this.cDep]!);
    if (dep === INVALID) dep = f.time(this.cDep, 'departure_time');
    if (arr === INVALID || dep === INVALID) {
      arr = arr === INVALID ? NO_TIME : arr;
      dep = dep === INVALID ? NO_TIME : dep;
    } else if (arr === NO_TIME && dep !== NO_TIME) {
      f.note('stop_time_with_only_arrival_or_departure_time', 'arrival_time', null, 'arrival_time is empty but departure_time is not; the departure time is used for both.');
      arr = dep;
    } else if (dep === NO_TIME && arr !== NO_TIME) {
      f.note('stop_time_with_only_arrival_or_departure_time', 'departure_time', null, 'departure_time is empty but arrival_time is not; the arrival time is used for both.');
      dep = arr;
    } else if (dep < arr) {
      f.note(
        'stop_time_with_departure_before_arrival_time',
        'departure_time',
        formatTime(dep),
        `departure_time ${formatTime(dep)} is before arrival_time ${formatTime(arr)} at the same stop.`,
      );
    }

    const pickup = this.small(r, this.cPickup, 'pickup_type', 3, 0);
    const drop = this.small(r, this.cDrop, 'drop_off_type', 3, 0);
    const timepoint = this.cTimepoint < 0 ? NO_TIMEPOINT : this.small(r, this.cTimepoint, 'timepoint', 1, NO_TIMEPOINT);

    if (this.n === this.cap) this.grow();
    const k = this.n++;
    this.trip[k] = trip;
    this.stop[k] = stop;
    this.seq[k] = seq;
    this.arr[k] = arr;
    this.dep[k] = dep;
    this.lineNo[k] = r.line;
    this.pickup[k] = pickup;
    this.drop[k] = drop;
    this.timepoint[k] = timepoint;
    if (this.headsign) {
      const h = f.str(this.cHeadsign);
      if (h === '') this.headsign[k] = -1;
      else {
        let hi = this.headsignIndex.get(h);
        if (hi === undefined) {
          hi = this.headsigns.length;
          this.headsigns.push(h);
          this.headsignIndex.set(h, hi);
        }
        this.headsign[k] = hi;
      }
    }
    if (this.dist) {
      const d = f.float(this.cDist, 'shape_dist_traveled', { min: 0 });
      if (d !== null) this.anyDist = true;
      this.dist[k] = d ?? Number.NaN;
    }
  }

  /** A one-digit enum (pickup_type, drop_off_type, timepoint) read from bytes when plain. */
  private small(r: CsvRow, i: number, field: string, max: number, def: number): number {
    if (i < 0) return def;
    const s = r.starts[i]!;
    const e = r.ends[i]!;
    if (s === e) return def;
    if (e - s === 1) {
      const v = r.buf[s]! - 48;
      if (v >= 0 && v <= max) return v;
    }
    return this.f.enumInt(i, field, (v) => v >= 0 && v <= max, def);
  }

  /**
   * Groups rows by trip (dropping rows of unknown trips), sorts each trip by stop_sequence, checks
   * each trip and returns the columns. `used` marks every stop a stop_time calls at.
   */
  finish(tripCount: number, tripIds: readonly string[]): { stopTimes: StopTimes; used: Uint8Array } {
    const f = this.f;
    const sink = f.sink;
    const n = this.n;
    const tripStart = new Int32Array(tripCount + 1);
    for (let k = 0; k < n; k++) {
      const t = this.trip[k]!;
      if (t >= 0) tripStart[t + 1]!++;
    }
    for (let t = 0; t < tripCount; t++) tripStart[t + 1]! += tripStart[t]!;
    const total = tripStart[tripCount]!;
    const perm = new Int32Array(total);
    const pos = tripStart.slice(0, tripCount);
    for (let k = 0; k < n; k++) {
      const t = this.trip[k]!;
      if (t >= 0) perm[pos[t]!++] = k;
    }
    const seq = this.seq;
    for (let t = 0; t < tripCount; t++) {
      const s = tripStart[t]!;
      const e = tripStart[t + 1]!;
      let sorted = true;
      for (let k = s + 1; k < e; k++) {
        if (seq[perm[k]!]! <= seq[perm[k - 1]!]!) {
          sorted = false;
          break;
        }
      }
      if (sorted) continue;
      const slice = Array.from(perm.subarray(s, e)).sort((a, b) => seq[a]! - seq[b]! || a - b);
      perm.set(slice, s);
      for (let k = s + 1; k < e; k++) {
        const a = perm[k - 1]!;
        const b = perm[k]!;
        if (seq[a] === seq[b]) {
          sink.add('duplicate_key', FILE, this.lineNo[b]!, 'stop_sequence', String(seq[b]), `trip_id "${tripIds[t]}" has stop_sequence ${seq[b]} twice (also on line ${this.lineNo[a]}).`);
        }
      }
    }

    const out: StopTimes = {
      count: total,
      tripStart,
      stop: new Int32Array(total),
      sequence: new Int32Array(total),
      arrival: new Int32Array(total),
      departure: new Int32Array(total),
      pickupType: new Uint8Array(total),
      dropOffType: new Uint8Array(total),
      headsign: null,
      shapeDistTraveled: null,
    };
    const lines = new Int32Array(total);
    const timepoint = new Uint8Array(total);
    for (let k = 0; k < total; k++) {
      const r = perm[k]!;
      out.stop[k] = this.stop[r]!;
      out.sequence[k] = seq[r]!;
      out.arrival[k] = this.arr[r]!;
      out.departure[k] = this.dep[r]!;
      out.pickupType[k] = this.pickup[r]!;
      out.dropOffType[k] = this.drop[r]!;
      lines[k] = this.lineNo[r]!;
      timepoint[k] = this.timepoint[r]!;
    }
    if (this.headsign && this.headsigns.length > 0) {
      const hs: (string | null)[] = new Array(total);
      for (let k = 0; k < total; k++) {
        const h = this.headsign[perm[k]!]!;
        hs[k] = h < 0 ? null : this.headsigns[h]!;
      }
      out.headsign = hs;
    }
    if (this.dist && this.anyDist) {
      const d = new Float64Array(total);
      for (let k = 0; k < total; k++) d[k] = this.dist[perm[k]!]!;
      out.shapeDistTraveled = d;
    }

    // Per-trip checks, in stop_sequence order.
    const { arrival, departure } = out;
    const dist = out.shapeDistTraveled;
    for (let t = 0; t < tripCount; t++) {
      const s = tripStart[t]!;
      const e = tripStart[t + 1]!;
      if (e - s === 0) continue;
      const tripId = tripIds[t]!;
      if (e - s === 1) {
        sink.add('unusable_trip', FILE, lines[s]!, 'trip_id', tripId, `trip_id "${tripId}" has only one stop_time; a trip needs at least two stops to be usable.`);
      }
      for (const [k, edge] of [
        [s, 'first'],
        [e - 1, 'last'],
      ] as const) {
        if (arrival[k] === NO_TIME || departure[k] === NO_TIME) {
          sink.add('missing_trip_edge', FILE, lines[k]!, 'arrival_time', null, `The ${edge} stop of trip_id "${tripId}" must have arrival_time and departure_time.`);
        }
        if (e - s === 1) break;
      }
      let prevDep = NO_TIME;
      let prevLine = 0;
      for (let k = s; k < e; k++) {
        const a = arrival[k]!;
        if (timepoint[k] === 1 && a === NO_TIME) {
          sink.add('stop_time_timepoint_without_times', FILE, lines[k]!, 'arrival_time', null, `trip_id "${tripId}" stop_sequence ${out.sequence[k]} is a timepoint (timepoint = 1) without times.`);
        }
        if (a !== NO_TIME && prevDep !== NO_TIME && a < prevDep) {
          sink.add(
            'stop_time_with_arrival_before_previous_departure_time',
            FILE,
            lines[k]!,
            'arrival_time',
            formatTime(a),
            `trip_id "${tripId}" arrives at stop_sequence ${out.sequence[k]} at ${formatTime(a)}, before it left the previous stop at ${formatTime(prevDep)} (line ${prevLine}).`,
          );
        }
        const d = departure[k]!;
        if (d !== NO_TIME) {
          prevDep = d;
          prevLine = lines[k]!;
        }
        if (dist && k > s) {
          const cur = dist[k]!;
          const prev = dist[k - 1]!;
          if (!Number.isNaN(cur) && !Number.isNaN(prev) && cur <= prev) {
            sink.add(
              'decreasing_or_equal_stop_time_distance',
              FILE,
              lines[k]!,
              'shape_dist_traveled',
              String(cur),
              `trip_id "${tripId}" shape_dist_traveled ${cur} is not greater than ${prev} at the previous stop.`,
            );
          }
        }
      }
    }

    const used = new Uint8Array(this.stopType.length);
    for (let k = 0; k < total; k++) {
      const st = out.stop[k]!;
      if (st >= 0) used[st] = 1;
    }
    return { stopTimes: out, used };
  }
}
