/**
 * Baseline forecast of a city's daily AQI for the coming 1–3 days, made by the platform itself (pure).
 *
 * Method ("persistence–climatology blend", fitted per lead time):
 *   forecast(d + k) = α_k + β_k · A_d + γ_k · C(month of d + k)
 * where A_d is the city's AQI of the last 24 hours at issue time (the daily AQI of day d when issued at
 * 24:00), C(m) the mean daily AQI of calendar month m over the training period (climatology) and
 * α_k, β_k, γ_k are fitted by ordinary least squares on the training days, separately for each lead k.
 * With β = 1, α = γ = 0 it is pure persistence; with β = 0, α = 0, γ = 1 pure climatology; the fit picks the
 * blend that minimises squared error. Results are clamped to 0..500 and rounded to integers.
 * Its measured skill is in docs/forecast-skill.md (regenerate with src/air/warnings/skill.ts).
 */

import { addDays } from '../../platform/time.ts';

export type DailyAqi = { date: string; aqi: number | null };

export type LeadCoefficients = { lead: number; intercept: number; persistence: number; climatology: number; trainingPairs: number };

export type BlendModel = {
  method: 'persistence-climatology-blend';
  /** Mean daily AQI per calendar month, index 0 = January. */
  climatology: number[];
  leads: LeadCoefficients[];
};

export type DailyForecastPoint = { date: string; lead: number; aqi: number };

/** Calendar arithmetic on YYYY-MM-DD dates (re-exported for the forecast's callers). */
export { addDays } from '../../platform/time.ts';
function monthIndex(date: string): number {
  return Number(date.slice(5, 7)) - 1;
}

/** Mean daily AQI per calendar month; a month without data takes the overall mean. */
export function monthlyClimatology(days: readonly DailyAqi[]): number[] {
  const sum = new Array<number>(12).fill(0);
  const n = new Array<number>(12).fill(0);
  let all = 0;
  let allN = 0;
  for (const d of days) {
    if (d.aqi == null) continue;
    const m = monthIndex(d.date);
    sum[m]! += d.aqi;
    n[m]!++;
    all += d.aqi;
    allN++;
  }
  if (allN === 0) throw new RangeError('no valid day to build a climatology from');
  return sum.map((s, m) => (n[m]! > 0 ? s / n[m]! : all / allN));
}

/** Index days by date; later duplicates win. */
function byDate(days: readonly DailyAqi[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of days) if (d.aqi != null) m.set(d.date, d.aqi);
  return m;
}

/** Least squares of y on two regressors with intercept, on centred sums; collinear or constant regressors drop out. */
function ols2(x: number[], c: number[], y: number[]): { a: number; b: number; g: number } {
  const n = y.length;
  const mean = (v: number[]) => v.reduce((s, t) => s + t, 0) / n;
  const mx = mean(x), mc = mean(c), my = mean(y);
  let sxx = 0, scc = 0, sxc = 0, sxy = 0, scy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx, dc = c[i]! - mc, dy = y[i]! - my;
    sxx += dx * dx; scc += dc * dc; sxc += dx * dc; sxy += dx * dy; scy += dc * dy;
  }
  let b = 0, g = 0;
  const det = sxx * scc - sxc * sxc;
  const eps = 1e-9;
  if (sxx > eps && scc > eps && det > eps * sxx * scc) {
    b = (sxy * scc - scy * sxc) / det;
    g = (scy * sxx - sxy * sxc) / det;
  } else if (sxx > eps) b = sxy / sxx;
  else if (scc > eps) g = scy / scc;
  return { a: my - b * mx - g * mc, b, g };
}

/** Fits the blend on a daily series (gaps allowed: pairs with a missing end are skipped). */
export function fitBlend(days: readonly DailyAqi[], leads: readonly number[] = [1, 2, 3]): BlendModel {
  const climatology = monthlyClimatology(days);
  const map = byDate(days);
  const out: LeadCoefficients[] = [];
  for (const k of leads) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`lead must be a positive integer: ${k}`);
    const x: number[] = [], c: number[] = [], y: number[] = [];
    for (const [date, a] of map) {
      const target = addDays(date, k);
      const t = map.get(target);
      if (t === undefined) continue;
      x.push(a);
      c.push(climatology[monthIndex(target)]!);
      y.push(t);
    }
    if (y.length === 0) throw new RangeError(`no training pair for lead ${k}`);
    const { a, b, g } = ols2(x, c, y);
    out.push({ lead: k, intercept: a, persistence: b, climatology: g, trainingPairs: y.length });
  }
  return { method: 'persistence-climatology-blend', climatology, leads: out };
}

const clampRound = (v: number) => Math.round(Math.min(500, Math.max(0, v)));

/** Forecast for the days after `issueDate`, from the AQI of the last 24 hours at issue time. */
export function forecastBlend(model: BlendModel, recent: { issueDate: string; last24hAqi: number }): DailyForecastPoint[] {
  return model.leads.map((l) => {
    const date = addDays(recent.issueDate, l.lead);
    const v = l.intercept + l.persistence * recent.last24hAqi + l.climatology * model.climatology[monthIndex(date)]!;
    return { date, lead: l.lead, aqi: clampRound(v) };
  });
}

