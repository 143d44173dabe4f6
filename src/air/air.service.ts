import type { Principal } from '../platform/auth.ts';
import { assertInScope, requireRole } from '../platform/auth.ts';
import { appendAudit } from '../platform/audit.ts';
import { AppError, fieldError, notFound } from '../platform/errors.ts';
import { isoInZone } from '../platform/time.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Pollutant, Station } from './model.ts';
import { detectO3HourColumn, parseCnemc, parsePrsa, type CnemcConcColumn } from './engine/aqi.parse.ts';
import { dedupe, type ObservationRow, type ParsedBatch, type RowError } from './air.ingest.ts';
import { effectiveExempt, stationExempt, toStation, type AirStore, type StationRow, type UpsertCounts } from './air.store.ts';

export const TZ = 'Asia/Shanghai';
/** The department that owns monitoring stations, for department-scoped tokens. */
export const AIR_DEPARTMENT = 'ecology';

export type IngestSource = 'http-json' | 'http-csv' | 'mqtt' | 'file';

export type IngestResult = UpsertCounts & {
  received: number;
  accepted: number;
  rejected: number;
  errors: RowError[];
};

const iso = (d: Date | number) => isoInZone(typeof d === 'number' ? d : d.getTime(), TZ);

/**
 * The system principal MQTT batches are audited under: no token, a person did not write; the label names the
 * subscriber's client id and the broker (without credentials).
 */
export function mqttPrincipal(clientId: string, brokerUrl: string): Principal {
  let broker = brokerUrl;
  try {
    const u = new URL(brokerUrl);
    broker = `${u.protocol}//${u.host}`;
  } catch {
    broker = brokerUrl.replace(/\/\/[^@/]*@/, '//');
  }
  return { tokenId: 'system-mqtt', label: `MQTT client ${clientId} @ ${broker}`, role: 'editor', scope: { cityId: null, departmentId: null } };
}

/** Extra facts about an MQTT batch for its audit record. */
export type MqttBatchInfo = { batchId: string; messages: number; rejectedMessages: number };

/** Writes to monitoring data: admins, and editors whose scope covers the station's city (and the ecology department). */
function assertStationWriter(p: Principal, cityId: string | null, code: string): void {
  assertInScope(p, { cityId, departmentId: AIR_DEPARTMENT }, `air station ${code}`);
}

/**
 * Monitoring stations and their observations: batch ingestion (validate → check stations and scope →
 * upsert and audit in one transaction) and the open-data reads.
 */
export class AirService {
  constructor(
    readonly store: AirStore,
    private announce: (table: string) => void = () => {},
  ) {}

  async upsertStations(p: Principal | null, stations: Station[], requestId?: string): Promise<{ created: number; updated: number }> {
    const who = requireRole(p, ['admin', 'editor']);
    const seen = new Set<string>();
    const dup = stations.findIndex((s) => seen.size === seen.add(s.code).size);
    if (dup >= 0) throw new AppError('validation', 400, 'error.validation', {}, [{ field: `stations.${dup}.code`, message: { zh: `站点编码重复：${stations[dup]!.code}`, en: `duplicate station code ${stations[dup]!.code}` } }]);
    const exemptDups = stations.flatMap((s, i) =>
      (s.exempt ?? []).flatMap((p, j) =>
        s.exempt!.indexOf(p) < j ? [{ field: `stations.${i}.exempt.${j}`, message: { zh: `豁免污染物重复：${p}`, en: `duplicate exempt pollutant ${p}` } }] : [],
      ),
    );
    if (exemptDups.length) throw new AppError('validation', 400, 'error.validation', {}, exemptDups);
    const before = await this.store.stationsByCode(this.store.db, stations.map((s) => s.code));
    for (const s of stations) {
      assertStationWriter(who, s.cityId || null, s.code);
      const old = before.get(s.code);
      // Moving a station out of one's city is a write to that city too.
      if (old) assertStationWriter(who, old.city_id, s.code);
    }
    const created = stations.filter((s) => !before.has(s.code)).length;
    await this.store.db.transaction().execute(async (tx) => {
      await this.store.upsertStations(tx, stations);
      await appendAudit(tx, {
        principal: who,
        action: created === stations.length ? 'create' : 'update',
        entityType: 'air.stations',
        entityId: stations.length === 1 ? stations[0]!.code : `${stations.length} stations`,
        before: [...before.values()].map((r) => toStation(r)),
        after: stations,
        requestId: requestId ?? null,
      });
    });
    this.announce('air_station');
    return { created, updated: stations.length - created };
  }

