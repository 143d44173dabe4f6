/**
 * Skill study of the baseline daily-AQI forecast (forecast.ts) on the UCI Beijing multi-site data.
 * A script (reads files, prints Markdown), not part of the engine. Regenerate the report with:
 *
 *   node --import tsx src/air/warnings/skill.ts --model-out data/air/forecast-model.json > docs/forecast-skill.md
 *
 * Optional arguments: the PRSA directory (default ../shared/data/air/prsa relative to the repo root).
 * Daily AQI: the shared AQI engine (src/air/engine/, all six pollutants).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dailyAqi, dailyFromHourly, type HourlyConcentrations } from '../engine/aqi.engine.ts';
import { buildTimeline, evaluateTimeline, type CityInput, type DailyForecast } from './engine.ts';
import { levelRank, parseWarningRules, type RuleSet, type WarningLevel } from './rules.ts';
import { addDays, calibrateEventThreshold, fitBlend, forecastBlend, forecastClimatology, forecastPersistence, scoreForecasts, type DailyAqi, type ShippedForecastModel, type Skill } from './forecast.ts';

const POLLUTANTS = ['PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3'] as const;

/**
 * City daily AQI from the PRSA files: city hourly concentration = mean of the stations reporting that hour
 * (CO converted to mg/m³); then the shared AQI engine's daily AQI (all six pollutants, GB 3095 validity,
 * HJ 633-2012, missing pollutants do not block: completeness 'any').
 * PRSA hour h (0–23) is taken as the h-th hour of the day (index h of dailyFromHourly).
 */
export type CityHours = { acc: Map<string, Float64Array>; stations: number };

