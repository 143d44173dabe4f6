import { sql, type Kysely, type Migration } from 'kysely';
import { notifyTriggerSql } from '../platform/changes.ts';

const m0300: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('air_station')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text')
      // A platform city id (the `city` table) when the station lies in one of its cities, else null.
      .addColumn('city_id', 'text')
      .addColumn('city_name', 'text', (c) => c.notNull())
      .addColumn('lat', 'double precision', (c) => c.notNull())
      .addColumn('lon', 'double precision', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('air_station_city_idx').on('air_station').column('city_id').execute();
    // One row per (station, hour end, pollutant, averaging period). No foreign key to air_station: the
    // service checks stations once per batch, and the hot upsert path stays free of per-row lookups.
    await db.schema
      .createTable('air_observation')
      .addColumn('station', 'text', (c) => c.notNull())
      .addColumn('time', 'timestamptz', (c) => c.notNull())
      .addColumn('pollutant', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('value', 'numeric')
      .addColumn('flag', 'text', (c) => c.notNull())
      .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('air_observation_pk', ['station', 'time', 'pollutant', 'period'])
      .execute();
    await db.schema.createIndex('air_observation_time_idx').on('air_observation').columns(['time']).execute();
    for (const t of ['air_station']) for (const s of notifyTriggerSql(t)) await sql.raw(s).execute(db);
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('air_observation').execute();
    await db.schema.dropTable('air_station').execute();
  },
};

/**
 * Per-station HJ 633-2026 exemptions (model.ts Station.exempt): a JSON array of pollutant ids; NULL = not
 * known, the documented default (DEFAULT_EXEMPT) applies; [] = none exempt. Named after 0310_air_linkage:
 * Kysely refuses a new migration that sorts before one a database has already run.
 */
const m0320: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('air_station').addColumn('exempt', 'jsonb').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('air_station').dropColumn('exempt').execute();
  },
};

export const airMigrations = { '0300_air': m0300, '0320_air_station_exempt': m0320 };
