import { sql, type Kysely, type Migration } from 'kysely';

const m0330: Migration = {
  async up(db: Kysely<any>) {
    // One row per (city, forecasting body, issue instant, target day): a re-sent forecast is idempotent, a
    // corrected one (same issue) replaces the value and bumps `revision`; a new issue is a new row, so the
    // history of what was forecast when is kept (forecast verification needs it).
    await db.schema
      .createTable('air_forecast')
      .addColumn('city_id', 'text', (c) => c.notNull().references('city.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
      .addColumn('target_date', 'text', (c) => c.notNull().check(sql`target_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`))
      .addColumn('aqi', 'integer', (c) => c.notNull().check(sql`aqi BETWEEN 0 AND 500`))
      .addColumn('aqi_low', 'integer', (c) => c.check(sql`aqi_low BETWEEN 0 AND 500`))
      .addColumn('aqi_high', 'integer', (c) => c.check(sql`aqi_high BETWEEN 0 AND 500`))
      .addColumn('primary_pollutants', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('air_forecast_pk', ['city_id', 'source', 'issued_at', 'target_date'])
      .execute();
    await db.schema.createIndex('air_forecast_target_idx').on('air_forecast').columns(['city_id', 'target_date']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('air_forecast').execute();
  },
};

export const forecastMigrations = { '0330_air_forecast': m0330 };
