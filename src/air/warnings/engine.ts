/**
 * Joint heavy-pollution warning engine (pure: plain data in and out, no clock, no I/O).
 *
 * How "AQI > 200 for ≥ 48 h" is evaluated — the definition this platform uses (see README.md here):
 *
 *  1. Timeline. One hourly timeline per city: the hourly series (observed hours, then forecast hours), then,
 *     for every hour after the hourly series ends, the daily forecast of the calendar day (Asia/Shanghai, or
 *     whatever offset the series start carries) that hour belongs to (hours labelled by start unless
 *     `hourLabel: 'end'`; the reported hours use the input's labels). Hourly data always wins over a daily
 *     forecast for the same hour; hours covered by neither are gaps.
 *  2. Rolling 24-h mean AQI at hour h (the "daily AQI" of the rules, "按连续 24 小时（可跨自然日）均值计算"):
 *     - from hourly AQI: the mean of the hourly AQI values of hours h-23..h, defined when at least
 *       `minValidHours` (default 20, GB 3095's daily validity) of them are valid; kept as an exact fraction
 *       sum/count so comparisons against integer thresholds are exact;
 *     - from hourly concentrations: each pollutant's mean over h-23..h (same validity rule), then the AQI of
 *       those means through the `aqiOfMeans` function the caller plugs in (the AQI engine);
 *     - in the daily-forecast part: the forecast daily AQI itself, for each of that day's hours.
 *  3. Condition "AQI cmp T for ≥ D h": a run is a maximal stretch of consecutive hours whose rolling mean
 *     satisfies cmp T; a gap or a failing hour breaks it. The condition holds at time `at` when some run
 *     ends at or after `at` (it is current or still to come — the look-forward over forecast hours) and is
 *     at least D hours long, counting its hours before `at` too (an episode already under way counts).
 *     With `horizonHours`, hours after at + horizonHours - 1 are ignored.
 *  4. A clause holds when all its conditions hold (each may be met by its own run); a level applies when any
 *     clause holds; the result is the highest level that applies ("且未达到高级别预警条件").
 *
 * A forecast day > T therefore contributes 24 hours above T; two such days in a row, 48 hours.
 */
import { LEVEL_NAMES, WARNING_LEVELS, levelRank, warningAction, type Clause, type Condition, type RuleSet, type WarningAction, type WarningLevel } from './rules.ts';

export type Text = { zh: string; en: string };
export type HourSource = 'observed' | 'forecast-hourly' | 'forecast-daily';

export type HourlyAqiSeries = {
  kind: 'aqi';
  /** First hour, ISO 8601 with offset, on a whole hour, e.g. 2016-12-30T00:00+08:00. */
  start: string;
  /** Hourly AQI (integers), null = missing. */
  values: readonly (number | null)[];
  /** The first `observedHours` values are observations, the rest forecasts. */
  observedHours: number;
};

export type HourlyConcentrationSeries<P extends string = string> = {
  kind: 'concentrations';
  start: string;
  /** Hourly concentration per pollutant (µg/m³, CO mg/m³), all of the same length; null = missing. */
  series: Readonly<Record<P, readonly (number | null)[]>>;
  observedHours: number;
  /** AQI of rolling 24-h mean concentrations (null means when invalid); plug the AQI engine in here. */
  aqiOfMeans: (means: Readonly<Record<P, number | null>>) => number | null;
};

export type DailyForecast = { date: string; aqi: number };

export type CityInput = {
  hourly: HourlyAqiSeries | HourlyConcentrationSeries<string>;
  /** Forecast daily AQI for coming calendar days (used only for hours after the hourly series). */
  dailyForecast?: readonly DailyForecast[];
};

export type TimelineOptions = {
  /** Valid hours a 24-h window needs (default 20, GB 3095). */
  minValidHours?: number;
  /**
   * How the hourly series labels its hours, used only to map forecast days onto hours: 'start' (default, e.g. the UCI
   * data: 00:00 is the first hour of the day) or 'end' (the national platform: 00:00 is the last hour of the day before).
   */
  hourLabel?: 'start' | 'end';
};