  /**
   * Stores the good rows of a parsed batch. Rows of unknown stations become row errors; a station
   * outside the writer's scope refuses the whole batch (403) — a token never half-writes.
   */
  async ingest(p: Principal | null, batch: ParsedBatch, source: IngestSource, requestId?: string): Promise<IngestResult> {
    const who = requireRole(p, ['admin', 'editor']);
    const codes = [...new Set(batch.rows.map((r) => r.station))];
    const stations = await this.store.stationsByCode(this.store.db, codes);
    for (const c of codes) {
      const s = stations.get(c);
      if (s) assertStationWriter(who, s.city_id, c);
    }
    const errors = [...batch.errors];
    const good: ObservationRow[] = [];
    const refused = new Set<string>();
    for (let i = 0; i < batch.rows.length; i++) {
      const r = batch.rows[i]!;
      if (stations.has(r.station)) {
        good.push(r);
        continue;
      }
      const pos = batch.positions?.[i] ?? { index: null, line: null };
      const key = `${pos.index}:${pos.line}`;
      if (refused.has(key) && (pos.index !== null || pos.line !== null)) continue;
      refused.add(key);
      errors.push({ ...pos, field: 'station', value: r.station, reason: 'unknown station: register it first (POST /api/air/stations)' });
    }
    if (batch.positions) errors.sort((a, b) => (a.index ?? a.line ?? 0) - (b.index ?? b.line ?? 0));
    const rows = dedupe(good);
    const counts = await this.storeAudited(rows, who, `batch:${requestId ?? Date.now()}`, { source, received: batch.received, rejected: errors.length }, requestId ?? null);
    return { received: batch.received, accepted: rows.length, rejected: (batch.badRecords ?? batch.errors.length) + refused.size, ...counts, errors };
  }

  /**
   * MQTT path: stations already checked by the caller (the subscriber). One audit record per committed batch,
   * in the transaction of the upsert, under the system principal of the subscriber (mqttPrincipal) — never
   * one per message, so the hot path pays one small insert per commit.
   */
  async ingestTrusted(rows: ObservationRow[], who: Principal, info: MqttBatchInfo): Promise<UpsertCounts> {
    return this.storeAudited(dedupe(rows), who, `batch:${info.batchId}`, { source: 'mqtt' satisfies IngestSource, messages: info.messages, rejectedMessages: info.rejectedMessages, received: rows.length }, null);
  }

  /**
   * Upserts deduplicated observations and writes their one audit record (what was sent, the counts, the stations
   * and the time span) in the same transaction; nothing to store writes nothing.
   */
  private async storeAudited(rows: ObservationRow[], who: Principal, entityId: string, sent: Record<string, unknown>, requestId: string | null): Promise<UpsertCounts> {
    if (!rows.length) return { inserted: 0, updated: 0, unchanged: 0 };
    let minT = Infinity;
    let maxT = -Infinity;
    const stations = new Set<string>();
    for (const r of rows) {
      if (r.time < minT) minT = r.time;
      if (r.time > maxT) maxT = r.time;
      stations.add(r.station);
    }
    return this.store.db.transaction().execute(async (tx) => {
      const c = await this.store.upsertObservations(tx, rows);
      await appendAudit(tx, {
        principal: who,
        action: 'create',
        entityType: 'air.observations',
        entityId,
        before: null,
        after: { ...sent, accepted: rows.length, ...c, stations: [...stations].sort(), from: iso(minT), to: iso(maxT) },
        requestId,
      });
      return c;
    });
  }

  async stationCities(codes: string[]): Promise<Map<string, StationRow>> {
    return this.store.stationsByCode(this.store.db, codes);
  }

  async locations(q: { city?: string | undefined; limit: number; page: number }) {
    const { rows, total } = await this.store.listStations({ cityId: q.city, limit: q.limit, offset: (q.page - 1) * q.limit });
    const latest = rows.length ? await this.store.latest(rows.map((r) => r.code)) : [];
    const byStation = new Map<string, typeof latest>();
    for (const l of latest) (byStation.get(l.station) ?? byStation.set(l.station, []).get(l.station)!).push(l);
    return { meta: { found: total, page: q.page, limit: q.limit }, results: rows.map((r) => this.locationView(r, byStation.get(r.code) ?? [])) };
  }

  async location(code: string) {
    const s = (await this.store.stationsByCode(this.store.db, [code])).get(code);
    if (!s) throw notFound('entity.station', code);
    return this.locationView(s, await this.store.latest([code]));
  }

