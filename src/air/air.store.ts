import { sql, type ColumnType, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { PlatformTables } from '../platform/db.ts';
import { pollutants, type Pollutant, type Station } from './model.ts';
import { DEFAULT_EXEMPT } from './engine/aqi.engine.ts';
import type { ObservationRow } from './air.ingest.ts';

export type AirTables = PlatformTables & {
  air_station: {
    code: string;
    name: string;
    name_en: string | null;
    city_id: string | null;
    city_name: string;
    lat: number;
    lon: number;
    type: string;
    /** jsonb array of pollutant ids; null = not known (DEFAULT_EXEMPT applies). Written as JSON text. */
    exempt: ColumnType<unknown, string | null, string | null>;
    updated_at: Date;
  };
  air_observation: {
    station: string;
    time: Date;
    pollutant: string;
    period: string;
    value: number | null;
    flag: string;
    received_at: Date;
    revision: number;
  };
};
export type AirDb = Kysely<AirTables>;
type Tx = Transaction<AirTables> | AirDb;

export type StationRow = Selectable<AirTables['air_station']>;
export type UpsertCounts = { inserted: number; updated: number; unchanged: number };

/** Rows per upsert statement: big enough to amortise the round trip, small enough for PGlite's memory. */
const CHUNK = 20_000;

/**
 * The stored exemptions of a station: null when not known (the default applies). jsonb comes back parsed from
 * both drivers; a string is parsed too, and anything that is not a list of pollutant ids reads as not known.
 */
export function stationExempt(r: { exempt: unknown }): Pollutant[] | null {
  let v = r.exempt;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(v)) return null;
  return pollutants.filter((p) => v.includes(p));
}

/** The exemptions HJ 633-2026 AQI uses for a station: its own, or DEFAULT_EXEMPT when they are not known. */
export function effectiveExempt(r: { exempt: unknown }): { pollutants: Pollutant[]; isDefault: boolean } {
  const own = stationExempt(r);
  return own ? { pollutants: own, isDefault: false } : { pollutants: [...DEFAULT_EXEMPT], isDefault: true };
}

export function toStation(r: Omit<StationRow, 'updated_at'>): Station {
  return { code: r.code, name: r.name, nameEn: r.name_en, cityId: r.city_id ?? '', cityName: r.city_name, lat: r.lat, lon: r.lon, type: r.type as Station['type'], exempt: stationExempt(r) };
}

export class AirStore {
  constructor(readonly db: AirDb) {}