/** Reads the PRSA files: per day, 24 hours × 6 pollutants × [sum over stations, stations reporting]. */
export function readCityHours(dir: string): CityHours {
  const files = fs.readdirSync(dir).filter((f) => /^PRSA_Data_.*\.csv$/.test(f)).sort();
  // "YYYY-MM-DD" -> 24 hours x 6 pollutants x [sum, n]
  const acc = new Map<string, Float64Array>();
  for (const f of files) {
    const lines = fs.readFileSync(path.join(dir, f), 'utf8').split(/\r?\n/);
    const head = lines[0]!.split(',').map((h) => h.replace(/"/g, ''));
    const ix = (n: string) => head.indexOf(n);
    const [iy, im, id, ih] = [ix('year'), ix('month'), ix('day'), ix('hour')];
    const ip = POLLUTANTS.map(ix);
    for (let li = 1; li < lines.length; li++) {
      const line = lines[li]!;
      if (!line) continue;
      const p = line.split(',');
      const day = `${p[iy]}-${p[im]!.padStart(2, '0')}-${p[id]!.padStart(2, '0')}`;
      const hour = Number(p[ih]);
      let a = acc.get(day);
      if (!a) acc.set(day, (a = new Float64Array(24 * 6 * 2)));
      ip.forEach((col, k) => {
        const t = p[col];
        const v = t === 'NA' || t === undefined ? NaN : Number(t);
        if (!Number.isFinite(v)) return;
        a[(hour * 6 + k) * 2]! += POLLUTANTS[k] === 'CO' ? v / 1000 : v;
        a[(hour * 6 + k) * 2 + 1]! += 1;
      });
    }
  }
  return { acc, stations: files.length };
}

function mean(a: Float64Array, hour: number, k: number): number | null {
  const n = a[(hour * 6 + k) * 2 + 1]!;
  return n > 0 ? a[(hour * 6 + k) * 2]! / n : null;
}

export function loadCityDaily(dir: string): { days: DailyAqi[]; stations: number } {
  return cityDaily(readCityHours(dir));
}

export function cityDaily({ acc, stations }: CityHours): { days: DailyAqi[]; stations: number } {
  const days: DailyAqi[] = [...acc.keys()].sort().map((date) => {
    const a = acc.get(date)!;
    const hours: HourlyConcentrations[] = Array.from({ length: 24 }, (_, h) => ({
      pm25: mean(a, h, 0), pm10: mean(a, h, 1), so2: mean(a, h, 2), no2: mean(a, h, 3), co: mean(a, h, 4), o3: mean(a, h, 5),
    }));
    return { date, aqi: dailyFromHourly(hours, { standard: 'hj633-2012', completeness: 'any' }).result.aqi };
  });
  return { days, stations };
}

/** The city's hourly concentrations as one series per pollutant (days in order, hours 0–23), for the warning engine. */
export function cityHourlySeries({ acc }: CityHours): { firstDay: string; series: Record<'pm25' | 'pm10' | 'so2' | 'no2' | 'co', (number | null)[]> } {
  const days = [...acc.keys()].sort();
  const series = { pm25: [] as (number | null)[], pm10: [] as (number | null)[], so2: [] as (number | null)[], no2: [] as (number | null)[], co: [] as (number | null)[] };
  for (let i = 0; i < days.length; i++) {
    if (i > 0 && addDays(days[i - 1]!, 1) !== days[i]) throw new Error(`PRSA data: day missing before ${days[i]}`);
    const a = acc.get(days[i]!)!;
    for (let h = 0; h < 24; h++) {
      series.pm25.push(mean(a, h, 0));
      series.pm10.push(mean(a, h, 1));
      series.so2.push(mean(a, h, 2));
      series.no2.push(mean(a, h, 3));
      series.co.push(mean(a, h, 4));
    }
  }
  return { firstDay: days[0]!, series };
}

const f1 = (v: number) => v.toFixed(1);
const pct = (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const args = process.argv.slice(2);
  const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--model-out') ?? path.resolve(root, '../shared/data/air/prsa');
  const cityHours = readCityHours(dir);
  const { days, stations } = cityDaily(cityHours);
  const train = days.filter((d) => d.date >= '2013-03-01' && d.date <= '2015-12-31');
  const test = days.filter((d) => d.date >= '2016-01-01' && d.date <= '2017-02-28');
  const map = new Map(days.filter((d) => d.aqi != null).map((d) => [d.date, d.aqi!]));
  const leads = [1, 2, 3];
  const model = fitBlend(train, leads);
  const methods = ['blend', 'persistence', 'climatology'] as const;
  const pairs: Record<string, { forecast: number; observed: number }[]> = {};
  for (const m of methods) for (const k of leads) pairs[`${m}/${k}`] = [];
  // Issue at 24:00 of each day d whose AQI is known; verify targets inside the test period only.
  for (const [issueDate, last] of map) {
    const fc = {
      blend: forecastBlend(model, { issueDate, last24hAqi: last }),
      persistence: forecastPersistence({ issueDate, last24hAqi: last }, leads),
      climatology: forecastClimatology(model.climatology, issueDate, leads),
    };
    for (const m of methods) {
      for (const p of fc[m]) {
        if (p.date < '2016-01-01' || p.date > '2017-02-28') continue;
        const obs = map.get(p.date);
        if (obs === undefined) continue;
        pairs[`${m}/${p.lead}`]!.push({ forecast: p.aqi, observed: obs });
      }
    }
  }
  const scores: Record<string, Skill> = {};
  for (const key of Object.keys(pairs)) scores[key] = scoreForecasts(pairs[key]!, 200);
  // Warning-oriented variant: the blend with a decision threshold for "> 200" calibrated on the TRAINING
  // period (in-sample forecasts), then applied unchanged to the test period.
  const calibrated = leads.map((k) => {
    const trainPairs: { forecast: number; observed: number }[] = [];
    for (const [issueDate, last] of map) {
      const p = forecastBlend(model, { issueDate, last24hAqi: last })[k - 1]!;
      if (issueDate < '2013-03-01' || p.date > '2015-12-31') continue;
      const obs = map.get(p.date);
      if (obs !== undefined) trainPairs.push({ forecast: p.aqi, observed: obs });
    }
    const cal = calibrateEventThreshold(trainPairs, 200);
    // Shift forecasts so that "> 200" means "> cal.threshold": same contingency as thresholding at cal.threshold.
    const test = scoreForecasts(pairs[`blend/${k}`]!.map((q) => ({ forecast: q.forecast - cal.threshold + 200, observed: q.observed })), 200);
    return { lead: k, threshold: cal.threshold, trainCsi: cal.csi, test };
  });
  // `--model-out <file>`: the fitted blend, shipped as the platform's baseline forecast model (data/air/forecast-model.json).
  const modelOut = args.indexOf('--model-out');
  if (modelOut >= 0) {
    const file = args[modelOut + 1];
    if (!file) throw new Error('--model-out needs a file name');
    const shipped: ShippedForecastModel = {
      ...model,
      trainedOn: { data: 'UCI Beijing multi-site air-quality data (PRSA), city mean of the stations', stations, from: '2013-03-01', to: '2015-12-31', aqi: 'HJ 633-2012 daily AQI (shared engine)' },
      skillReport: 'docs/forecast-skill.md',
      eventThresholds: calibrated.map((c) => ({ lead: c.lead, threshold: c.threshold })),
    };
    fs.writeFileSync(file, `${JSON.stringify(shipped, null, 2)}\n`);
  }
  const testValid = test.filter((d) => d.aqi != null);
  const events = testValid.filter((d) => d.aqi! > 200).length;
  const trainEvents = train.filter((d) => d.aqi != null && d.aqi > 200).length;

  const out: string[] = [];
  out.push('# Baseline daily-AQI forecast: method and measured skill');
  out.push('');
  out.push(`Generated by \`node --import tsx src/air/warnings/skill.ts --model-out data/air/forecast-model.json > docs/forecast-skill.md\` (do not edit by hand).`);
  out.push('');
  out.push('## Method (src/air/warnings/forecast.ts)');
  out.push('');
  out.push('Issued at 24:00 of day *d* for days *d*+1, *d*+2, *d*+3 (leads 1–3):');
  out.push('');
  out.push('    forecast(d+k) = α_k + β_k · A_d + γ_k · C(month of d+k)');
  out.push('');
  out.push('A_d = the city AQI of the last 24 hours (day *d*), C(m) = mean daily AQI of calendar month *m* in the');
  out.push('training period; α, β, γ fitted per lead by ordinary least squares on the training days. Output clamped to');
  out.push('0..500 and rounded. Baselines: **persistence** (A_d for every lead) and **climatology** (C(m)).');
  out.push('');
  out.push('## Data and protocol');
  out.push('');
  out.push(`- UCI Beijing multi-site data (../shared/data/air/prsa, ${stations} stations, hourly, 2013-03-01..2017-02-28, CC BY 4.0).`);
  out.push('- City hourly concentration = mean of the stations reporting that hour (CO converted to mg/m³).');
  out.push('- Daily AQI = the shared AQI engine (`dailyFromHourly` in src/air/engine/aqi.engine.ts, HJ 633-2012, all six');
  out.push('  pollutants, O3 as daily maximum 8-hour mean, GB 3095 validity: ≥ 20 hourly values per 24-h mean) on the');
  out.push("  city's 24 hourly rows; a missing pollutant does not block the day (completeness `any`).");
  out.push(`- Train: 2013-03-01..2015-12-31 (${train.filter((d) => d.aqi != null).length} valid days, ${trainEvents} with AQI > 200).`);
  out.push(`- Test: targets 2016-01-01..2017-02-28 (${testValid.length} valid days, ${events} with AQI > 200). Days with`);
  out.push('  a missing issue-day or target value are skipped (same pairs for every method at a given lead).');
  out.push('- Event for the contingency scores: daily AQI > 200 (the threshold of the warning rules).');
  out.push('  Hit rate = hits / (hits + misses); false-alarm ratio = false alarms / (hits + false alarms);');
  out.push('  CSI = hits / (hits + misses + false alarms).');
  out.push('');
  out.push('## Fitted coefficients');
  out.push('');
  out.push('| lead | α (intercept) | β (persistence) | γ (climatology) | training pairs |');
  out.push('|---:|---:|---:|---:|---:|');
  for (const l of model.leads) out.push(`| ${l.lead} | ${l.intercept.toFixed(2)} | ${l.persistence.toFixed(3)} | ${l.climatology.toFixed(3)} | ${l.trainingPairs} |`);
  out.push('');
  out.push('Monthly climatology (mean daily AQI, Jan..Dec): ' + model.climatology.map((v) => v.toFixed(0)).join(', ') + '.');
  out.push('');
  out.push('## Skill on the test period');
  out.push('');
  out.push('| lead | method | n | MAE | RMSE | bias | hits | misses | false alarms | hit rate | false-alarm ratio | CSI |');
  out.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const k of leads) {
    for (const m of methods) {
      const s = scores[`${m}/${k}`]!;
      out.push(`| ${k} | ${m} | ${s.n} | ${f1(s.mae)} | ${f1(s.rmse)} | ${s.bias >= 0 ? '+' : ''}${f1(s.bias)} | ${s.hits} | ${s.misses} | ${s.falseAlarms} | ${pct(s.hitRate)} | ${pct(s.falseAlarmRatio)} | ${pct(s.csi)} |`);
    }
  }
  out.push('');
  out.push('### Warning-oriented decision threshold');
  out.push('');
  out.push('The blend issues "> 200" when its forecast exceeds a threshold t chosen to maximise CSI on the training period');
  out.push('(in-sample), then applied unchanged to the test period (MAE/RMSE are those of the blend above).');
  out.push('');
  out.push('| lead | t (from training) | training CSI | hits | misses | false alarms | hit rate | false-alarm ratio | CSI |');
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of calibrated) {
    const s = c.test;
    out.push(`| ${c.lead} | ${c.threshold} | ${pct(c.trainCsi)} | ${s.hits} | ${s.misses} | ${s.falseAlarms} | ${pct(s.hitRate)} | ${pct(s.falseAlarmRatio)} | ${pct(s.csi)} |`);
  }
  out.push('');
  out.push(...reading(scores, leads, calibrated));
  const rules = parseWarningRules(JSON.parse(fs.readFileSync(path.join(root, 'data/air/warning-rules.json'), 'utf8')));
  out.push('', ...warningBacktest(cityHours, map, model, rules.ruleSets));
  process.stdout.write(out.join('\n') + '\n');
}

