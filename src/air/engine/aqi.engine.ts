/**
 * China AQI (HJ 633-2012 and HJ 633-2026) and US EPA AQI — pure and exact.
 *
 * Exactness: every concentration is turned into an integer number of milli-units (µg/m³ × 1000, CO mg/m³ × 1000)
 * and means are kept as fractions sum/count, so breakpoint choice, the ceiling of HJ 633 ("计算结果全部进位取整数")
 * and GB/T 8170 rounding are integer arithmetic. Floating point would give ceil(50 + 50·(2.2−2)/(4−2)·…) wrong
 * answers such as CO 2.2 mg/m³ (24-h) → 56 instead of 55.
 * Numbers given as JS numbers are converted with Math.round(v × 1000), exact for any decimal with at most three
 * fractional digits; use parseMilli() on the original text to avoid even that step.
 *
 * No I/O, no clock: the standard is chosen from the observation time passed in.
 */
import type { Pollutant } from '../model.ts';
import {
  IAQI_STEPS,
  breakpoints,
  categories,
  chinaColors,
  epaCategories,
  epaColors,
  epaPm10,
  epaPm25Tenths,
  tableOrder,
  type ChinaStandard,
  type Kind,
  type Level,
  type Standard,
} from './aqi.tables.ts';

export type { ChinaStandard, Kind, Level, Standard } from './aqi.tables.ts';
export { tableOrder } from './aqi.tables.ts';

/** A concentration: a number in µg/m³ (CO mg/m³); null or undefined = missing (NA). */
export type Conc = number | null | undefined;

export type AqiResult = {
  /** null when no AQI can be computed or the completeness rules publish none. */
  aqi: number | null;
  /** IAQI of every pollutant that had a value (after the standard's substitutions). */
  iaqi: Partial<Record<Pollutant, number>>;
  /** Pollutants whose IAQI equals the AQI when AQI > 50, in HJ 633 table order (SO2, NO2, PM10, CO, O3, PM2.5). */
  primary: Pollutant[];
  level: Level | null;
  category: { zh: string; en: string } | null;
  color: string | null;
  standard: Standard;
  /** Machine-readable remarks, e.g. 'so2-1h>800:used-24h', 'missing:co', 'na:incomplete<=100'. */
  notes: string[];
};

// ---------------------------------------------------------------- standard choice

/** 2026-03-01T00:00:00+08:00 in epoch milliseconds. */
const HJ2026_FROM_MS = Date.UTC(2026, 1, 28, 16, 0, 0);

/**
 * HJ 633-2026 applies to observations from 2026-03-01 00:00 Asia/Shanghai (issue 4). `time` is an ISO 8601
 * instant; without an offset it is read as Asia/Shanghai local time (the platform's convention). The hour is
 * labelled by its end, so timepoint 2026-03-01T00:00 (the hour 23:00–24:00 of 28 February) is already 2026:
 * the rule is applied to the label, as the platform labels its data.
 */
export function standardFor(time: string): ChinaStandard {
  return instantMs(time) >= HJ2026_FROM_MS ? 'hj633-2026' : 'hj633-2012';
}