/** Reference baseline: tomorrow and after look like the last 24 hours. */
export function forecastPersistence(recent: { issueDate: string; last24hAqi: number }, leads: readonly number[] = [1, 2, 3]): DailyForecastPoint[] {
  return leads.map((k) => ({ date: addDays(recent.issueDate, k), lead: k, aqi: clampRound(recent.last24hAqi) }));
}

/** Reference baseline: the calendar month's mean daily AQI. */
export function forecastClimatology(climatology: readonly number[], issueDate: string, leads: readonly number[] = [1, 2, 3]): DailyForecastPoint[] {
  return leads.map((k) => {
    const date = addDays(issueDate, k);
    return { date, lead: k, aqi: clampRound(climatology[monthIndex(date)]!) };
  });
}

export type Skill = {
  n: number;
  mae: number;
  rmse: number;
  /** mean(forecast − observed) */
  bias: number;
  /** Event: observed / forecast daily AQI > eventThreshold. */
  hits: number;
  misses: number;
  falseAlarms: number;
  /** hits / (hits + misses) — probability of detection */
  hitRate: number | null;
  /** falseAlarms / (hits + falseAlarms) — false-alarm ratio */
  falseAlarmRatio: number | null;
  /** hits / (hits + misses + falseAlarms) */
  csi: number | null;
};

/** Verification scores of paired forecasts and observations. */
export function scoreForecasts(pairs: readonly { forecast: number; observed: number }[], eventThreshold = 200): Skill {
  let ae = 0, se = 0, e = 0, hits = 0, misses = 0, fa = 0;
  for (const p of pairs) {
    const d = p.forecast - p.observed;
    ae += Math.abs(d); se += d * d; e += d;
    const fo = p.forecast > eventThreshold, ob = p.observed > eventThreshold;
    if (fo && ob) hits++;
    else if (ob) misses++;
    else if (fo) fa++;
  }
  const n = pairs.length;
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  return {
    n,
    mae: n ? ae / n : NaN,
    rmse: n ? Math.sqrt(se / n) : NaN,
    bias: n ? e / n : NaN,
    hits, misses, falseAlarms: fa,
    hitRate: ratio(hits, hits + misses),
    falseAlarmRatio: ratio(fa, hits + fa),
    csi: ratio(hits, hits + misses + fa),
  };
}

/**
 * Decision threshold for the event "observed > eventThreshold" that maximises the critical success index of
 * "forecast > t" on (training) pairs; ties go to the threshold closest to eventThreshold. Regression forecasts
 * shrink towards the mean, so the best t is usually below the event threshold.
 */
export function calibrateEventThreshold(
  pairs: readonly { forecast: number; observed: number }[],
  eventThreshold = 200,
  candidates: readonly number[] = Array.from({ length: 201 }, (_, i) => 100 + i),
): { threshold: number; csi: number } {
  let best = { threshold: eventThreshold, csi: -1 };
  for (const t of candidates) {
    let hits = 0, misses = 0, fa = 0;
    for (const p of pairs) {
      const fo = p.forecast > t, ob = p.observed > eventThreshold;
      if (fo && ob) hits++;
      else if (ob) misses++;
      else if (fo) fa++;
    }
    const den = hits + misses + fa;
    const csi = den === 0 ? 0 : hits / den;
    if (csi > best.csi || (csi === best.csi && Math.abs(t - eventThreshold) < Math.abs(best.threshold - eventThreshold))) best = { threshold: t, csi };
  }
  return best;
}

/** The baseline model as shipped in data/air/forecast-model.json (written by skill.ts --model-out). */
export type ShippedForecastModel = BlendModel & {
  trainedOn: { data: string; stations: number; from: string; to: string; aqi: string };
  skillReport: string;
  /** Per lead, the forecast value above which "daily AQI > 200" is best predicted (CSI on the training period). */
  eventThresholds: { lead: number; threshold: number }[];
};

/** Validates a shipped model (a hand-edited or truncated file fails here, naming what is wrong). */
export function parseShippedModel(v: unknown, file = 'forecast-model.json'): ShippedForecastModel {
  const m = v as Partial<ShippedForecastModel> | null;
  const bad = (what: string) => new Error(`${file}: ${what}`);
  if (!m || typeof m !== 'object') throw bad('not a JSON object');
  if (m.method !== 'persistence-climatology-blend') throw bad(`method must be persistence-climatology-blend, got ${String(m.method)}`);
  if (!Array.isArray(m.climatology) || m.climatology.length !== 12 || !m.climatology.every((x) => Number.isFinite(x))) throw bad('climatology must be 12 numbers (January..December)');
  if (!Array.isArray(m.leads) || m.leads.length === 0) throw bad('leads must be a non-empty array');
  m.leads.forEach((l, i) => {
    for (const k of ['lead', 'intercept', 'persistence', 'climatology', 'trainingPairs'] as const) if (!Number.isFinite(l?.[k])) throw bad(`leads[${i}].${k} must be a number`);
  });
  if (!m.trainedOn || typeof m.trainedOn.from !== 'string') throw bad('trainedOn is missing');
  if (!Array.isArray(m.eventThresholds)) throw bad('eventThresholds must be an array');
  return m as ShippedForecastModel;
}
