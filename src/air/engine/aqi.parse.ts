/**
 * Pure parsers (text in, rows and per-row errors out) for the two bundled file formats:
 *  - the national platform's hourly station snapshot (../shared/data/air/cnemc/SOURCE.md): 22 columns, two
 *    timepoint formats (2022-01-01T10:00:00 and 2026-03-15T0800), missing values as '', 'NA' (缺测) or
 *    '/' (not monitored), primarypollutant quoted when it lists several;
 *  - the UCI Beijing multi-site PRSA files (../shared/data/air/prsa/SOURCE.md): CRLF, quoted text, NA, CO in µg/m³.
 * Bad rows are reported with line (1-based, header = 1) and field; good rows are kept.
 */
import { platformNames, type Flag, type Pollutant } from '../model.ts';
import { parseMilli, type HourlyConcentrations } from './aqi.engine.ts';

export type RowError = { line: number; field: string | null; reason: string };

/** Splits one CSV record (RFC 4180 quoting, no embedded newlines in these formats). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    if (line[i] === '"') {
      let s = '';
      i++;
      while (i < n) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            s += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else s += line[i++];
      }
      out.push(s);
      if (line[i] === ',') i++;
      else break;
    } else {
      const j = line.indexOf(',', i);
      if (j < 0) {
        out.push(line.slice(i));
        break;
      }
      out.push(line.slice(i, j));
      i = j + 1;
    }
  }
  return out;
}

function lines(text: string): string[] {
  const ls = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (ls.length && ls[ls.length - 1] === '') ls.pop();
  return ls;
}

/** A concentration cell: value (µg/m³, CO mg/m³) plus its flag; `milli` is exact. */
export type Cell = { value: number | null; milli: number | null; flag: Flag };

function cell(raw: string): Cell | string {
  const t = raw.trim();
  if (t === '' || t === 'NA' || t === '—' || t === '-') return { value: null, milli: null, flag: 'missing' };
  if (t === '/') return { value: null, milli: null, flag: 'not_monitored' };
  const milli = parseMilli(t);
  if (milli === null) return `not a non-negative decimal: ${JSON.stringify(raw)}`;
  return { value: milli / 1000, milli, flag: 'valid' };
}

// ---------------------------------------------------------------- CNEMC snapshot

export const cnemcColumns = [
  'timepoint', 'stationcode', 'longitude', 'latitude', 'area', 'positionname', 'primarypollutant', 'aqi',
  'pm10', 'pm10_24h', 'pm2_5', 'pm2_5_24h', 'o3', 'o3_24h', 'o3_8h', 'o3_8h_24h', 'no2', 'no2_24h', 'so2',
  'so2_24h', 'co', 'co_24h',
] as const;
export type CnemcConcColumn = (typeof cnemcColumns)[number] & (`${string}_${string}` | 'pm10' | 'o3' | 'no2' | 'so2' | 'co');
const concColumns = cnemcColumns.slice(8) as readonly CnemcConcColumn[];

export type CnemcRow = {
  line: number;
  /** As written in the file. */
  timepointRaw: string;
  /** ISO 8601 with +08:00, e.g. 2026-03-15T08:00:00+08:00. */
  time: string;
  stationcode: string;
  area: string;
  positionname: string;
  longitude: number | null;
  latitude: number | null;
  /** Published primary pollutants in the platform's order; [] when the field is empty; null when 'NA'. */
  publishedPrimary: Pollutant[] | null;
  publishedPrimaryRaw: string;
  /** Published AQI; null when empty or NA. */
  publishedAqi: number | null;
  conc: Record<CnemcConcColumn, Cell>;
};

const nameToPollutant = new Map<string, Pollutant>(Object.entries(platformNames).map(([p, n]) => [n, p as Pollutant]));
// Names seen in other platform exports for the same pollutants.
for (const [n, p] of [
  ['臭氧8小时', 'o3'],
  ['PM2.5', 'pm25'],
  ['PM10', 'pm10'],
  ['SO2', 'so2'],
  ['NO2', 'no2'],
  ['CO', 'co'],
  ['O3', 'o3'],
] as const)
  nameToPollutant.set(n, p);

function parseTimepoint(t: string): string | null {
  const mt = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):?(\d{2})(?::?(\d{2}))?$/.exec(t.trim());
  if (!mt) return null;
  return `${mt[1]}T${mt[2]}:${mt[3]}:${mt[4] ?? '00'}+08:00`;
}