function reading(s: Record<string, Skill>, leads: number[], cal: { lead: number; threshold: number; test: Skill }[]): string[] {
  const rel = (a: number, b: number) => {
    const r = (1 - a / b) * 100;
    return r >= 0 ? `${f1(r)}% lower` : `${f1(-r)}% higher`;
  };
  const lines = ['## Reading', ''];
  for (const k of leads) {
    const b = s[`blend/${k}`]!, p = s[`persistence/${k}`]!, c = s[`climatology/${k}`]!;
    lines.push(
      `- Lead ${k}: blend MAE ${f1(b.mae)} vs persistence ${f1(p.mae)} (${rel(b.mae, p.mae)}) and climatology ${f1(c.mae)}` +
        ` (${rel(b.mae, c.mae)}); "> 200" CSI: blend ${pct(b.csi)}, blend with t = ${cal[k - 1]!.threshold} ${pct(cal[k - 1]!.test.csi)},` +
        ` persistence ${pct(p.csi)}, climatology ${pct(c.csi)}.`,
    );
  }
  lines.push('');
  lines.push('Least squares shrink towards the mean: thresholded at 200, the blend rarely forecasts a heavy-pollution day');
  lines.push('(see its hits), hence the calibrated decision threshold. For the "> 200" event the numbers above');
  lines.push('say which of persistence and the calibrated blend to trust at each lead. Beyond lead 1 every baseline is weak: it');
  lines.push('has no meteorology and cannot see an episode coming. These are a floor for the forecasts received from the');
  lines.push('environmental and meteorological services (by API or CSV), which warnings should use when present.');
  return lines;
}

