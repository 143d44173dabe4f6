/**
 * `xietong air aqi`: real-time AQI of a station file, computed in-process (no database, no server).
 *
 *   xietong air aqi --in <file.csv> --format cnemc|prsa [--standard auto|hj633-2012|hj633-2026|epa] [--stations <file.json>] --out <out.csv>
 *
 * cnemc (national platform snapshot): one output row per input row, `stationcode,timepoint,aqi,primary,level`,
 *   the platform's real-time AQI from the 1-hour columns (timepoint as written in the input; primary in the
 *   platform's names, several joined by commas in HJ 633 table order; `NA` when no AQI is published).
 * prsa (UCI Beijing multi-site): one output row per input row,
 *   `station,time,pm25,pm10,so2,no2,co,o3,aqi,primary,level` — time is the file's year/month/day/hour as ISO
 *   8601 (+08:00), concentrations as used (CO converted from µg/m³ to mg/m³). With `--standard epa` the PM
 *   values are NowCasts over the station's previous 12 rows.
 * `--standard auto` picks HJ 633-2012 or HJ 633-2026 per row from its time (2026 from 2026-03-01 00:00 +08:00).
 * `--stations <file.json>`: per-station HJ 633-2026 exemptions, in the shape of data/air/stations.json
 *   (`{"stations": [{"code": "1001A", "exempt": ["pm10"]}, …]}`, or the bare array; other keys ignored).
 *   `exempt` [] = none exempt; absent or null = not known → DEFAULT_EXEMPT (PM10). Stations not in the file get
 *   DEFAULT_EXEMPT too. Rows are matched by station code (prsa: the UCI station name, or its national code through
 *   the file's `prsaStations` map). Exemptions apply only under HJ 633-2026. See src/air/engine/README.md.
 *
 * Exit codes: 0 done; 2 usage (bad option); 4 invalid input (unreadable file, bad header, or any rejected row —
 * the good rows are still written and every rejected row is listed on stderr with line and field).
 */
import fs from 'node:fs';
import { toCsvLine } from '../platform/csv.ts';
import { primaryText } from './engine/aqi.match.ts';
import { EXIT } from '../platform/cli-error.ts';
import { Option, type Command } from 'commander';
import { pollutants, type Pollutant } from './model.ts';
import { epaAqi, epaNowcastAqi, realtimeAqi, standardFor, type AqiOptions, type AqiResult, type ChinaStandard, type Conc } from './engine/aqi.engine.ts';
import { cnemcHourly, detectO3HourColumn, parseCnemc, parsePrsa, type RowError } from './engine/aqi.parse.ts';


type StandardOption = 'auto' | ChinaStandard | 'epa';

const fmt = (v: number | null): string => (v === null ? 'NA' : String(v));

export type AqiFileResult = { csv: string; rows: number; errors: RowError[] };

/** Per-station exemptions read from a --stations file: station key → pollutants (stations known to have their own). */
export type StationExemptions = Map<string, Pollutant[]>;

/**
 * Reads a --stations file (parsed JSON): `{ stations: [{ code, exempt? }], prsaStations? }` as in
 * data/air/stations.json, or the bare array. Entries whose `exempt` is absent or null are not known (default).
 * Errors name the entry and field, e.g. `stations[3].exempt[1]: unknown pollutant pm1`.
 */
export function parseStationExemptions(json: unknown): { exemptions: StationExemptions; errors: string[] } {
  const exemptions: StationExemptions = new Map();
  const errors: string[] = [];
  const obj = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  const list = Array.isArray(json) ? json : obj?.stations;
  if (!Array.isArray(list)) return { exemptions, errors: ['stations: expected {"stations": [...]} or an array of station entries'] };
  list.forEach((e, i) => {
    const at = `stations[${i}]`;
    if (!e || typeof e !== 'object' || typeof (e as { code?: unknown }).code !== 'string' || !(e as { code: string }).code) {
      errors.push(`${at}.code: expected a station code`);
      return;
    }
    const { code, exempt } = e as { code: string; exempt?: unknown };
    if (exempt === undefined || exempt === null) return;
    if (!Array.isArray(exempt)) {
      errors.push(`${at}.exempt: expected an array of ${pollutants.join(', ')} (or null)`);
      return;
    }
    const seen: Pollutant[] = [];
    exempt.forEach((p, j) => {
      if (!pollutants.includes(p as Pollutant)) errors.push(`${at}.exempt[${j}]: unknown pollutant ${JSON.stringify(p)} (expected ${pollutants.join(', ')})`);
      else if (seen.includes(p as Pollutant)) errors.push(`${at}.exempt[${j}]: duplicate pollutant ${p}`);
      else seen.push(p as Pollutant);
    });
    if (exemptions.has(code)) errors.push(`${at}.code: duplicate station ${code}`);
    exemptions.set(code, seen);
  });
  // prsa rows carry the UCI station name: map it to the national code's exemptions.
  const prsa = obj?.prsaStations;
  if (prsa && typeof prsa === 'object')
    for (const [name, code] of Object.entries(prsa as Record<string, unknown>)) {
      const ex = typeof code === 'string' ? exemptions.get(code) : undefined;
      if (ex && !exemptions.has(name)) exemptions.set(name, ex);
    }
  return { exemptions, errors };
}

