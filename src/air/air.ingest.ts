/**
 * Parsing and validation of observation batches (HTTP JSON and CSV bodies, MQTT payloads). Pure: no I/O.
 * Every bad row is reported with its position (array index or CSV line), the field and the reason;
 * good rows are kept. Written by hand rather than with a zod schema per row: batches of 100,000 rows
 * are validated in a few tens of milliseconds this way.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { flags, ISO_WITH_OFFSET, periods, pollutants, STATION_CODE, type Flag, type Period, type Pollutant } from './model.ts';

/** One validated observation, time as epoch milliseconds (the end of the averaging hour). */
export type ObservationRow = { station: string; time: number; pollutant: Pollutant; period: Period; value: number | null; flag: Flag };

export type RowError = {
  /** 0-based index in a JSON array, or null for CSV. */
  index: number | null;
  /** 1-based line of a CSV body (the header is line 1), or null for JSON. */
  line: number | null;
  field: string;
  value: string | null;
  reason: string;
};

export type ParsedBatch = {
  rows: ObservationRow[];
  errors: RowError[];
  /** Records (JSON items, CSV data lines) in the body. */
  received: number;
  /** Records refused while parsing (a record with several bad fields counts once). */
  badRecords?: number;
  /** Where each row came from (same length as rows), to name rows the service refuses later. */
  positions?: { index: number | null; line: number | null }[];
};

export { STATION_CODE };
const HOUR = 3_600_000;
const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(2100, 0, 1);
/** Upper bound of a plausible concentration (µg/m³; CO mg/m³): beyond it a value is a unit or typing error. */
export const MAX_VALUE = 100_000;

const pollutantSet = new Set<string>(pollutants);
const periodSet = new Set<string>(periods);
const flagSet = new Set<string>(flags);

/** pm2.5, PM2_5, pm25 → pm25. */
export function normalizePollutant(s: string): Pollutant | null {
  const k = s.trim().toLowerCase().replace(/[._\s]/g, '');
  return pollutantSet.has(k) ? (k as Pollutant) : null;
}

type Sink = { rows: ObservationRow[]; errors: RowError[]; positions?: Pos[]; badRecords?: number };
type Pos = { index: number | null; line: number | null };

function fail(sink: Sink, pos: Pos, field: string, value: unknown, reason: string): null {
  sink.errors.push({ ...pos, field, value: value === undefined ? null : typeof value === 'string' ? value.slice(0, 100) : JSON.stringify(value)?.slice(0, 100) ?? null, reason });
  return null;
}

export function parseTime(v: unknown): number | string {
  if (typeof v !== 'string') return 'must be an ISO 8601 string with offset, e.g. 2026-03-15T08:00:00+08:00';
  if (!ISO_WITH_OFFSET.test(v)) return 'must be ISO 8601 with a UTC offset, e.g. 2026-03-15T08:00:00+08:00';
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) return 'is not a valid date';
  if (ms < MIN_TIME || ms > MAX_TIME) return 'is outside 1970–2100';
  if (ms % HOUR !== 0) return 'must be a whole hour (the end of the averaging hour)';
  return ms;
}

/** Value and flag together: NA / null = missing, "/" = not monitored, a number = valid unless flagged revised. */
function valueAndFlag(sink: Sink, pos: Pos, rawValue: unknown, rawFlag: unknown, field = 'value'): { value: number | null; flag: Flag } | null {
  let flag: Flag | null = null;
  if (rawFlag !== undefined && rawFlag !== null && rawFlag !== '') {
    if (typeof rawFlag !== 'string' || !flagSet.has(rawFlag)) return fail(sink, pos, 'flag', rawFlag, `must be one of ${flags.join(', ')}`);
    flag = rawFlag as Flag;
  }
  let value: number | null;
  let implied: Flag;
  if (rawValue === null || rawValue === undefined || rawValue === '' || rawValue === 'NA') {
    value = null;
    implied = 'missing';
  } else if (rawValue === '/') {
    value = null;
    implied = 'not_monitored';
  } else {
    const n = typeof rawValue === 'number' ? rawValue : typeof rawValue === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(rawValue) ? Number(rawValue) : NaN;
    if (!Number.isFinite(n)) return fail(sink, pos, field, rawValue, 'must be a number, null, "NA" (missing) or "/" (not monitored)');
    if (n < 0 || n > MAX_VALUE) return fail(sink, pos, field, rawValue, `must be between 0 and ${MAX_VALUE}`);
    value = n;
    implied = 'valid';
  }
  if (flag === null) return { value, flag: implied };
  if ((flag === 'valid' || flag === 'revised') && value === null) return fail(sink, pos, field, rawValue, `a ${flag} observation needs a number`);
  if ((flag === 'missing' || flag === 'not_monitored') && value !== null) return fail(sink, pos, field, rawValue, `a ${flag} observation has no value`);
  return { value, flag };
}