  private locationView(r: StationRow, latest: { pollutant: string; period: string; time: Date }[]) {
    const sensors = latest.map((l) => ({ id: `${r.code}:${l.pollutant}:${l.period}`, parameter: { name: l.pollutant, units: l.pollutant === 'co' ? 'mg/m³' : 'µg/m³' }, period: l.period, datetimeLast: iso(l.time) }));
    const last = latest.reduce<Date | null>((m, l) => (!m || l.time > m ? l.time : m), null);
    const applied = effectiveExempt(r);
    return {
      code: r.code,
      name: r.name,
      nameEn: r.name_en,
      cityId: r.city_id,
      cityName: r.city_name,
      type: r.type,
      exempt: stationExempt(r),
      exemptDefault: applied.isDefault,
      exemptApplied: applied.pollutants,
      coordinates: { latitude: r.lat, longitude: r.lon },
      timezone: TZ,
      sensors,
      datetimeLast: last ? iso(last) : null,
    };
  }

  async latest(q: { station?: string | undefined; city?: string | undefined }) {
    if (q.station && !(await this.store.stationsByCode(this.store.db, [q.station])).has(q.station)) throw notFound('entity.station', q.station);
    const rows = await this.store.latest(q.station ? [q.station] : null, q.city);
    return { meta: { found: rows.length }, results: rows.map((r) => ({ station: r.station, pollutant: r.pollutant, period: r.period, datetime: iso(r.time), value: r.value === null ? null : Number(r.value), flag: r.flag, revision: r.revision })) };
  }

  /**
   * Measurements of one station: stored values of the period, or for period 8h/24h with
   * `aggregate=true` means computed from the hourly values with their coverage (GB 3095 validity:
   * ≥ 6 of 8 hours, ≥ 20 of 24).
   */
  async measurements(q: { station: string; pollutant?: string | undefined; from: string; to: string; period: '1h' | '8h' | '24h'; aggregate: boolean; limit: number; page: number }) {
    if (!(await this.store.stationsByCode(this.store.db, [q.station])).has(q.station)) throw notFound('entity.station', q.station);
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (!(to > from)) throw fieldError('to', '结束时间必须晚于开始时间', 'to must be after from');
    if (!q.aggregate || q.period === '1h') {
      const { rows, total } = await this.store.hourly({ station: q.station, pollutant: q.pollutant, period: q.period, from, to, limit: q.limit, offset: (q.page - 1) * q.limit });
      return {
        meta: { found: total, page: q.page, limit: q.limit },
        results: rows.map((r) => ({
          station: r.station,
          pollutant: r.pollutant,
          period: { label: r.period, datetimeFrom: iso(r.time.getTime() - hours(r.period) * 3_600_000), datetimeTo: iso(r.time) },
          value: r.value === null ? null : Number(r.value),
          flag: r.flag,
          revision: r.revision,
          coverage: null,
        })),
      };
    }
    // Means over a window with their coverage; valid when at least `need` of its `hoursInWindow` values exist.
    const windows =
      q.period === '24h'
        ? (await this.store.daily({ station: q.station, pollutant: q.pollutant, from, to })).map((r) => {
            const start = Date.parse(`${r.day}T00:00:00+08:00`);
            return { pollutant: r.pollutant, start, end: start + 86_400_000, mean: r.mean, n: r.n, min: r.min, max: r.max };
          })
        : (await this.store.rolling8h({ station: q.station, pollutant: q.pollutant, from, to })).map((r) => {
            const end = r.time.getTime();
            return { pollutant: r.pollutant, start: end - 8 * 3_600_000, end, mean: r.mean, n: r.n, min: null, max: null };
          });
    const [hoursInWindow, need] = q.period === '24h' ? [24, 20] : [8, 6];
    const page = windows.slice((q.page - 1) * q.limit, q.page * q.limit);
    return {
      meta: { found: windows.length, page: q.page, limit: q.limit },
      results: page.map((w) => ({
        station: q.station,
        pollutant: w.pollutant,
        period: { label: q.period, datetimeFrom: iso(w.start), datetimeTo: iso(w.end) },
        value: w.mean === null ? null : round(w.mean),
        flag: w.n >= need ? 'valid' : 'missing',
        revision: null,
        coverage: { expectedCount: hoursInWindow, observedCount: w.n, percentComplete: round((w.n / hoursInWindow) * 100), min: w.min, max: w.max, valid: w.n >= need },
      })),
    };
  }
}