/** Rolling 24-h mean as an exact fraction num/den (den = 1 when it comes from an AQI function or a forecast day). */
export type Mean = { num: number; den: number };

export type Timeline = {
  startMs: number;
  offset: string;
  means: (Mean | null)[];
  source: HourSource[];
};

const HOUR = 3_600_000;

function parseOffset(iso: string): string {
  const m = /(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`time must carry an offset: ${iso}`);
  return m[1]!;
}
function parseInstant(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 instant: ${iso}`);
  return ms;
}
function offsetMinutes(offset: string): number {
  if (offset === 'Z') return 0;
  const sign = offset[0] === '-' ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}
/** Formats an instant as local ISO (minutes) with the given offset. */
export function formatHour(ms: number, offset: string): string {
  return new Date(ms + offsetMinutes(offset) * 60_000).toISOString().slice(0, 16) + (offset === 'Z' ? 'Z' : offset);
}

function rollingFromAqi(values: readonly (number | null)[], minValid: number): (Mean | null)[] {
  const out: (Mean | null)[] = new Array(values.length).fill(null);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v != null) {
      sum += v;
      n++;
    }
    const old = i >= 24 ? values[i - 24] : null;
    if (old != null) {
      sum -= old;
      n--;
    }
    if (n >= minValid) out[i] = { num: sum, den: n };
  }
  return out;
}

function rollingFromConcentrations<P extends string>(h: HourlyConcentrationSeries<P>, minValid: number): (Mean | null)[] {
  const keys = Object.keys(h.series) as P[];
  const len = keys.length ? h.series[keys[0]!].length : 0;
  for (const k of keys) if (h.series[k].length !== len) throw new RangeError(`pollutant ${k}: ${h.series[k].length} hours, expected ${len}`);
  const out: (Mean | null)[] = new Array(len).fill(null);
  for (let i = 0; i < len; i++) {
    const means = {} as Record<P, number | null>;
    for (const k of keys) {
      const s = h.series[k];
      let sum = 0;
      let n = 0;
      for (let j = Math.max(0, i - 23); j <= i; j++) {
        const v = s[j];
        if (v != null) {
          sum += v;
          n++;
        }
      }
      means[k] = n >= minValid ? sum / n : null;
    }
    const aqi = h.aqiOfMeans(means);
    out[i] = aqi == null ? null : { num: aqi, den: 1 };
  }
  return out;
}

/** Builds the city's hourly timeline of rolling 24-h mean AQI (step 1–2 of the definition above). */
export function buildTimeline(input: CityInput, opts: TimelineOptions = {}): Timeline {
  const minValid = opts.minValidHours ?? 20;
  if (!Number.isInteger(minValid) || minValid < 1 || minValid > 24) throw new RangeError('minValidHours must be an integer 1..24');
  const h = input.hourly;
  const offset = parseOffset(h.start);
  const startMs = parseInstant(h.start);
  if (startMs % 60_000 !== 0 || ((startMs / 60_000) + offsetMinutes(offset)) % 60 !== 0) throw new RangeError(`start must be on a whole hour: ${h.start}`);
  if (h.kind === 'aqi') {
    for (const v of h.values) if (v !== null && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`hourly AQI must be a non-negative number or null: ${v}`);
  }
  const means = h.kind === 'aqi' ? rollingFromAqi(h.values, minValid) : rollingFromConcentrations(h, minValid);
  if (!Number.isInteger(h.observedHours) || h.observedHours < 0 || h.observedHours > means.length) throw new RangeError(`observedHours must be an integer 0..${means.length}`);
  const hourlyLen = means.length;
  const source: HourSource[] = means.map((_, i) => (i < h.observedHours ? 'observed' : 'forecast-hourly'));
  for (const f of input.dailyForecast ?? []) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(f.date)) throw new RangeError(`forecast date must be YYYY-MM-DD: ${f.date}`);
    if (!Number.isFinite(f.aqi) || f.aqi < 0) throw new RangeError(`forecast AQI must be a non-negative number: ${f.aqi}`);
    const first = (parseInstant(`${f.date}T00:00${offset === 'Z' ? 'Z' : offset}`) - startMs) / HOUR + (opts.hourLabel === 'end' ? 1 : 0);
    for (let i = Math.max(first, hourlyLen); i < first + 24; i++) {
      while (means.length <= i) {
        means.push(null);
        source.push('forecast-daily');
      }
      means[i] = { num: f.aqi, den: 1 };
      source[i] = 'forecast-daily';
    }
  }
  return { startMs, offset, means, source };
}

function satisfies(m: Mean | null, c: Condition): boolean {
  if (!m) return false;
  const t = c.threshold * m.den;
  return c.comparison === 'gt' ? m.num > t : m.num >= t;
}

export type ConditionFinding = {
  conditionId: string;
  met: boolean;
  /** Length in hours of the run found (the first run long enough, else the longest applicable one), 0 if none. */
  durationHours: number;
  /** First and last hour of that run (ISO with offset), null if none. */
  firstHour: string | null;
  lastHour: string | null;
  /** Whether any hour of the run comes from a forecast (hourly or daily). */
  usesForecast: boolean;
};

function findRun(tl: Timeline, c: Condition, atIdx: number, endIdx: number): ConditionFinding {
  let best: { s: number; e: number } | null = null;
  const last = Math.min(endIdx, tl.means.length - 1);
  // Runs that end at or after `at` either contain `at` or start after it: start from the run containing `at`.
  let i = Math.max(0, atIdx);
  if (i <= last) while (i > 0 && satisfies(tl.means[i] ?? null, c) && satisfies(tl.means[i - 1] ?? null, c)) i--;
  while (i <= last) {
    if (!satisfies(tl.means[i] ?? null, c)) {
      i++;
      continue;
    }
    const s = i;
    while (i + 1 <= last && satisfies(tl.means[i + 1] ?? null, c)) i++;
    const e = i;
    i++;
    if (e < atIdx) continue; // the episode is over before `at`
    if (e - s + 1 >= c.minDurationHours) {
      best = { s, e }; // the earliest run long enough decides
      break;
    }
    if (!best || e - s > best.e - best.s) best = { s, e }; // else report the longest, for the reason text
  }
  if (!best) return { conditionId: c.id, met: false, durationHours: 0, firstHour: null, lastHour: null, usesForecast: false };
  const len = best.e - best.s + 1;
  let usesForecast = false;
  for (let j = best.s; j <= best.e; j++) if (tl.source[j] !== 'observed') usesForecast = true;
  return {
    conditionId: c.id,
    met: len >= c.minDurationHours,
    durationHours: len,
    firstHour: formatHour(tl.startMs + best.s * HOUR, tl.offset),
    lastHour: formatHour(tl.startMs + best.e * HOUR, tl.offset),
    usesForecast,
  };
}

export type EvaluateOptions = TimelineOptions & {
  /** The time the level is asked for (ISO with offset), usually the last observed hour. */
  at: string;
  /** Look forward at most this many hours from `at` (inclusive of `at`); default: the whole timeline. */
  horizonHours?: number;
};

export type WarningResult = {
  ruleSetId: string;
  ruleSetVersion: string;
  level: WarningLevel;
  /** The clause that decided the level (null for none). */
  clause: { id: string; label: Text } | null;
  findings: ConditionFinding[];
  reason: Text;
};


function describe(c: Condition, f: ConditionFinding): Text {
  const op = c.comparison === 'gt' ? '>' : '≥';
  const src = f.usesForecast ? { zh: '含预报', en: 'incl. forecast' } : { zh: '实测', en: 'observed' };
  return {
    zh: `24 小时滑动均值 AQI ${op}${c.threshold} 连续 ${f.durationHours} 小时（要求≥${c.minDurationHours}），自 ${f.firstHour} 起至 ${f.lastHour}（${src.zh}）`,
    en: `rolling 24-h mean AQI ${op} ${c.threshold} for ${f.durationHours} consecutive h (needs ≥ ${c.minDurationHours}), from ${f.firstHour} to ${f.lastHour} (${src.en})`,
  };
}

function clauseFindings(tl: Timeline, clause: Clause, atIdx: number, endIdx: number): ConditionFinding[] {
  return clause.allOf.map((c) => findRun(tl, c, atIdx, endIdx));
}

/** Evaluates a prepared timeline (use when several rule sets are evaluated on the same city). */
export function evaluateTimeline(tl: Timeline, ruleSet: RuleSet, at: string, horizonHours?: number): WarningResult {
  const atMs = parseInstant(at);
  const atIdx = Math.ceil((atMs - tl.startMs) / HOUR);
  if (horizonHours !== undefined && (!Number.isInteger(horizonHours) || horizonHours < 1)) throw new RangeError('horizonHours must be a positive integer');
  const endIdx = horizonHours === undefined ? tl.means.length - 1 : atIdx + horizonHours - 1;
  const ordered = [...ruleSet.levels].sort((a, b) => levelRank(b.level) - levelRank(a.level));
  for (const lr of ordered) {
    for (const clause of lr.anyOf) {
      const findings = clauseFindings(tl, clause, atIdx, endIdx);
      if (findings.every((f) => f.met)) {
        const parts = clause.allOf.map((c, i) => describe(c, findings[i]!));
        return {
          ruleSetId: ruleSet.id,
          ruleSetVersion: ruleSet.version,
          level: lr.level,
          clause: { id: clause.id, label: clause.label },
          findings,
          reason: {
            zh: `${LEVEL_NAMES[lr.level].zh}（${ruleSet.title.zh}）：${clause.label.zh}。依据：${parts.map((p) => p.zh).join('；')}。`,
            en: `${LEVEL_NAMES[lr.level].en} (${ruleSet.title.en}): ${clause.label.en}. Found: ${parts.map((p) => p.en).join('; ')}.`,
          },
        };
      }
    }
  }
  return {
    ruleSetId: ruleSet.id,
    ruleSetVersion: ruleSet.version,
    level: 'none',
    clause: null,
    findings: [],
    reason: { zh: `${LEVEL_NAMES.none.zh}（${ruleSet.title.zh}）：未满足任何预警条件。`, en: `${LEVEL_NAMES.none.en} (${ruleSet.title.en}): no warning condition is met.` },
  };
}

/** The warning level that applies to a city at `at` under a rule set, with the reason. */
export function evaluateWarning(input: CityInput, ruleSet: RuleSet, opts: EvaluateOptions): WarningResult {
  return evaluateTimeline(buildTimeline(input, opts), ruleSet, opts.at, opts.horizonHours);
}

export type LinkageAction = WarningAction;
export type LevelChange = {
  city: string;
  action: LinkageAction;
  from: WarningLevel;
  to: WarningLevel;
  /** Whether the other cities are to be notified (regional linkage). */
  notify: boolean;
  /** The cities to notify: every other city known to either map. */
  notifyCities: string[];
};

export type DiffOptions = {
  /** Which actions notify the other cities; default issue, raise, lift (the plan's wording). */
  notifyOn?: readonly LinkageAction[];
};

/**
 * Compares two maps city → level (missing = none) and lists what changed, sorted by city:
 * none → level: issue; up: raise; down but not to none: lower; level → none: lift.
 */
export function diffLevels(previous: Readonly<Record<string, WarningLevel>>, next: Readonly<Record<string, WarningLevel>>, opts: DiffOptions = {}): LevelChange[] {
  const notifyOn = new Set<LinkageAction>(opts.notifyOn ?? ['issue', 'raise', 'lift']);
  const cities = [...new Set([...Object.keys(previous), ...Object.keys(next)])].sort();
  const out: LevelChange[] = [];
  for (const city of cities) {
    const from = previous[city] ?? 'none';
    const to = next[city] ?? 'none';
    for (const l of [from, to]) if (!WARNING_LEVELS.includes(l)) throw new RangeError(`unknown level ${String(l)} for ${city}`);
    if (from === to) continue;
    const action = warningAction(from, to)!;
    const notify = notifyOn.has(action);
    out.push({ city, action, from, to, notify, notifyCities: notify ? cities.filter((c) => c !== city) : [] });
  }
  return out;
}