function parseStation(sink: Sink, pos: Pos, v: unknown): string | null {
  if (typeof v !== 'string' || !STATION_CODE.test(v)) return fail(sink, pos, 'station', v, 'must be a station code such as 1029A');
  return v;
}

function parsePeriod(sink: Sink, pos: Pos, v: unknown): Period | null {
  if (v === undefined || v === null || v === '') return '1h';
  if (typeof v !== 'string' || !periodSet.has(v)) return fail(sink, pos, 'period', v, `must be one of ${periods.join(', ')}`);
  return v as Period;
}

/**
 * One record: either long form {station, time, pollutant, value, flag?, period?} or wide form
 * {station, time, pm25?, pm10?, so2?, no2?, co?, o3?, period?} (one observation per pollutant key).
 */
export function parseRecord(sink: Sink, pos: Pos, r: unknown, defaults: { station?: string } = {}): void {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) {
    fail(sink, pos, '(row)', r, 'must be an object');
    sink.badRecords = (sink.badRecords ?? 0) + 1;
    return;
  }
  const o = r as Record<string, unknown>;
  const before = sink.errors.length;
  const station = o.station !== undefined || !defaults.station ? parseStation(sink, pos, o.station) : defaults.station;
  const t = parseTime(o.time);
  if (typeof t === 'string') fail(sink, pos, 'time', o.time, t);
  const period = parsePeriod(sink, pos, o.period);
  if ('pollutant' in o) {
    const p = typeof o.pollutant === 'string' ? normalizePollutant(o.pollutant) : null;
    if (!p) fail(sink, pos, 'pollutant', o.pollutant, `must be one of ${pollutants.join(', ')}`);
    const vf = valueAndFlag(sink, pos, o.value, o.flag);
    for (const k of Object.keys(o)) {
      if (!['station', 'time', 'pollutant', 'value', 'flag', 'period'].includes(k)) fail(sink, pos, k, o[k], 'unknown field');
    }
    if (sink.errors.length === before && station && typeof t === 'number' && p && period && vf) {
      sink.rows.push({ station, time: t, pollutant: p, period, value: vf.value, flag: vf.flag });
      sink.positions?.push(pos);
    } else sink.badRecords = (sink.badRecords ?? 0) + 1;
    return;
  }
  const found: { p: Pollutant; value: unknown; key: string }[] = [];
  for (const k of Object.keys(o)) {
    if (k === 'station' || k === 'time' || k === 'period' || k === 'flag') continue;
    const p = normalizePollutant(k);
    if (!p) fail(sink, pos, k, o[k], 'unknown field');
    else found.push({ p, value: o[k], key: k });
  }
  if (found.length === 0 && sink.errors.length === before) fail(sink, pos, 'pollutant', undefined, 'a row needs "pollutant" and "value", or pollutant columns such as pm25');
  const vfs = found.map((f) => ({ f, vf: valueAndFlag(sink, pos, f.value, o.flag, f.key) }));
  if (sink.errors.length !== before || !station || typeof t !== 'number' || !period) {
    sink.badRecords = (sink.badRecords ?? 0) + 1;
    return;
  }
  for (const { f, vf } of vfs) {
    sink.rows.push({ station, time: t, pollutant: f.p, period, value: vf!.value, flag: vf!.flag });
    sink.positions?.push(pos);
  }
}

export class TooManyRows extends Error {
  constructor(readonly count: number, readonly limit: number) {
    super(`${count} rows exceed the limit of ${limit} per request`);
  }
}