/** The whole conversion as a pure function of the file text (the command adds file I/O). */
export function aqiCsv(text: string, format: 'cnemc' | 'prsa', standard: StandardOption, exemptions?: StationExemptions): AqiFileResult {
  const chinaFor = (time: string): ChinaStandard => (standard === 'auto' || standard === 'epa' ? standardFor(time) : standard);
  // A station's own exemptions under HJ 633-2026 only; otherwise the engine's default (DEFAULT_EXEMPT / none under 2012).
  const opts = (station: string, time: string): AqiOptions => {
    const std = chinaFor(time);
    const own = std === 'hj633-2026' ? exemptions?.get(station) : undefined;
    return own ? { standard: std, exempt: own } : { standard: std };
  };
  const lines: string[] = [];
  if (format === 'cnemc') {
    const { rows, errors } = parseCnemc(text);
    const o3Column = detectO3HourColumn(rows);
    lines.push('stationcode,timepoint,aqi,primary,level');
    for (const row of rows) {
      const h = cnemcHourly(row, o3Column);
      // A single snapshot has no history for NowCast: EPA is applied to the 1-hour PM values as they are.
      const r = standard === 'epa' ? epaAqi({ pm25: h.pm25, pm10: h.pm10 }) : realtimeAqi(h, opts(row.stationcode, row.time));
      lines.push(toCsvLine([row.stationcode, row.timepointRaw, fmt(r.aqi), primaryText(r.primary), fmt(r.level)]));
    }
    return { csv: `${lines.join('\n')}\n`, rows: rows.length, errors };
  }
  const { rows, errors } = parsePrsa(text);
  lines.push('station,time,pm25,pm10,so2,no2,co,o3,aqi,primary,level');
  const history = new Map<string, { pm25: Conc[]; pm10: Conc[] }>();
  for (const row of rows) {
    let r: AqiResult;
    if (standard === 'epa') {
      let hist = history.get(row.station);
      if (!hist) history.set(row.station, (hist = { pm25: [], pm10: [] }));
      hist.pm25.unshift(row.pm25);
      hist.pm10.unshift(row.pm10);
      if (hist.pm25.length > 12) hist.pm25.pop();
      if (hist.pm10.length > 12) hist.pm10.pop();
      r = epaNowcastAqi(hist);
    } else r = realtimeAqi(row, opts(row.station, row.time));
    lines.push(toCsvLine([row.station, row.time, fmt(row.pm25), fmt(row.pm10), fmt(row.so2), fmt(row.no2), fmt(row.co), fmt(row.o3), fmt(r.aqi), primaryText(r.primary), fmt(r.level)]));
  }
  return { csv: `${lines.join('\n')}\n`, rows: rows.length, errors };
}

export function registerAirCommands(program: Command): void {
  const air = program.command('air').description('air quality: AQI (HJ 633-2012 / HJ 633-2026 / US EPA)');
  air
    .command('aqi')
    .description('compute the real-time AQI of every row of a station file (national platform snapshot or UCI PRSA)')
    .requiredOption('--in <file.csv>', 'input CSV')
    .addOption(new Option('--format <format>', 'input format').choices(['cnemc', 'prsa']).makeOptionMandatory())
    .addOption(new Option('--standard <standard>', 'AQI standard; auto = by observation time').choices(['auto', 'hj633-2012', 'hj633-2026', 'epa']).default('auto'))
    .option(
      '--stations <file.json>',
      'per-station HJ 633-2026 exemptions, shaped like data/air/stations.json: {"stations":[{"code":"1001A","exempt":["pm10"]}]} ' +
        '(or the bare array); exempt [] = none exempt, absent/null = not known; stations not known get the default (pm10)',
    )
    .requiredOption('--out <out.csv>', 'output CSV')
    .action((o: { in: string; format: 'cnemc' | 'prsa'; standard: StandardOption; stations?: string; out: string }) => {
      let exemptions: StationExemptions | undefined;
      if (o.stations !== undefined) {
        let parsed: ReturnType<typeof parseStationExemptions>;
        try {
          parsed = parseStationExemptions(JSON.parse(fs.readFileSync(o.stations, 'utf8')));
        } catch (e) {
          parsed = { exemptions: new Map(), errors: [`cannot read: ${(e as Error).message}`] };
        }
        if (parsed.errors.length) {
          for (const e of parsed.errors.slice(0, 50)) process.stderr.write(`xietong: ${o.stations}: ${e}\n`);
          process.stderr.write('nothing written\n');
          process.exitCode = EXIT.invalid;
          return;
        }
        exemptions = parsed.exemptions;
      }
      let text: string;
      try {
        text = fs.readFileSync(o.in, 'utf8');
      } catch (e) {
        process.stderr.write(`xietong: cannot read ${o.in}: ${(e as Error).message}\n`);
        process.exitCode = EXIT.invalid;
        return;
      }
      const res = aqiCsv(text, o.format, o.standard, exemptions);
      const headerBroken = res.errors.some((e) => e.line === 1);
      if (!headerBroken) fs.writeFileSync(o.out, res.csv);
      for (const e of res.errors.slice(0, 50)) process.stderr.write(`${o.in}:${e.line}${e.field ? ` [${e.field}]` : ''}: ${e.reason}\n`);
      if (res.errors.length > 50) process.stderr.write(`… ${res.errors.length - 50} more errors\n`);
      process.stderr.write(`${res.rows} rows written to ${headerBroken ? '(nothing)' : o.out}; ${res.errors.length} rejected\n`);
      if (res.errors.length) process.exitCode = EXIT.invalid;
    });
}
