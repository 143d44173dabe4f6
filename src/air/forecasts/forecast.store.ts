import { sql, type Kysely, type Transaction } from 'kysely';
import type { PlatformTables } from '../../platform/db.ts';
import type { ForecastRow } from './forecast.parse.ts';
import { dedupeBy } from '../air.ingest.ts';

export type ForecastTables = PlatformTables & {
  air_forecast: {
    city_id: string;
    source: string;
    issued_at: Date;
    target_date: string;
    aqi: number;
    aqi_low: number | null;
    aqi_high: number | null;
    primary_pollutants: string;
    revision: number;
    created_by: string;
    received_at: Date;
  };
};
export type ForecastDb = Kysely<ForecastTables>;
type Tx = Transaction<ForecastTables> | ForecastDb;
export type StoredForecast = ForecastTables['air_forecast'];
export type ForecastUpsertCounts = { inserted: number; updated: number; unchanged: number };

const CHUNK = 5_000;

/** Forecasts, one per (city, source, issue, date). */
export function dedupeForecasts(rows: ForecastRow[]): ForecastRow[] {
  return dedupeBy(rows, (r) => `${r.cityId}\u0000${r.source}\u0000${r.issuedAt}\u0000${r.date}`);
}

export class ForecastStore {
  constructor(readonly db: ForecastDb) {}

  /** Inserts new forecasts and corrects changed ones (revision + 1); identical re-sends change nothing. Rows must be deduplicated. */
  async upsert(tx: Tx, rows: ForecastRow[], createdBy: string): Promise<ForecastUpsertCounts> {
    let inserted = 0;
    let updated = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      const col = <T>(f: (r: ForecastRow) => T) => part.map(f);
      const res = await sql<{ inserted: number; updated: number }>`
        WITH up AS (
          INSERT INTO air_forecast (city_id, source, issued_at, target_date, aqi, aqi_low, aqi_high, primary_pollutants, created_by)
          SELECT c, s, i, d, a, l, h, p, ${createdBy} FROM unnest(
            ${col((r) => r.cityId)}::text[], ${col((r) => r.source)}::text[], ${col((r) => new Date(r.issuedAt).toISOString())}::timestamptz[],
            ${col((r) => r.date)}::text[], ${col((r) => r.aqi)}::int[], ${col((r) => r.aqiLow)}::int[], ${col((r) => r.aqiHigh)}::int[],
            ${col((r) => r.primary.join(','))}::text[]) AS t(c, s, i, d, a, l, h, p)
          ON CONFLICT (city_id, source, issued_at, target_date) DO UPDATE SET
            aqi = excluded.aqi, aqi_low = excluded.aqi_low, aqi_high = excluded.aqi_high,
            primary_pollutants = excluded.primary_pollutants, created_by = excluded.created_by,
            revision = air_forecast.revision + 1, received_at = now()
          WHERE (air_forecast.aqi, air_forecast.aqi_low, air_forecast.aqi_high, air_forecast.primary_pollutants)
                IS DISTINCT FROM (excluded.aqi, excluded.aqi_low, excluded.aqi_high, excluded.primary_pollutants)
          RETURNING (xmax = 0) AS fresh
        )
        SELECT count(*) FILTER (WHERE fresh)::int AS inserted, count(*) FILTER (WHERE NOT fresh)::int AS updated FROM up`.execute(tx);
      inserted += Number(res.rows[0]?.inserted ?? 0);
      updated += Number(res.rows[0]?.updated ?? 0);
    }
    return { inserted, updated, unchanged: rows.length - inserted - updated };
  }

  async knownCities(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.db.selectFrom('city').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Forecasts of a city for target dates in [from, to], issued at or before `asOf`: every issue (history) or,
   * per source and date, the latest issue only.
   */
  async list(q: { cityId: string; from: string; to: string; asOf: Date; source?: string | undefined; history: boolean; limit: number }): Promise<StoredForecast[]> {
    const rows = await sql<StoredForecast>`
      SELECT ${q.history ? sql`` : sql`DISTINCT ON (source, target_date)`} *
      FROM air_forecast
      WHERE city_id = ${q.cityId} AND target_date >= ${q.from} AND target_date <= ${q.to} AND issued_at <= ${q.asOf}
        ${q.source ? sql`AND source = ${q.source}` : sql``}
      ORDER BY ${q.history ? sql`target_date, source, issued_at DESC` : sql`source, target_date, issued_at DESC`}
      LIMIT ${q.limit}`.execute(this.db);
    return rows.rows;
  }
}