/** Epoch ms of an ISO-like time; accepts 2026-03-15T08:00:00+08:00, 2026-03-15T08:00:00, 2026-03-15T0800, 2026-03-15 08:00. */
export function instantMs(time: string): number {
  const mt = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(time.trim());
  if (!mt) throw new RangeError(`unreadable time: ${time}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', tz] = mt;
  let offsetMin = 8 * 60;
  if (tz === 'Z') offsetMin = 0;
  else if (tz) {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMin * 60_000;
}

// ---------------------------------------------------------------- exact arithmetic

/** Exact milli-units from a decimal string ('2.2' → 2200); null for NA, '/', '' or anything not a plain decimal. */
export function parseMilli(text: string): number | null {
  const mt = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(text);
  if (!mt) return null;
  const frac = (mt[2] ?? '').padEnd(4, '0');
  // A fourth decimal rounds half up at the third: a deliberate, documented limit of the milli scale.
  const milli = Number(mt[1]) * 1000 + Number(frac.slice(0, 3));
  return Number(frac[3]) >= 5 ? milli + 1 : milli;
}

export function toMilli(v: number): number {
  return Math.round(v * 1000);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a) || 1;
}

function ceilDiv(a: number, b: number): number {
  // a ≥ 0, b > 0, both integers below 2^53
  return Math.floor((a + b - 1) / b);
}

/**
 * GB/T 8170 rounding (四舍六入五成双 — round half to even) of num/den milli-units to a multiple of `unit`
 * milli-units (1000 = integer, 100 = one decimal). Returns milli-units.
 */
export function roundGbt8170(num: number, den: number, unit: number): number {
  const q = den * unit;
  const k = Math.floor(num / q);
  const twiceRem = 2 * (num - k * q);
  if (twiceRem > q || (twiceRem === q && k % 2 === 1)) return (k + 1) * unit;
  return k * unit;
}

/** Rounding unit of a pollutant under HJ 633-2026 (integers; CO one decimal). */
function unitOf(p: Pollutant): number {
  return p === 'co' ? 100 : 1000;
}

/**
 * IAQI of the concentration num/den milli-units against a breakpoint row: IL + ⌈(IH−IL)(C−BPL)/(BPH−BPL)⌉.
 * Returns -1 when C is above the last breakpoint of the row.
 */
export function iaqiExact(bp: readonly number[], num: number, den = 1): number {
  if (num <= 0) return 0;
  for (let i = 1; i < bp.length; i++) {
    const hi = bp[i]! * den;
    if (num <= hi) {
      const lo = bp[i - 1]! * den;
      const il = IAQI_STEPS[i - 1]!;
      const ih = IAQI_STEPS[i]!;
      return il + ceilDiv((ih - il) * (num - lo), hi - lo);
    }
  }
  return -1;
}

// ---------------------------------------------------------------- single IAQI

/**
 * IAQI of one concentration (µg/m³, CO mg/m³) for a pollutant and averaging period under a China standard.
 * Applies the standard's own rules for that single value: 2026 rounds first (GB/T 8170), 2026 SO2 1-h > 800 →
 * 200, 2026 O3 8-h > 800 → 300. Returns null when the 2012 standard gives no IAQI for this value alone
 * (SO2 1-h > 800 and O3 8-h > 800 defer to another average) or the pollutant has no row for that period.
 * Above the last breakpoint of other rows the IAQI is capped at 500.
 */
export function iaqi(pollutant: Pollutant, value: number, kind: Kind, standard: ChinaStandard): number | null {
  return iaqiMilli(pollutant, toMilli(value), 1, kind, standard);
}

function iaqiMilli(p: Pollutant, num: number, den: number, kind: Kind, std: ChinaStandard): number | null {
  const bp = breakpoints(std, p, kind);
  if (!bp) return null;
  if (std === 'hj633-2026') {
    num = roundGbt8170(num, den, unitOf(p));
    den = 1;
  }
  const v = iaqiExact(bp, num, den);
  if (v >= 0) return v;
  if (p === 'so2' && kind === '1h') return std === 'hj633-2026' ? 200 : null;
  if (p === 'o3' && kind === '8h') return std === 'hj633-2026' ? 300 : null;
  return 500;
}

// ---------------------------------------------------------------- result assembly

export function levelOf(aqi: number): Level {
  return aqi <= 50 ? 1 : aqi <= 100 ? 2 : aqi <= 150 ? 3 : aqi <= 200 ? 4 : aqi <= 300 ? 5 : 6;
}

function finish(iq: Partial<Record<Pollutant, number>>, aqi: number | null, standard: Standard, notes: string[]): AqiResult {
  if (aqi === null) return { aqi: null, iaqi: iq, primary: [], level: null, category: null, color: null, standard, notes };
  const primary: Pollutant[] = [];
  if (aqi > 50) for (const p of tableOrder) if (iq[p] === aqi) primary.push(p);
  const level = levelOf(aqi);
  const epa = standard === 'epa';
  return {
    aqi,
    iaqi: iq,
    primary,
    level,
    category: (epa ? epaCategories : categories)[level],
    color: (epa ? epaColors : chinaColors)[level],
    standard,
    notes,
  };
}

// ---------------------------------------------------------------- completeness

/**
 * How missing pollutants affect publication.
 *  - 'any':    AQI = max of the IAQIs available (at least one).
 *  - 'all':    NA unless all six are available (or exempt / not monitored).
 *  - 'above-100': HJ 633-2026 rule — with a non-exempt pollutant missing, the AQI from the others is
 *    published only when it is above 100 (a missing value can only raise it), otherwise NA. The 2022 snapshot
 *    shows the platform already applied it under HJ 633-2012 (11 AQIs > 100 published with values missing,
 *    34 AQIs ≤ 100 withheld), so it is the default for both; 2012 has no exemptions.
 */
export type Completeness = 'any' | 'all' | 'above-100';

export type AqiOptions = {
  /** Force a standard; otherwise chosen by `time` (standardFor), and HJ 633-2012 when neither is given. */
  standard?: ChinaStandard;
  time?: string;
  /**
   * Per-station exemptions for HJ 633-2026: pollutants not in the station's monitoring plan and not primary at
   * light pollution or worse for three years. Missing values of exempt pollutants never block publication.
   * Default under 2026: DEFAULT_EXEMPT (PM10 — see its comment); under 2012: none.
   */
  exempt?: readonly Pollutant[] | 'all' | 'none';
  /** Override the completeness rule (default 'above-100'). */
  completeness?: Completeness;
};

/**
 * Default exemption when the caller has no station data: PM10. Measured on the 2026-03-15T08 snapshot
 * (docs/aqi-match-report.md): of the rows whose AQI from the other pollutants is ≤ 100 and that have a 1-hour
 * value NA, the platform published the AQI for 116 of 120 rows missing PM10 and for none of the 10 rows missing
 * CO, PM2.5 or SO2. Only an exemption of PM10 reproduces that (exempting all gives 10 wrong AQIs, exempting none
 * 116). The rule itself is per station; callers with station data pass `exempt`.
 */
export const DEFAULT_EXEMPT: readonly Pollutant[] = ['pm10'];

function resolveStandard(opts: AqiOptions | undefined): ChinaStandard {
  if (opts?.standard) return opts.standard;
  if (opts?.time) return standardFor(opts.time);
  return 'hj633-2012';
}

function publish(
  iq: Partial<Record<Pollutant, number>>,
  allMissing: Pollutant[],
  notMonitored: readonly Pollutant[] | undefined,
  std: ChinaStandard,
  opts: AqiOptions | undefined,
  notes: string[],
): number | null {
  let aqi = -1;
  for (const p of tableOrder) {
    const v = iq[p];
    if (v !== undefined && v > aqi) aqi = v;
  }
  if (aqi < 0) {
    notes.push('na:no-pollutant');
    return null;
  }
  for (const p of allMissing) notes.push(notMonitored?.includes(p) ? `not-monitored:${p}` : `missing:${p}`);
  // '/' = not in the monitoring plan: exempt by definition (HJ 633-2026 exemption, first condition).
  const missing = notMonitored ? allMissing.filter((p) => !notMonitored.includes(p)) : allMissing;
  if (missing.length === 0) return aqi;
  const rule = opts?.completeness ?? 'above-100';
  if (rule === 'any') return aqi;
  if (rule === 'all') {
    notes.push('na:incomplete');
    return null;
  }
  const ex = opts?.exempt ?? (std === 'hj633-2026' ? DEFAULT_EXEMPT : 'none');
  const blocking = ex === 'all' ? [] : ex === 'none' ? missing : missing.filter((p) => !ex.includes(p));
  if (blocking.length === 0 || aqi > 100) return aqi;
  notes.push('na:incomplete<=100');
  return null;
}

// ---------------------------------------------------------------- real-time (hourly) AQI

export type HourlyConcentrations = {
  pm25?: Conc;
  pm10?: Conc;
  so2?: Conc;
  no2?: Conc;
  co?: Conc;
  o3?: Conc;
  /** 24-hour moving SO2 mean, used by HJ 633-2012 when the 1-hour SO2 exceeds 800 µg/m³. */
  so2_24h?: Conc;
  /** Pollutants marked '/' (not in the station's monitoring plan): never block publication. */
  notMonitored?: readonly Pollutant[];
};

/**
 * Real-time (hourly) AQI as the national platform publishes it: SO2, NO2, CO and O3 1-hour concentrations
 * against their 1-hour rows, PM2.5 and PM10 1-hour concentrations against the 24-hour rows (the standard has
 * no 1-hour PM rows; verified on both snapshots: e.g. 1001A 2022-01-01T10 PM10 98 → IAQI 74 = published AQI).
 * HJ 633-2012: SO2 1-h > 800 → IAQI of `so2_24h` (24-hour row). HJ 633-2026: SO2 1-h > 800 → 200.
 */
export function realtimeAqi(row: HourlyConcentrations, opts?: AqiOptions): AqiResult {
  const means: RealtimeMeans = {};
  for (const key of MEAN_KEYS) {
    const c = row[key];
    if (c !== null && c !== undefined && Number.isFinite(c) && c >= 0) means[key] = { num: toMilli(c), den: 1 };
  }
  return realtimeFromMeans(means, row.notMonitored, opts);
}

/** Concentrations as exact fractions of milli-units: one station's values (den 1), or the mean of a city's stations. */
type RealtimeMeans = Partial<Record<Pollutant | 'so2_24h', Mean>>;
const MEAN_KEYS = [...tableOrder, 'so2_24h'] as const;

/** The real-time rules on (mean) 1-hour concentrations: shared by a station's and a city's AQI. */
function realtimeFromMeans(means: RealtimeMeans, notMonitored: readonly Pollutant[] | undefined, opts?: AqiOptions): AqiResult {
  const std = resolveStandard(opts);
  const iq: Partial<Record<Pollutant, number>> = {};
  const notes: string[] = [];
  const missing: Pollutant[] = [];
  for (const p of tableOrder) {
    const mean = means[p];
    if (!mean) {
      missing.push(p);
      continue;
    }
    let v = iaqiMilli(p, mean.num, mean.den, p === 'pm25' || p === 'pm10' ? '24h' : '1h', std);
    if (v === null && p === 'so2') {
      // HJ 633-2012 Table 1 note: SO2 1-h above 800 is not indexed; report the 24-hour IAQI instead.
      const d = means.so2_24h;
      if (!d) {
        notes.push('so2-1h>800:no-24h');
        missing.push(p);
        continue;
      }
      notes.push('so2-1h>800:used-24h');
      v = iaqiMilli('so2', d.num, d.den, '24h', std);
    } else if (p === 'so2' && std === 'hj633-2026' && mean.num > 800_000 * mean.den) notes.push('so2-1h>800:iaqi-200');
    if (v !== null) iq[p] = v;
  }
  return finish(iq, publish(iq, missing, notMonitored, std, opts, notes), std, notes);
}

/**
 * Allocation-free core for hot loops (benchmarks, bulk recomputation): the real-time AQI of one station-hour from
 * milli-unit integers in HJ 633 table order (so2, no2, pm10, co, o3, pm25) at `offset` of `milli`; a negative
 * value means missing (NA). Returns the AQI, or -1 when none is published. Same rules and defaults as realtimeAqi
 * (completeness per standard, DEFAULT_EXEMPT), without '/' flags or notes.
 */
/** DEFAULT_EXEMPT as a mask in table order, for the packed path. */
const PACKED_EXEMPT_2026: readonly boolean[] = tableOrder.map((p) => DEFAULT_EXEMPT.includes(p));

export function realtimeAqiPacked(milli: ArrayLike<number>, offset: number, std: ChinaStandard, so2_24hMilli = -1): number {
  const tables = std === 'hj633-2026' ? PACKED_2026 : PACKED_2012;
  const r26 = std === 'hj633-2026';
  let aqi = -1;
  let missing = false;
  for (let j = 0; j < 6; j++) {
    let num = milli[offset + j]!;
    if (num < 0) {
      // DEFAULT_EXEMPT never blocks under 2026; under 2012 nothing is exempt.
      if (!r26 || !PACKED_EXEMPT_2026[j]) missing = true;
      continue;
    }
    if (r26) {
      const unit = j === 3 ? 100 : 1000;
      if (num % unit !== 0) num = roundGbt8170(num, 1, unit);
    }
    const bp = tables[j]!;
    let v = -1;
    if (num === 0) v = 0;
    else
      for (let i = 1; i < bp.length; i++) {
        const hi = bp[i]!;
        if (num <= hi) {
          const lo = bp[i - 1]!;
          const il = PACKED_STEPS[i - 1]!;
          v = il + Math.floor(((PACKED_STEPS[i]! - il) * (num - lo) + (hi - lo) - 1) / (hi - lo));
          break;
        }
      }
    if (v < 0) {
      if (j !== 0) v = 500;
      else if (r26) v = 200;
      else if (so2_24hMilli < 0) {
        missing = true;
        continue;
      } else v = iaqiMilli('so2', so2_24hMilli, 1, '24h', std)!;
    }
    if (v > aqi) aqi = v;
  }
  if (missing && aqi <= 100) return -1;
  return aqi;
}

const PACKED_STEPS = Int32Array.from(IAQI_STEPS);
const packedTables = (std: ChinaStandard): Int32Array[] =>
  tableOrder.map((p) => Int32Array.from(breakpoints(std, p, p === 'pm25' || p === 'pm10' ? '24h' : '1h')!));
const PACKED_2012 = packedTables('hj633-2012');
const PACKED_2026 = packedTables('hj633-2026');

// ---------------------------------------------------------------- daily AQI

/** Exact mean as a fraction of milli-units. */
export type Mean = { num: number; den: number };

export type DailyMeans = {
  pm25?: Conc | Mean;
  pm10?: Conc | Mean;
  so2?: Conc | Mean;
  no2?: Conc | Mean;
  co?: Conc | Mean;
  /** Daily maximum 8-hour moving mean of O3. */
  o3_8h?: Conc | Mean;
  /** Daily maximum 1-hour O3, used by HJ 633-2012 when the 8-hour maximum exceeds 800 µg/m³. */
  o3_1h?: Conc | Mean;
};

function asMean(c: Conc | Mean): Mean | null {
  if (c === null || c === undefined) return null;
  if (typeof c === 'number') return Number.isFinite(c) && c >= 0 ? { num: toMilli(c), den: 1 } : null;
  return c.den > 0 ? c : null;
}

/**
 * Daily AQI from 24-hour means (SO2, NO2, PM10, CO, PM2.5 against their 24-hour rows) and the O3 daily maximum
 * 8-hour mean (8-hour row). HJ 633-2012: O3 8-h > 800 → IAQI of the daily maximum 1-hour O3 (1-hour row).
 * HJ 633-2026: O3 8-h > 800 → 300. Completeness as in realtimeAqi.
 */
export function dailyAqi(means: DailyMeans, opts?: AqiOptions): AqiResult {
  const std = resolveStandard(opts);
  const iq: Partial<Record<Pollutant, number>> = {};
  const notes: string[] = [];
  const missing: Pollutant[] = [];
  for (const p of tableOrder) {
    const mean = asMean(p === 'o3' ? means.o3_8h : means[p]);
    if (!mean) {
      missing.push(p);
      continue;
    }
    let v = iaqiMilli(p, mean.num, mean.den, p === 'o3' ? '8h' : '24h', std);
    if (v === null && p === 'o3') {
      const h = asMean(means.o3_1h);
      if (!h) {
        notes.push('o3-8h>800:no-1h');
        missing.push(p);
        continue;
      }
      notes.push('o3-8h>800:used-1h');
      v = iaqiMilli('o3', h.num, h.den, '1h', std);
    } else if (p === 'o3' && v === 300 && std === 'hj633-2026' && mean.num > 800_000 * mean.den) notes.push('o3-8h>800:iaqi-300');
    if (v !== null) iq[p] = v;
  }
  return finish(iq, publish(iq, missing, undefined, std, opts, notes), std, notes);
}

export type DailyFromHourly = {
  means: DailyMeans;
  /** Valid hourly values per pollutant, and valid 8-hour O3 windows. */
  counts: Record<Pollutant, number> & { o3_8hWindows: number };
  result: AqiResult;
};

/**
 * Daily means from the 24 hourly values of one day (index 0 = the hour ending 01:00, index 23 = ending 24:00),
 * with GB 3095-2012 validity rules: a 24-hour mean needs ≥ 20 hourly values; an 8-hour O3 mean needs ≥ 6 of
 * its 8 hours; the daily maximum 8-hour mean is taken over the 17 windows ending 08:00 … 24:00 (windows
 * starting 00:00 … 16:00, all inside the day) and needs ≥ 14 valid windows. The O3 1-hour maximum (needed by
 * 2012 above 800) needs ≥ 20 hourly values as well. Means are exact fractions.
 */
export function dailyFromHourly(hours: readonly HourlyConcentrations[], opts?: AqiOptions): DailyFromHourly {
  if (hours.length !== 24) throw new RangeError(`dailyFromHourly needs 24 hourly rows, got ${hours.length}`);
  const means: DailyMeans = {};
  const counts = { so2: 0, no2: 0, pm10: 0, co: 0, o3: 0, pm25: 0, o3_8hWindows: 0 };
  const milli = (c: Conc): number => (c === null || c === undefined || !Number.isFinite(c) || c < 0 ? -1 : toMilli(c));
  for (const p of tableOrder) {
    let sum = 0;
    let n = 0;
    for (const h of hours) {
      const v = milli(h[p]);
      if (v >= 0) {
        sum += v;
        n++;
      }
    }
    counts[p] = n;
    if (p !== 'o3' && n >= 20) means[p] = { num: sum, den: n };
  }
  const o3 = hours.map((h) => milli(h.o3));
  let best: Mean | null = null;
  for (let end = 8; end <= 24; end++) {
    let sum = 0;
    let n = 0;
    for (let i = end - 8; i < end; i++)
      if (o3[i]! >= 0) {
        sum += o3[i]!;
        n++;
      }
    if (n < 6) continue;
    counts.o3_8hWindows++;
    if (!best || sum * best.den > best.num * n) best = { num: sum, den: n };
  }
  if (best && counts.o3_8hWindows >= 14) means.o3_8h = best;
  if (counts.o3 >= 20) means.o3_1h = { num: Math.max(...o3), den: 1 };
  return { means, counts, result: dailyAqi(means, opts) };
}

// ---------------------------------------------------------------- city value

/**
 * City real-time AQI: per pollutant the exact mean of the stations' concentrations (stations missing a pollutant
 * are left out of that mean), then the IAQIs and AQI (HJ 633: 城市…浓度为各监测点位浓度的算术平均). Under
 * HJ 633-2026 the mean is rounded per GB/T 8170 before the IAQI.
 */
export function cityRealtimeAqi(stations: readonly HourlyConcentrations[], opts?: AqiOptions): AqiResult {
  const means: RealtimeMeans = {};
  for (const key of MEAN_KEYS) {
    let sum = 0;
    let n = 0;
    for (const s of stations) {
      const c = s[key];
      if (c !== null && c !== undefined && Number.isFinite(c) && c >= 0) {
        sum += toMilli(c);
        n++;
      }
    }
    if (n > 0) means[key] = { num: sum, den: n };
  }
  // '/' flags do not reach the city value: the caller folds them into the city's exemptions.
  return realtimeFromMeans(means, undefined, opts);
}

/** City daily AQI: mean of the stations' daily means per pollutant (exact), then dailyAqi. */
export function cityDailyAqi(stations: readonly DailyMeans[], opts?: AqiOptions): AqiResult {
  const out: DailyMeans = {};
  for (const key of ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3_8h', 'o3_1h'] as const) {
    // Mean of fractions a_i/b_i, kept exact over the least common denominator (station means have 20–24
    // hours, so it stays ≤ lcm(1..24)·stations and far inside 2^53 for real cities; checked below).
    let num = 0;
    let den = 1;
    let n = 0;
    for (const s of stations) {
      const m = asMean(s[key]);
      if (!m) continue;
      const l = (den / gcd(den, m.den)) * m.den;
      num = num * (l / den) + m.num * (l / m.den);
      den = l;
      n++;
    }
    if (n === 0) continue;
    const g = gcd(num, den * n);
    const mean = { num: num / g, den: (den * n) / g };
    if (!Number.isSafeInteger(mean.num * 500) || !Number.isSafeInteger(mean.den * 1_200_000 * 500))
      throw new RangeError(`cityDailyAqi: ${key} mean ${mean.num}/${mean.den} is too large for exact arithmetic`);
    out[key] = mean;
  }
  return dailyAqi(out, opts);
}

// ---------------------------------------------------------------- US EPA

export type EpaInput = {
  /** PM2.5 µg/m³ (24-hour mean or NowCast), truncated to 0.1. */
  pm25?: Conc;
  /** PM10 µg/m³ (24-hour mean or NowCast), truncated to an integer. */
  pm10?: Conc;
};

function epaIndex(rows: readonly (readonly [number, number, number, number])[], c: number): number {
  for (const [cl, ch, il, ih] of rows) {
    if (c <= ch) {
      // I = (IH−IL)/(CH−CL)·(C−CL) + IL, rounded half up: floor((2·num + den) / (2·den)).
      const num = (ih - il) * (c - cl) + il * (ch - cl);
      const den = ch - cl;
      return Math.floor((2 * num + den) / (2 * den));
    }
  }
  return 500; // beyond the AQI
}

/**
 * US EPA AQI for PM2.5 and PM10 (µg/m³) per the AirNow Technical Assistance Document with the 2024 PM2.5
 * breakpoints: concentrations truncated (PM2.5 to 0.1, PM10 to 1), index rounded half up. Gases are not
 * computed: their EPA breakpoints are in ppb/ppm and converting µg/m³ needs a temperature convention.
 */
export function epaAqi(input: EpaInput): AqiResult {
  const iq: Partial<Record<Pollutant, number>> = {};
  const notes: string[] = [];
  if (input.pm25 !== null && input.pm25 !== undefined && Number.isFinite(input.pm25) && input.pm25 >= 0)
    iq.pm25 = epaIndex(epaPm25Tenths, Math.floor(toMilli(input.pm25) / 100));
  else notes.push('missing:pm25');
  if (input.pm10 !== null && input.pm10 !== undefined && Number.isFinite(input.pm10) && input.pm10 >= 0)
    iq.pm10 = epaIndex(epaPm10, Math.floor(toMilli(input.pm10) / 1000));
  else notes.push('missing:pm10');
  let aqi: number | null = null;
  for (const v of Object.values(iq)) if (aqi === null || v > aqi) aqi = v;
  if (aqi === null) notes.push('na:no-pollutant');
  // Primary pollutants: those at the maximum, above 50 only (China's convention, kept for EPA).
  return finish(iq, aqi, 'epa', notes);
}

/**
 * EPA NowCast for PM (AirNow): `hours` are hourly means, most recent first (index 0 = the latest hour), up to 12
 * used; null = missing. Needs ≥ 2 of the 3 most recent hours. w = min/max over the 12 hours, weight factor
 * max(w, 0.5); NowCast = Σ wfⁱ·cᵢ / Σ wfⁱ over valid hours. Returns µg/m³ unrounded (epaAqi truncates), or null.
 */
export function nowcast(hours: readonly Conc[]): number | null {
  const h = hours.slice(0, 12);
  const valid = (c: Conc): c is number => c !== null && c !== undefined && Number.isFinite(c);
  if (h.slice(0, 3).filter(valid).length < 2) return null;
  const vals = h.filter(valid);
  const max = Math.max(...vals);
  const min = Math.min(...vals);
  const wf = max <= 0 ? 1 : Math.max(min / max, 0.5);
  let num = 0;
  let den = 0;
  h.forEach((c, i) => {
    if (!valid(c)) return;
    const w = wf ** i;
    num += w * c;
    den += w;
  });
  return num / den;
}

/** EPA hourly AQI from NowCast PM2.5 and PM10 series (most recent first). */
export function epaNowcastAqi(series: { pm25?: readonly Conc[]; pm10?: readonly Conc[] }): AqiResult {
  return epaAqi({ pm25: series.pm25 ? nowcast(series.pm25) : null, pm10: series.pm10 ? nowcast(series.pm10) : null });
}
