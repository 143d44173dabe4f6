import fs from 'node:fs';
import { sql } from 'kysely';
import type { Principal } from '../../platform/auth.ts';
import { assertInScope, requireRole } from '../../platform/auth.ts';
import { appendAudit } from '../../platform/audit.ts';
import { addDays, daysBetween, isoInZone } from '../../platform/time.ts';
import { AppError, fieldError } from '../../platform/errors.ts';
import type { RowError } from '../air.ingest.ts';
import type { AirAqi } from '../air.aqi.ts';
import type { Pollutant } from '../model.ts';
import { forecastBlend, parseShippedModel, type ShippedForecastModel } from '../warnings/forecast.ts';
import { BASELINE_SOURCE, shanghaiDate, type ParsedForecasts } from './forecast.parse.ts';
import { dedupeForecasts, type ForecastStore, type ForecastUpsertCounts, type StoredForecast } from './forecast.store.ts';

/** Forecasts are written by the ecology-and-environment bureaus (their monitoring centres). */
export const FORECAST_DEPARTMENT = 'ecology';
/** The baseline is issued from the latest complete day with a valid daily AQI, looking back at most this many days. */
export const BASELINE_MAX_AGE_DAYS = 2;

const TZ = 'Asia/Shanghai';
const iso = (d: Date | number) => isoInZone(typeof d === 'number' ? d : d.getTime(), TZ);

export type SubmitResult = ForecastUpsertCounts & { received: number; accepted: number; rejected: number; errors: RowError[] };

export type ForecastView = {
  cityId: string;
  source: string;
  issuedAt: string;
  date: string;
  lead: number;
  aqi: number;
  aqiLow: number | null;
  aqiHigh: number | null;
  primary: Pollutant[];
  revision: number;
  receivedAt: string | null;
};

export type BaselineView =
  | {
      available: true;
      source: typeof BASELINE_SOURCE;
      method: string;
      issuedAt: string;
      basedOn: { date: string; aqi: number };
      model: { trainedOn: ShippedForecastModel['trainedOn']; skillReport: string };
      points: (ForecastView & { eventThreshold: number | null; signalAbove200: boolean | null })[];
    }
  | { available: false; source: typeof BASELINE_SOURCE; reason: { zh: string; en: string } };

function view(r: StoredForecast): ForecastView {
  const issued = new Date(r.issued_at).getTime();
  return {
    cityId: r.city_id,
    source: r.source,
    issuedAt: iso(issued),
    date: r.target_date,
    lead: daysBetween(shanghaiDate(issued), r.target_date),
    aqi: r.aqi,
    aqiLow: r.aqi_low,
    aqiHigh: r.aqi_high,
    primary: (r.primary_pollutants ? r.primary_pollutants.split(',') : []) as Pollutant[],
    revision: r.revision,
    receivedAt: iso(new Date(r.received_at)),
  };
}