/** Snapshot columns stored as observations: [column, pollutant, period]. The 1-hour O3 column is detected per file. */
const cnemcStored: [CnemcConcColumn, Pollutant, '1h' | '8h' | '24h'][] = [
  ['pm2_5', 'pm25', '1h'], ['pm2_5_24h', 'pm25', '24h'], ['pm10', 'pm10', '1h'], ['pm10_24h', 'pm10', '24h'],
  ['so2', 'so2', '1h'], ['so2_24h', 'so2', '24h'], ['no2', 'no2', '1h'], ['no2_24h', 'no2', '24h'],
  ['co', 'co', '1h'], ['co_24h', 'co', '24h'], ['o3_8h', 'o3', '8h'],
];

/** Observations of a national-platform snapshot file (all stored columns; the 1-hour O3 column detected per file). */
export function cnemcObservations(text: string, file: string): { rows: ObservationRow[]; errors: string[] } {
  const parsed = parseCnemc(text);
  const errors = parsed.errors.map((e) => `${file}:${e.line} ${e.field ?? ''} ${e.reason}`);
  const o3 = detectO3HourColumn(parsed.rows);
  const rows: ObservationRow[] = [];
  for (const r of parsed.rows) {
    const time = Date.parse(r.time);
    for (const [col, pollutant, period] of [...cnemcStored, [o3, 'o3', '1h'] as const]) {
      const c = r.conc[col];
      rows.push({ station: r.stationcode, time, pollutant, period, value: c.value, flag: c.flag });
    }
  }
  return { rows, errors };
}

/** Observations of a UCI Beijing multi-site file, its stations mapped to national codes. */
export function prsaObservations(text: string, file: string, stationCodes: Record<string, string>): { rows: ObservationRow[]; errors: string[] } {
  const prsa = parsePrsa(text);
  const errors = prsa.errors.map((e) => `${file}:${e.line} ${e.field ?? ''} ${e.reason}`);
  const rows: ObservationRow[] = [];
  for (const r of prsa.rows) {
    const code = stationCodes[r.station];
    if (!code) {
      errors.push(`${file}:${r.line} station unknown UCI station ${r.station}`);
      continue;
    }
    // The UCI file labels an hour by its start; the platform (and this store) by its end.
    const time = Date.parse(r.time) + 3_600_000;
    for (const pollutant of ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'] as const) {
      const v = r[pollutant];
      rows.push({ station: code, time, pollutant, period: '1h', value: v, flag: v === null ? 'missing' : 'valid' });
    }
  }
  return { rows, errors };
}

/** The UCI station → national code mapping bundled with the demo data (data/air/stations.json). */
/** The bundled stations file (data/air/stations.json): the stations and the UCI station → national code map. */
type StationsFile = { prsaStations: Record<string, string>; stations: Station[] };

/** The UCI station → national code map of a stations file (the path as given). */
export function prsaStationCodes(file: string): Record<string, string> {
  const map = (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StationsFile>).prsaStations;
  if (!map || typeof map !== 'object') throw new Error('no "prsaStations" object (UCI station name → national code)');
  return map;
}

/**
 * The bundled demo slice (data/air, see its SOURCE.md): stations of the platform's cities, the two
 * national snapshots and the December 2016 Beijing episode (UCI stations mapped to national codes).
 * Read with the engine's file parsers; stored through the same upsert as every other path.
 */
export async function loadAirDemo(service: AirService, p: Principal, dir: string): Promise<{ stations: number; observations: number }> {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'stations.json'), 'utf8')) as StationsFile;
  await service.upsertStations(p, meta.stations, 'seed');
  const rows: ObservationRow[] = [];
  const errors: string[] = [];
  for (const file of fs.readdirSync(path.join(dir, 'cnemc')).filter((f) => f.endsWith('.csv')).sort()) {
    const out = cnemcObservations(fs.readFileSync(path.join(dir, 'cnemc', file), 'utf8'), `cnemc/${file}`);
    for (const r of out.rows) rows.push(r);
    errors.push(...out.errors);
  }
  const prsa = prsaObservations(fs.readFileSync(path.join(dir, 'prsa-beijing-2016-12.csv'), 'utf8'), 'prsa', meta.prsaStations);
  for (const r of prsa.rows) rows.push(r);
  errors.push(...prsa.errors);
  if (errors.length) throw new Error(`bundled air data in ${dir} is invalid:\n  ${errors.slice(0, 20).join('\n  ')}`);
  const out = await service.ingest(p, { rows, errors: [], received: rows.length }, 'file', 'seed');
  if (out.errors.length) throw new Error(`bundled air data: ${out.errors.length} rows refused, e.g. ${JSON.stringify(out.errors[0])}`);
  return { stations: meta.stations.length, observations: out.accepted };
}

const hours = (p: string) => (p === '24h' ? 24 : p === '8h' ? 8 : 1);
const round = (x: number) => Math.round(x * 1000) / 1000;