/**
 * The data lines of a CSV text with a header: the column index, each line's fields with its 1-based line
 * number, and file-level or line-level errors (missing columns, wrong field counts). Blank lines are skipped.
 */
function csvRecords(text: string, required: readonly string[]): { idx: Map<string, number>; records: { line: number; f: string[] }[]; errors: RowError[] } {
  const ls = lines(text);
  const errors: RowError[] = [];
  if (!ls.length) return { idx: new Map(), records: [], errors: [{ line: 1, field: null, reason: 'empty file' }] };
  const header = splitCsvLine(ls[0]!).map((h) => h.trim());
  const idx = new Map(header.map((h, i) => [h, i]));
  const absent = required.filter((c) => !idx.has(c));
  if (absent.length) return { idx, records: [], errors: [{ line: 1, field: absent.join(','), reason: 'missing column(s) in header' }] };
  const records: { line: number; f: string[] }[] = [];
  for (let li = 1; li < ls.length; li++) {
    const raw = ls[li]!;
    if (raw.trim() === '') continue;
    const f = splitCsvLine(raw);
    if (f.length !== header.length) errors.push({ line: li + 1, field: null, reason: `expected ${header.length} fields, got ${f.length}` });
    else records.push({ line: li + 1, f });
  }
  return { idx, records, errors };
}

export function parseCnemc(text: string): { rows: CnemcRow[]; errors: RowError[] } {
  const rows: CnemcRow[] = [];
  const { idx, records, errors } = csvRecords(text, cnemcColumns);
  for (const { line, f } of records) {
    const get = (c: string) => f[idx.get(c)!]!;
    const rowErrors: RowError[] = [];
    const time = parseTimepoint(get('timepoint'));
    if (!time) rowErrors.push({ line, field: 'timepoint', reason: `unreadable timepoint ${JSON.stringify(get('timepoint'))}` });
    const stationcode = get('stationcode').trim();
    if (!stationcode) rowErrors.push({ line, field: 'stationcode', reason: 'empty station code' });
    const conc = {} as Record<CnemcConcColumn, Cell>;
    for (const c of concColumns) {
      const v = cell(get(c));
      if (typeof v === 'string') rowErrors.push({ line, field: c, reason: v });
      else conc[c] = v;
    }
    const aqiText = get('aqi').trim();
    let publishedAqi: number | null = null;
    if (aqiText !== '' && aqiText !== 'NA' && aqiText !== '/') {
      if (!/^\d+$/.test(aqiText)) rowErrors.push({ line, field: 'aqi', reason: `not an integer: ${JSON.stringify(aqiText)}` });
      else publishedAqi = Number(aqiText);
    }
    const primRaw = get('primarypollutant').trim();
    let publishedPrimary: Pollutant[] | null = [];
    if (primRaw === 'NA') publishedPrimary = null;
    else if (primRaw !== '' && primRaw !== '—') {
      for (const name of primRaw.split(',').map((s) => s.trim()).filter(Boolean)) {
        const p = nameToPollutant.get(name);
        if (!p) rowErrors.push({ line, field: 'primarypollutant', reason: `unknown pollutant name ${JSON.stringify(name)}` });
        else publishedPrimary.push(p);
      }
    }
    if (rowErrors.length) {
      errors.push(...rowErrors);
      continue;
    }
    const num = (s: string) => (s.trim() === '' || !Number.isFinite(Number(s)) ? null : Number(s));
    rows.push({
      line,
      timepointRaw: get('timepoint'),
      time: time!,
      stationcode,
      area: get('area'),
      positionname: get('positionname'),
      longitude: num(get('longitude')),
      latitude: num(get('latitude')),
      publishedPrimary,
      publishedPrimaryRaw: primRaw,
      publishedAqi,
      conc,
    });
  }
  // Field-count errors were found first: report every error in line order.
  return { rows, errors: errors.sort((a, b) => a.line - b.line) };
}

