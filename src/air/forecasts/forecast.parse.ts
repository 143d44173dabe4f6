/**
 * Parsing and validation of submitted daily-AQI forecasts (HTTP JSON and CSV bodies). Pure: no I/O.
 * Every bad row is reported with its position (array index or CSV line), the field and the reason;
 * good rows are kept.
 */
import { CITY_ID, ISO_WITH_OFFSET, pollutants, type Pollutant } from '../model.ts';
import { dateInZone, daysBetween } from '../../platform/time.ts';
import { normalizePollutant, readCsvBody, TooManyRows, type RowError } from '../air.ingest.ts';

/** One validated forecast: a source's forecast, issued at an instant, of a city's daily AQI on a date. */
export type ForecastRow = {
  cityId: string;
  source: string;
  /** Epoch milliseconds. */
  issuedAt: number;
  /** YYYY-MM-DD, Asia/Shanghai calendar day. */
  date: string;
  aqi: number;
  aqiLow: number | null;
  aqiHigh: number | null;
  primary: Pollutant[];
};

export type ParsedForecasts = {
  rows: ForecastRow[];
  errors: RowError[];
  received: number;
  badRecords: number;
  positions: { index: number | null; line: number | null }[];
};

/** A forecasting body's short name, e.g. hebei-emc, bj-emc, cma-regional. */
export const SOURCE_ID = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
/** The platform's own forecast: a submitted forecast may not use its name. */
export const BASELINE_SOURCE = 'xietong-baseline';
/** How far ahead a forecast may reach (days after the issue day): regional forecasts go up to 7–10 days. */
export const MAX_LEAD_DAYS = 10;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

type Pos = { index: number | null; line: number | null };

/** The Asia/Shanghai calendar day of an instant. */
export const shanghaiDate = (ms: number): string => dateInZone(ms, 'Asia/Shanghai');

function isCalendarDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const ms = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === s;
}

function intIn(v: unknown, lo: number, hi: number): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.0+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= lo && n <= hi ? n : null;
}

const show = (v: unknown): string | null => (v === undefined ? null : typeof v === 'string' ? v.slice(0, 100) : (JSON.stringify(v)?.slice(0, 100) ?? null));

/** Validates one record (JSON object or CSV row as an object); pushes a row or the errors of its fields. */
export function parseForecastRecord(out: ParsedForecasts, pos: Pos, r: unknown): void {
  const errs: RowError[] = [];
  const fail = (field: string, value: unknown, reason: string) => errs.push({ ...pos, field, value: show(value), reason });
  if (typeof r !== 'object' || r === null || Array.isArray(r)) {
    fail('(row)', r, 'must be an object');
  } else {
    const o = r as Record<string, unknown>;
    const known = new Set(['city', 'cityId', 'source', 'issuedAt', 'date', 'aqi', 'aqiLow', 'aqiHigh', 'primary']);
    for (const k of Object.keys(o)) if (!known.has(k)) fail(k === '' ? '(empty key)' : k, o[k], 'unknown field');
    if ('city' in o && 'cityId' in o) fail('cityId', o.cityId, 'give city or cityId, not both');
    const city = o.cityId ?? o.city;
    const cityField = 'cityId' in o ? 'cityId' : 'city';
    if (typeof city !== 'string' || !CITY_ID.test(city)) fail(cityField, city, 'must be a platform city id, e.g. shijiazhuang (GET /api/geo/cities)');
    const source = o.source;
    if (typeof source !== 'string' || !SOURCE_ID.test(source)) fail('source', source, 'must be a short lower-case name of the forecasting body, e.g. hebei-emc');
    else if (source === BASELINE_SOURCE) fail('source', source, `${BASELINE_SOURCE} is the platform's own forecast and cannot be submitted`);
    let issuedAt: number | null = null;
    if (typeof o.issuedAt !== 'string' || !ISO_WITH_OFFSET.test(o.issuedAt) || !Number.isFinite(Date.parse(o.issuedAt))) fail('issuedAt', o.issuedAt, 'must be ISO 8601 with a UTC offset, e.g. 2016-12-16T16:00:00+08:00');
    else issuedAt = Date.parse(o.issuedAt);
    let date: string | null = null;
    if (typeof o.date !== 'string' || !isCalendarDate(o.date)) fail('date', o.date, 'must be a calendar date YYYY-MM-DD (Asia/Shanghai)');
    else date = o.date;
    if (issuedAt !== null && date !== null) {
      const issueDay = shanghaiDate(issuedAt);
      const lead = daysBetween(issueDay, date);
      if (lead < 0) fail('date', date, `is before the issue day ${issueDay}: a forecast is for the issue day or later`);
      else if (lead > MAX_LEAD_DAYS) fail('date', date, `is ${lead} days after the issue day; at most ${MAX_LEAD_DAYS}`);
    }
    const aqi = intIn(o.aqi, 0, 500);
    if (aqi === null) fail('aqi', o.aqi, 'must be an integer AQI 0..500');
    const opt = (k: 'aqiLow' | 'aqiHigh') => {
      if (o[k] === undefined || o[k] === null || o[k] === '') return null;
      const v = intIn(o[k], 0, 500);
      if (v === null) fail(k, o[k], 'must be an integer AQI 0..500 or empty');
      return v;
    };
    const low = opt('aqiLow');
    const high = opt('aqiHigh');
    if (aqi !== null && low !== null && low > aqi) fail('aqiLow', o.aqiLow, `must not exceed aqi ${aqi}`);
    if (aqi !== null && high !== null && high < aqi) fail('aqiHigh', o.aqiHigh, `must not be below aqi ${aqi}`);
    const primary: Pollutant[] = [];
    if (o.primary !== undefined && o.primary !== null && o.primary !== '') {
      const list = Array.isArray(o.primary) ? o.primary : typeof o.primary === 'string' ? o.primary.split(/[;|]/) : null;
      if (!list) fail('primary', o.primary, `must be a list of pollutants (${pollutants.join(', ')})`);
      else
        for (const x of list) {
          const p = typeof x === 'string' ? normalizePollutant(x) : null;
          if (!p) fail('primary', x, `unknown pollutant; one of ${pollutants.join(', ')}`);
          else if (!primary.includes(p)) primary.push(p);
        }
    }
    if (!errs.length) {
      out.rows.push({ cityId: city as string, source: source as string, issuedAt: issuedAt!, date: date!, aqi: aqi!, aqiLow: low, aqiHigh: high, primary });
      out.positions.push(pos);
      return;
    }
  }
  out.errors.push(...errs);
  out.badRecords++;
}