  /**
   * Inserts or updates stations. `exempt` given (a list or null) is stored; absent, a new station gets null
   * (not known) and an existing one keeps its stored exemptions.
   */
  async upsertStations(tx: Tx, stations: Station[]): Promise<void> {
    for (const withExempt of [true, false]) {
      const group = stations.filter((s) => (s.exempt !== undefined) === withExempt);
      for (let i = 0; i < group.length; i += 1000) {
        const rows = group.slice(i, i + 1000).map((s) => ({
          code: s.code,
          name: s.name,
          name_en: s.nameEn,
          city_id: s.cityId || null,
          city_name: s.cityName,
          lat: s.lat,
          lon: s.lon,
          type: s.type,
          exempt: s.exempt ? JSON.stringify(pollutants.filter((p) => s.exempt!.includes(p))) : null,
          updated_at: new Date(),
        }));
        await tx
          .insertInto('air_station')
          .values(rows)
          .onConflict((oc) =>
            oc.column('code').doUpdateSet((eb) => ({
              name: eb.ref('excluded.name'),
              name_en: eb.ref('excluded.name_en'),
              city_id: eb.ref('excluded.city_id'),
              city_name: eb.ref('excluded.city_name'),
              lat: eb.ref('excluded.lat'),
              lon: eb.ref('excluded.lon'),
              type: eb.ref('excluded.type'),
              ...(withExempt ? { exempt: eb.ref('excluded.exempt') } : {}),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    }
  }

  async stationsByCode(tx: Tx, codes: string[]): Promise<Map<string, StationRow>> {
    if (codes.length === 0) return new Map();
    const rows = await tx.selectFrom('air_station').selectAll().where('code', 'in', codes).execute();
    return new Map(rows.map((r) => [r.code, r]));
  }

  listStations(q: { cityId?: string | undefined; limit: number; offset: number }) {
    let b = this.db.selectFrom('air_station');
    if (q.cityId) b = b.where('city_id', '=', q.cityId);
    return Promise.all([
      b.selectAll().orderBy('code').limit(q.limit).offset(q.offset).execute(),
      b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]).then(([rows, c]) => ({ rows, total: Number(c.n) }));
  }

  /**
   * Inserts new observations and updates changed ones in one statement per chunk (unnest of typed
   * arrays: six bind parameters whatever the size). A re-sent identical observation changes nothing;
   * a different value for a stored key bumps `revision` and marks a valid value `revised`.
   * `rows` must hold each key once (see dedupe()).
   */
  async upsertObservations(tx: Tx, rows: ObservationRow[]): Promise<UpsertCounts> {
    let inserted = 0;
    let updated = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      const n = part.length;
      const st = new Array<string>(n), tm = new Array<string>(n), po = new Array<string>(n), pe = new Array<string>(n), va = new Array<number | null>(n), fl = new Array<string>(n);
      for (let j = 0; j < n; j++) {
        const r = part[j]!;
        st[j] = r.station;
        tm[j] = new Date(r.time).toISOString();
        po[j] = r.pollutant;
        pe[j] = r.period;
        va[j] = r.value;
        fl[j] = r.flag;
      }
      const res = await sql<{ inserted: number; updated: number }>`
        WITH up AS (
          INSERT INTO air_observation (station, time, pollutant, period, value, flag)
          SELECT * FROM unnest(${st}::text[], ${tm}::timestamptz[], ${po}::text[], ${pe}::text[], ${va}::numeric[], ${fl}::text[])
          ON CONFLICT (station, time, pollutant, period) DO UPDATE SET
            value = excluded.value,
            flag = CASE WHEN excluded.flag = 'valid' THEN 'revised' ELSE excluded.flag END,
            revision = air_observation.revision + 1,
            received_at = now()
          WHERE air_observation.value IS DISTINCT FROM excluded.value
             OR (excluded.flag <> 'valid' AND air_observation.flag IS DISTINCT FROM excluded.flag)
          RETURNING (xmax = 0) AS fresh
        )
        SELECT count(*) FILTER (WHERE fresh)::int AS inserted, count(*) FILTER (WHERE NOT fresh)::int AS updated FROM up`.execute(tx);
      inserted += Number(res.rows[0]?.inserted ?? 0);
      updated += Number(res.rows[0]?.updated ?? 0);
    }
    return { inserted, updated, unchanged: rows.length - inserted - updated };
  }

  /** Latest observation per pollutant and period of each station. */
  async latest(codes: string[] | null, cityId?: string) {
    const rows = await sql<{ station: string; time: Date; pollutant: string; period: string; value: number | null; flag: string; revision: number; received_at: Date }>`
      SELECT DISTINCT ON (o.station, o.pollutant, o.period) o.station, o.time, o.pollutant, o.period, o.value, o.flag, o.revision, o.received_at
      FROM air_observation o
      ${cityId ? sql`JOIN air_station s ON s.code = o.station AND s.city_id = ${cityId}` : sql``}
      ${codes ? sql`WHERE o.station = ANY(${codes}::text[])` : sql``}
      ORDER BY o.station, o.pollutant, o.period, o.time DESC`.execute(this.db);
    return rows.rows;
  }

  async hourly(q: { station: string; pollutant?: string | undefined; period: string; from: Date; to: Date; limit: number; offset: number }) {
    let b = this.db
      .selectFrom('air_observation')
      .where('station', '=', q.station)
      .where('period', '=', q.period)
      .where('time', '>', q.from)
      .where('time', '<=', q.to);
    if (q.pollutant) b = b.where('pollutant', '=', q.pollutant);
    const [rows, c] = await Promise.all([
      b.selectAll().orderBy('time').orderBy('pollutant').limit(q.limit).offset(q.offset).execute(),
      b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(c.n) };
  }

  /**
   * Daily means from the stored hourly values: the Asia/Shanghai day D holds the hours ending in
   * (D 00:00, D+1 00:00]. Computed at read time, so late and revised hours change the day at once.
   */
  async daily(q: { station: string; pollutant?: string | undefined; from: Date; to: Date }) {
    const r = await sql<{ day: string; pollutant: string; mean: number | null; n: number; min: number | null; max: number | null }>`
      SELECT to_char(((time AT TIME ZONE 'Asia/Shanghai') - interval '1 hour')::date, 'YYYY-MM-DD') AS day, pollutant,
             avg(value) FILTER (WHERE value IS NOT NULL)::float8 AS mean, count(value)::int AS n, min(value)::float8 AS min, max(value)::float8 AS max
      FROM air_observation
      WHERE station = ${q.station} AND period = '1h' AND time > ${q.from} AND time <= ${q.to}
        ${q.pollutant ? sql`AND pollutant = ${q.pollutant}` : sql``}
      GROUP BY 1, 2 ORDER BY 1, 2`.execute(this.db);
    return r.rows;
  }

  /** Rolling 8-hour means ending at each stored hour (the window crosses calendar days). */
  async rolling8h(q: { station: string; pollutant?: string | undefined; from: Date; to: Date }) {
    const r = await sql<{ time: Date; pollutant: string; mean: number | null; n: number }>`
      SELECT time, pollutant, mean, n FROM (
        SELECT time, pollutant,
               (avg(value) OVER w)::float8 AS mean, (count(value) OVER w)::int AS n
        FROM air_observation
        WHERE station = ${q.station} AND period = '1h' AND time > ${new Date(q.from.getTime() - 7 * 3_600_000)} AND time <= ${q.to}
          ${q.pollutant ? sql`AND pollutant = ${q.pollutant}` : sql``}
        WINDOW w AS (PARTITION BY pollutant ORDER BY time RANGE BETWEEN interval '7 hours' PRECEDING AND CURRENT ROW)
      ) x WHERE time > ${q.from} ORDER BY time, pollutant`.execute(this.db);
    return r.rows;
  }

  async countObservations(station?: string): Promise<number> {
    let b = this.db.selectFrom('air_observation');
    if (station) b = b.where('station', '=', station);
    const r = await b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