/**
 * Which column holds the 1-hour O3 value. The archive's older layout (the 2022 file) has the O3 pairs the other
 * way round: `o3` ≥ `o3_24h` in every row (1,624 greater, 55 equal, none smaller) — `o3` is the running 24-hour
 * maximum of the 1-hour value and `o3_24h` the 1-hour value (likewise `o3_8h_24h` ≤ `o3_8h`). With `o3_24h`
 * every published AQI of that file is reproduced; with `o3` 57 are not. In the 2026 file both columns are equal.
 * Detection is per file and from the data only: if some row has o3 > o3_24h and none has o3 < o3_24h, the
 * 1-hour value is `o3_24h`; otherwise `o3`.
 */
export type O3HourColumn = 'o3' | 'o3_24h';
export function detectO3HourColumn(rows: readonly CnemcRow[]): O3HourColumn {
  let greater = 0;
  for (const r of rows) {
    const a = r.conc.o3.milli;
    const b = r.conc.o3_24h.milli;
    if (a === null || b === null) continue;
    if (a < b) return 'o3';
    if (a > b) greater++;
  }
  return greater > 0 ? 'o3_24h' : 'o3';
}

const hourColumns: Record<Exclude<Pollutant, 'o3'>, CnemcConcColumn> = { pm25: 'pm2_5', pm10: 'pm10', so2: 'so2', no2: 'no2', co: 'co' };

/** The 1-hour concentrations of a snapshot row, as realtimeAqi expects them ('/' cells listed in notMonitored). */
export function cnemcHourly(row: CnemcRow, o3Column: O3HourColumn = 'o3'): Required<Omit<HourlyConcentrations, 'notMonitored'>> & { notMonitored: Pollutant[] } {
  const col = (p: Pollutant): Cell => row.conc[p === 'o3' ? o3Column : hourColumns[p]];
  const notMonitored = (['so2', 'no2', 'pm10', 'co', 'o3', 'pm25'] as const).filter((p) => col(p).flag === 'not_monitored');
  return {
    pm25: col('pm25').value,
    pm10: col('pm10').value,
    so2: col('so2').value,
    no2: col('no2').value,
    co: col('co').value,
    o3: col('o3').value,
    so2_24h: row.conc.so2_24h.value,
    notMonitored,
  };
}

// ---------------------------------------------------------------- UCI PRSA

export type PrsaRow = {
  line: number;
  /** Hour START as in the file ("hour 0-23"), ISO 8601 with +08:00. */
  time: string;
  station: string;
  pm25: number | null;
  pm10: number | null;
  so2: number | null;
  no2: number | null;
  /** mg/m³ (the file's µg/m³ ÷ 1000, exact). */
  co: number | null;
  o3: number | null;
};

const prsaColumns = ['year', 'month', 'day', 'hour', 'PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3', 'station'] as const;

export function parsePrsa(text: string): { rows: PrsaRow[]; errors: RowError[] } {
  const rows: PrsaRow[] = [];
  const { idx, records, errors } = csvRecords(text, prsaColumns);
  for (const { line, f } of records) {
    const get = (c: string) => f[idx.get(c)!]!.trim();
    const rowErrors: RowError[] = [];
    const ints = ['year', 'month', 'day', 'hour'].map((c) => {
      const v = get(c);
      if (!/^\d+$/.test(v)) rowErrors.push({ line, field: c, reason: `not an integer: ${JSON.stringify(v)}` });
      return Number(v);
    }) as [number, number, number, number];
    const [y, mo, d, h] = ints;
    if (!rowErrors.length && (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23))
      rowErrors.push({ line, field: 'month/day/hour', reason: 'date or hour out of range' });
    const val = (c: string, scale: 1 | 1000): number | null => {
      const v = cell(get(c));
      if (typeof v === 'string') {
        rowErrors.push({ line, field: c, reason: v });
        return null;
      }
      if (v.milli === null) return null;
      return scale === 1 ? v.value : v.milli / 1_000_000;
    };
    const r = {
      pm25: val('PM2.5', 1),
      pm10: val('PM10', 1),
      so2: val('SO2', 1),
      no2: val('NO2', 1),
      co: val('CO', 1000),
      o3: val('O3', 1),
    };
    if (rowErrors.length) {
      errors.push(...rowErrors);
      continue;
    }
    const p2 = (n: number) => String(n).padStart(2, '0');
    rows.push({ line, time: `${y}-${p2(mo)}-${p2(d)}T${p2(h)}:00:00+08:00`, station: get('station'), ...r });
  }
  // Field-count errors were found first: report every error in line order.
  return { rows, errors: errors.sort((a, b) => a.line - b.line) };
}