/**
 * What the forecasts are worth for warnings: at 23:00 of each test day, the level the warning engine gives
 * (a) from observed hours only, (b) with the persistence forecast, (c) with the blend forecast for the next
 * three days, against (d) the level it gives with a perfect hourly forecast of the next 72 hours (hindsight).
 */
function warningBacktest(cityHours: CityHours, daily: Map<string, number>, model: ReturnType<typeof fitBlend>, ruleSets: readonly RuleSet[]): string[] {
  const { firstDay, series } = cityHourlySeries(cityHours);
  // Rolling 24-h AQI of 24-h mean concentrations of PM2.5, PM10, SO2, NO2, CO (O3 left out: its daily metric is the
  // maximum 8-hour mean, not a 24-h mean), through the shared AQI engine.
  const aqiOfMeans = (m: Readonly<Record<string, number | null>>) =>
    dailyAqi({ pm25: m.pm25, pm10: m.pm10, so2: m.so2, no2: m.no2, co: m.co }, { standard: 'hj633-2012', completeness: 'any' }).aqi;
  const start = `${firstDay}T00:00+08:00`;
  const full = buildTimeline({ hourly: { kind: 'concentrations', start, series, observedHours: series.pm25.length, aqiOfMeans } });
  const methods = ['observed only', 'persistence', 'blend'] as const;
  type Tally = { n: number; agree: number; hits: number; misses: number; fa: number; levels: Record<WarningLevel, number> };
  const tally = () => ({ n: 0, agree: 0, hits: 0, misses: 0, fa: 0, levels: { none: 0, yellow: 0, orange: 0, red: 0 } });
  const lines = ['## What the forecasts are worth for warnings (test period)', ''];
  lines.push('At 23:00 of each test day (2016-01-01..2017-02-25) the warning engine (src/air/warnings/engine.ts, rolling 24-h');
  lines.push('AQI of PM2.5, PM10, SO2, NO2 and CO 24-h means through the shared AQI engine; O3 left out because its daily');
  lines.push('metric is an 8-hour maximum) gives a level from the last 7 days of observed hours plus the daily forecast of');
  lines.push('the next 3 days. The reference is the level it gives with the next 72 observed hours as a perfect forecast.');
  lines.push('"Warning" = any level ≥ yellow; agreement = same level exactly.');
  lines.push('');
  for (const rs of ruleSets) {
    const t: Record<string, Tally> = {};
    for (const m of ['reference', ...methods]) t[m] = tally();
    for (let d = '2016-01-01'; d <= '2017-02-25'; d = addDays(d, 1)) {
      const last = daily.get(d);
      if (last === undefined) continue;
      const at = `${d}T23:00+08:00`;
      const truth = evaluateTimeline(full, rs, at, 73).level;
      const endIdx = (Date.parse(at) - Date.parse(start)) / 3_600_000;
      const from = endIdx - 167;
      const slice = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, v.slice(from, endIdx + 1)]));
      const hourly: CityInput['hourly'] = { kind: 'concentrations', start: `${addDays(d, -6)}T00:00+08:00`, series: slice, observedHours: 168, aqiOfMeans };
      const fc: Record<(typeof methods)[number], DailyForecast[]> = {
        'observed only': [],
        persistence: forecastPersistence({ issueDate: d, last24hAqi: last }).map((p) => ({ date: p.date, aqi: p.aqi })),
        blend: forecastBlend(model, { issueDate: d, last24hAqi: last }).map((p) => ({ date: p.date, aqi: p.aqi })),
      };
      t.reference!.n++;
      t.reference!.levels[truth]++;
      for (const m of methods) {
        const got = evaluateTimeline(buildTimeline({ hourly, dailyForecast: fc[m] }), rs, at, 73).level;
        const x = t[m]!;
        x.n++;
        x.levels[got]++;
        if (got === truth) x.agree++;
        const g = levelRank(got) > 0, r = levelRank(truth) > 0;
        if (g && r) x.hits++;
        else if (r) x.misses++;
        else if (g) x.fa++;
      }
    }
    lines.push(`### ${rs.id} (${rs.title.en})`);
    lines.push('');
    const r = t.reference!;
    lines.push(`Reference (perfect 72-h foresight): ${r.n} days — none ${r.levels.none}, yellow ${r.levels.yellow}, orange ${r.levels.orange}, red ${r.levels.red}.`);
    lines.push('');
    lines.push('| forecast used | none / yellow / orange / red | same level | warning hits | misses | false alarms | hit rate | false-alarm ratio | CSI |');
    lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const m of methods) {
      const x = t[m]!;
      const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
      lines.push(
        `| ${m} | ${x.levels.none} / ${x.levels.yellow} / ${x.levels.orange} / ${x.levels.red} | ${pct(x.agree / x.n)} | ${x.hits} | ${x.misses} | ${x.fa} | ` +
          `${pct(ratio(x.hits, x.hits + x.misses))} | ${pct(ratio(x.fa, x.hits + x.fa))} | ${pct(ratio(x.hits, x.hits + x.misses + x.fa))} |`,
      );
    }
    lines.push('');
  }
  return lines;
}

// Run only as a script, so that tests and experiments can import the helpers.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