/** JSON body: {"forecasts": [...]} or a bare array. */
export function parseForecastJson(body: unknown, maxRows: number): ParsedForecasts | { bodyError: string } {
  const list = Array.isArray(body) ? body : typeof body === 'object' && body !== null && Array.isArray((body as { forecasts?: unknown }).forecasts) ? (body as { forecasts: unknown[] }).forecasts : null;
  if (!list) return { bodyError: 'the body must be {"forecasts": [...]} or an array of forecasts' };
  if (list.length > maxRows) throw new TooManyRows(list.length, maxRows);
  const out: ParsedForecasts = { rows: [], errors: [], received: list.length, badRecords: 0, positions: [] };
  for (let i = 0; i < list.length; i++) parseForecastRecord(out, { index: i, line: null }, list[i]);
  return out;
}

const CSV_COLUMNS: Record<string, string> = { city: 'city', city_id: 'city', cityid: 'city', source: 'source', issued_at: 'issuedAt', issuedat: 'issuedAt', date: 'date', aqi: 'aqi', aqi_low: 'aqiLow', aqilow: 'aqiLow', aqi_high: 'aqiHigh', aqihigh: 'aqiHigh', primary: 'primary' };

/** CSV body with a header: city,source,issued_at,date,aqi[,aqi_low,aqi_high,primary] (primary: pm25;pm10). */
export function parseForecastCsv(text: string, maxRows: number): ParsedForecasts | { bodyError: string } {
  const csv = readCsvBody(text);
  if ('bodyError' in csv) return csv;
  const { header, records } = csv;
  const keys: string[] = [];
  for (const h of header) {
    const k = CSV_COLUMNS[h.toLowerCase()];
    if (!k) return { bodyError: `unknown CSV column "${h}"; expected city, source, issued_at, date, aqi, aqi_low, aqi_high, primary` };
    if (keys.includes(k)) return { bodyError: `CSV column "${h}" is repeated` };
    keys.push(k);
  }
  for (const need of ['city', 'source', 'issuedAt', 'date', 'aqi']) if (!keys.includes(need)) return { bodyError: `the CSV header has no "${need === 'issuedAt' ? 'issued_at' : need}" column` };
  if (records.length - 1 > maxRows) throw new TooManyRows(records.length - 1, maxRows);
  const out: ParsedForecasts = { rows: [], errors: [], received: records.length - 1, badRecords: 0, positions: [] };
  for (let i = 1; i < records.length; i++) {
    const { record, info } = records[i]!;
    const pos = { index: null, line: info.lines };
    if (record.length !== keys.length) {
      out.errors.push({ ...pos, field: '(row)', value: record.join(',').slice(0, 100), reason: `has ${record.length} fields, the header has ${keys.length}` });
      out.badRecords++;
      continue;
    }
    const o: Record<string, unknown> = {};
    keys.forEach((k, c) => (o[k] = record[c]));
    parseForecastRecord(out, pos, o);
  }
  return out;
}