/** JSON body: {"observations": [...]} or a bare array. */
export function parseJsonBatch(body: unknown, maxRows: number): ParsedBatch | { bodyError: string } {
  const list = Array.isArray(body) ? body : typeof body === 'object' && body !== null && Array.isArray((body as { observations?: unknown }).observations) ? (body as { observations: unknown[] }).observations : null;
  if (!list) return { bodyError: 'the body must be {"observations": [...]} or an array of observations' };
  if (list.length > maxRows) throw new TooManyRows(list.length, maxRows);
  const sink: Sink = { rows: [], errors: [], positions: [], badRecords: 0 };
  for (let i = 0; i < list.length; i++) parseRecord(sink, { index: i, line: null }, list[i]);
  if (sink.rows.length > maxRows) throw new TooManyRows(sink.rows.length, maxRows);
  return { ...sink, received: list.length };
}

/**
 * CSV body with a header line. Long form: station,time,pollutant,value[,flag][,period]. Wide form:
 * station,time and pollutant columns (pm25,pm10,so2,no2,co,o3; PM2.5 style names accepted). NA = missing,
 * "/" = not monitored.
 */
export type CsvRecord = { record: string[]; info: { lines: number } };

/** Reads a CSV body with a header line: the trimmed header and every record with its line (BOM, quotes, CRLF). */
export function readCsvBody(text: string): { header: string[]; records: CsvRecord[] } | { bodyError: string } {
  let records: CsvRecord[];
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true, trim: true }) as never;
  } catch (e) {
    return { bodyError: `not valid CSV: ${(e as Error).message}` };
  }
  if (records.length === 0) return { bodyError: 'the CSV body is empty: a header line is required' };
  return { header: records[0]!.record.map((h) => h.trim()), records };
}

export function parseCsvBatch(text: string, maxRows: number): ParsedBatch | { bodyError: string } {
  const csv = readCsvBody(text);
  if ('bodyError' in csv) return csv;
  const { header, records } = csv;
  const low = header.map((h) => h.toLowerCase());
  for (const need of ['station', 'time']) if (!low.includes(need)) return { bodyError: `the CSV header has no "${need}" column` };
  const long = low.includes('pollutant');
  for (let c = 0; c < header.length; c++) {
    const h = low[c]!;
    const known = ['station', 'time', 'period', 'flag', ...(long ? ['pollutant', 'value'] : [])];
    if (!known.includes(h) && (long || !normalizePollutant(h))) return { bodyError: `unknown CSV column "${header[c]}"` };
  }
  if (records.length - 1 > maxRows) throw new TooManyRows(records.length - 1, maxRows);
  const sink: Sink = { rows: [], errors: [], positions: [], badRecords: 0 };
  for (let i = 1; i < records.length; i++) {
    const { record, info } = records[i]!;
    const pos = { index: null, line: info.lines };
    if (record.length !== header.length) {
      fail(sink, pos, '(row)', record.join(','), `has ${record.length} fields, the header has ${header.length}`);
      sink.badRecords = (sink.badRecords ?? 0) + 1;
      continue;
    }
    const o: Record<string, unknown> = {};
    for (let c = 0; c < header.length; c++) {
      const key = long || ['station', 'time', 'period', 'flag'].includes(low[c]!) ? low[c]! : header[c]!;
      o[key] = record[c];
    }
    parseRecord(sink, pos, o);
  }
  if (sink.rows.length > maxRows) throw new TooManyRows(sink.rows.length, maxRows);
  return { ...sink, received: records.length - 1 };
}

/** Keeps the last row of each key, in first-seen order: one upsert statement may not touch a row twice, and the last value sent is the one meant. */
export function dedupeBy<T>(rows: readonly T[], key: (r: T) => string): T[] {
  const seen = new Map<string, number>();
  const out: T[] = [];
  for (const r of rows) {
    const k = key(r);
    const at = seen.get(k);
    if (at === undefined) {
      seen.set(k, out.length);
      out.push(r);
    } else out[at] = r;
  }
  return out;
}

/** Observations, one per (station, time, pollutant, period). */
export function dedupe(rows: ObservationRow[]): ObservationRow[] {
  return dedupeBy(rows, (r) => `${r.station}\u0000${r.time}\u0000${r.pollutant}\u0000${r.period}`);
}