export function loadForecastModel(file: string): ShippedForecastModel {
  return parseShippedModel(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}

/**
 * Daily-AQI forecasts per city: those submitted by forecasting bodies (API or CSV, scoped and audited,
 * every issue kept) and the platform's own baseline (data/air/forecast-model.json, method and skill in
 * docs/forecast-skill.md), computed on demand from the stored observations.
 */
export class ForecastService {
  constructor(
    readonly store: ForecastStore,
    private aqi: AirAqi,
    readonly model: ShippedForecastModel,
    private now: () => Date = () => new Date(),
  ) {}

  /**
   * Stores the good rows. Rows naming an unknown city become row errors; a city outside the writer's scope
   * refuses the whole batch (403), so a token never half-writes.
   */
  async submit(p: Principal | null, parsed: ParsedForecasts, format: 'json' | 'csv', requestId?: string): Promise<SubmitResult> {
    const who = requireRole(p, ['admin', 'editor']);
    const cities = [...new Set(parsed.rows.map((r) => r.cityId))];
    const known = await this.store.knownCities(cities);
    for (const c of cities) if (known.has(c)) assertInScope(who, { cityId: c, departmentId: FORECAST_DEPARTMENT }, `air forecast ${c}`);
    const errors = [...parsed.errors];
    const good = parsed.rows.filter((r, i) => {
      if (known.has(r.cityId)) return true;
      const pos = parsed.positions[i] ?? { index: null, line: null };
      errors.push({ ...pos, field: 'city', value: r.cityId, reason: 'unknown city (GET /api/geo/cities)' });
      return false;
    });
    errors.sort((a, b) => (a.index ?? a.line ?? 0) - (b.index ?? b.line ?? 0));
    const rows = dedupeForecasts(good);
    let counts: ForecastUpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
    if (rows.length) {
      counts = await this.store.db.transaction().execute(async (tx) => {
        const c = await this.store.upsert(tx, rows, who.label ?? who.tokenId);
        const dates = rows.map((r) => r.date).sort();
        await appendAudit(tx, {
          principal: who,
          action: 'create',
          entityType: 'air.forecasts',
          entityId: `batch:${requestId ?? Date.now()}`,
          before: null,
          after: {
            format,
            received: parsed.received,
            accepted: good.length,
            stored: rows.length,
            rejected: parsed.received - good.length,
            ...c,
            cities: [...new Set(rows.map((r) => r.cityId))].sort(),
            sources: [...new Set(rows.map((r) => r.source))].sort(),
            issued: [...new Set(rows.map((r) => iso(r.issuedAt)))].sort(),
            from: dates[0],
            to: dates[dates.length - 1],
          },
          requestId: requestId ?? null,
        });
        return c;
      });
    }
    return { received: parsed.received, accepted: good.length, rejected: parsed.received - good.length, ...counts, errors };
  }

  /** The platform's cities that have monitoring stations, with their names, in id order. */
  async citiesWithStations(): Promise<{ id: string; name: { zh: string; en: string } }[]> {
    const r = await sql<{ id: string; name_zh: string; name_en: string }>`
      SELECT c.id, c.name_zh, c.name_en FROM city c
      WHERE EXISTS (SELECT 1 FROM air_station s WHERE s.city_id = c.id) ORDER BY c.id`.execute(this.store.db);
    return r.rows.map((c) => ({ id: c.id, name: { zh: c.name_zh, en: c.name_en } }));
  }

  /** Today's date in Asia/Shanghai by the service's clock. */
  today(): string {
    return shanghaiDate(this.now().getTime());
  }

  /** 400 naming `city` when the city is not one of the platform's (GET /api/geo/cities). */
  async assertCity(city: string): Promise<void> {
    if (!(await this.store.knownCities([city])).has(city))
      throw fieldError('city', `未知的城市：${city}`, `unknown city: ${city}`);
  }

  /** Stored forecasts of a city issued at or before `asOf` (default now): the latest issue per source and date, or every issue. */
  async list(q: { city: string; from?: string | undefined; to?: string | undefined; source?: string | undefined; asOf?: string | undefined; history?: boolean | undefined; limit?: number | undefined }): Promise<ForecastView[]> {
    const asOf = q.asOf ? new Date(q.asOf) : this.now();
    const today = shanghaiDate(asOf.getTime());
    const from = q.from ?? today;
    const to = q.to ?? addDays(from, 10);
    const rows = await this.store.list({ cityId: q.city, from, to, asOf, source: q.source, history: q.history ?? false, limit: q.limit ?? 1000 });
    return rows.map(view).sort((a, b) => a.date.localeCompare(b.date) || a.source.localeCompare(b.source) || b.issuedAt.localeCompare(a.issuedAt));
  }

  /**
   * The platform's baseline forecast as it would have been issued at `asOf`: issued at 24:00 of the latest
   * complete day d (ending at or before asOf) with a valid city daily AQI A_d, at most BASELINE_MAX_AGE_DAYS
   * back; forecast(d + k) = α_k + β_k·A_d + γ_k·C(month) for the model's leads.
   */
  async baseline(city: string, asOf?: string): Promise<BaselineView> {
    const at = asOf ? new Date(asOf).getTime() : this.now().getTime();
    // The latest day whose 24:00 is at or before `at`.
    const lastComplete = addDays(shanghaiDate(at), -1);
    for (let back = 0; back <= BASELINE_MAX_AGE_DAYS; back++) {
      const d = addDays(lastComplete, -back);
      let a: number | null = null;
      try {
        const r = await this.aqi.query({ city, date: d, period: 'day', standard: 'auto' });
        a = r.items[0]?.aqi ?? null;
      } catch (e) {
        // The AQI query refuses a city without stations (400 naming `city`); anything else is a real failure.
        if (!(e instanceof AppError && e.status === 400)) throw e;
        return { available: false, source: BASELINE_SOURCE, reason: { zh: `城市 ${city} 没有监测站点`, en: `city ${city} has no monitoring station` } };
      }
      if (a === null) continue;
      const issuedAt = Date.parse(`${addDays(d, 1)}T00:00:00+08:00`);
      const thresholds = new Map(this.model.eventThresholds.map((t) => [t.lead, t.threshold]));
      return {
        available: true,
        source: BASELINE_SOURCE,
        method: this.model.method,
        issuedAt: iso(issuedAt),
        basedOn: { date: d, aqi: a },
        model: { trainedOn: this.model.trainedOn, skillReport: this.model.skillReport },
        points: forecastBlend(this.model, { issueDate: d, last24hAqi: a }).map((p) => {
          const t = thresholds.get(p.lead) ?? null;
          return {
            cityId: city,
            source: BASELINE_SOURCE,
            issuedAt: iso(issuedAt),
            date: p.date,
            lead: p.lead,
            aqi: p.aqi,
            aqiLow: null,
            aqiHigh: null,
            primary: [],
            revision: 0,
            receivedAt: null,
            eventThreshold: t,
            signalAbove200: t === null ? null : p.aqi > t,
          };
        }),
      };
    }
    return {
      available: false,
      source: BASELINE_SOURCE,
      reason: {
        zh: `${addDays(lastComplete, -BASELINE_MAX_AGE_DAYS)} 至 ${lastComplete} 没有有效的城市日 AQI（每日至少 20 个小时值），无法发布基准预报`,
        en: `no valid city daily AQI (at least 20 hourly values a day) from ${addDays(lastComplete, -BASELINE_MAX_AGE_DAYS)} to ${lastComplete}: no baseline forecast`,
      },
    };
  }

  /**
   * The daily forecasts a warning evaluation at `at` uses for the days from the day of `at` on: submitted
   * (per date, the latest issue at or before `at` of any source; equal issue times → the highest AQI, the
   * precautionary choice), the platform baseline, or none.
   */
  async forEvaluation(city: string, at: string, mode: 'submitted' | 'baseline' | 'none'): Promise<{ date: string; aqi: number; source: string; issuedAt: string }[]> {
    if (mode === 'none') return [];
    if (mode === 'baseline') {
      const b = await this.baseline(city, at);
      return b.available ? b.points.filter((p) => p.date >= shanghaiDate(Date.parse(at))).map((p) => ({ date: p.date, aqi: p.aqi, source: p.source, issuedAt: p.issuedAt })) : [];
    }
    const all = await this.list({ city, asOf: at, from: shanghaiDate(Date.parse(at)) });
    const best = new Map<string, ForecastView>();
    for (const f of all) {
      const cur = best.get(f.date);
      if (!cur || f.issuedAt > cur.issuedAt || (f.issuedAt === cur.issuedAt && f.aqi > cur.aqi)) best.set(f.date, f);
    }
    return [...best.values()].sort((a, b) => a.date.localeCompare(b.date)).map((f) => ({ date: f.date, aqi: f.aqi, source: f.source, issuedAt: f.issuedAt }));
  }
}
