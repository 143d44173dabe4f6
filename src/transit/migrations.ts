import { sql, type Kysely, type Migration } from 'kysely';

const m0200: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('transit_feed')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('feed_info', 'jsonb')
      .addColumn('counts', 'jsonb', (c) => c.notNull())
      .addColumn('report', 'jsonb', (c) => c.notNull())
      .addColumn('label', 'jsonb')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    const feedFk = (c: any) => c.notNull().references('transit_feed.id').onDelete('cascade');
    await db.schema
      .createTable('transit_agency')
      .addColumn('feed_id', 'text', feedFk)
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text', (c) => c.notNull())
      .addColumn('lang', 'text')
      .addColumn('phone', 'text')
      .addPrimaryKeyConstraint('transit_agency_pk', ['feed_id', 'id'])
      .execute();
    await db.schema
      .createTable('transit_stop')
      .addColumn('feed_id', 'text', feedFk)
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('code', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('lat', 'double precision', (c) => c.notNull())
      .addColumn('lon', 'double precision', (c) => c.notNull())
      .addColumn('location_type', 'smallint', (c) => c.notNull())
      .addColumn('parent_idx', 'integer', (c) => c.notNull())
      .addColumn('wheelchair_boarding', 'smallint', (c) => c.notNull())
      .addColumn('platform_code', 'text')
      .addColumn('zone_id', 'text')
      .addPrimaryKeyConstraint('transit_stop_pk', ['feed_id', 'idx'])
      .execute();
    await db.schema.createIndex('transit_stop_id_idx').on('transit_stop').columns(['feed_id', 'id']).unique().execute();
    await db.schema
      .createTable('transit_route')
      .addColumn('feed_id', 'text', feedFk)
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('agency_id', 'text')
      .addColumn('short_name', 'text', (c) => c.notNull())
      .addColumn('long_name', 'text', (c) => c.notNull())
      .addColumn('type', 'integer', (c) => c.notNull())
      .addColumn('color', 'text')
      .addColumn('text_color', 'text')
      .addPrimaryKeyConstraint('transit_route_pk', ['feed_id', 'idx'])
      .execute();
    await db.schema
      .createTable('transit_trip')
      .addColumn('feed_id', 'text', feedFk)
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('route_idx', 'integer', (c) => c.notNull())
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('headsign', 'text')
      .addColumn('short_name', 'text')
      .addColumn('direction_id', 'smallint')
      .addColumn('block_id', 'text')
      .addColumn('shape_id', 'text')
      .addColumn('wheelchair_accessible', 'smallint', (c) => c.notNull())
      .addPrimaryKeyConstraint('transit_trip_pk', ['feed_id', 'idx'])
      .execute();
    // Stop times are stored per trip as arrays: one row per trip keeps imports and loads fast
    // (a few thousand rows instead of millions) with the same information as stop_times.txt.
    await db.schema
      .createTable('transit_trip_stop_times')
      .addColumn('feed_id', 'text', feedFk)
      .addColumn('trip_idx', 'integer', (c) => c.notNull())
      .addColumn('stops', sql`integer[]`, (c) => c.notNull())
      .addColumn('sequences', sql`integer[]`, (c) => c.notNull())
      .addColumn('arrivals', sql`integer[]`, (c) => c.notNull())
      .addColumn('departures', sql`integer[]`, (c) => c.notNull())
      .addColumn('pickup_types', sql`smallint[]`, (c) => c.notNull())
      .addColumn('drop_off_types', sql`smallint[]`, (c) => c.notNull())
      .addColumn('headsigns', sql`text[]`)
      .addColumn('shape_dist', sql`double precision[]`)
      .addPrimaryKeyConstraint('transit_trip_stop_times_pk', ['feed_id', 'trip_idx'])
      .execute();
    await db.schema
      .createTable('transit_calendar')
      .addColumn('feed_id', 'text', feedFk)
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('days', sql`boolean[]`, (c) => c.notNull())
      .addColumn('start_date', 'text', (c) => c.notNull())
      .addColumn('end_date', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('transit_calendar_pk', ['feed_id', 'service_id'])
      .execute();
    await db.schema
      .createTable('transit_calendar_date')
      .addColumn('feed_id', 'text', feedFk)
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('exception_type', 'smallint', (c) => c.notNull())
      .addPrimaryKeyConstraint('transit_calendar_date_pk', ['feed_id', 'service_id', 'date'])
      .execute();
    await db.schema
      .createTable('transit_frequency')
      .addColumn('feed_id', 'text', feedFk)
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('trip_idx', 'integer', (c) => c.notNull())
      .addColumn('start_time', 'integer', (c) => c.notNull())
      .addColumn('end_time', 'integer', (c) => c.notNull())
      .addColumn('headway_secs', 'integer', (c) => c.notNull())
      .addColumn('exact_times', 'smallint', (c) => c.notNull())
      .addPrimaryKeyConstraint('transit_frequency_pk', ['feed_id', 'seq'])
      .execute();
    await db.schema
      .createTable('transit_transfer')
      .addColumn('feed_id', 'text', feedFk)
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('from_stop', 'integer', (c) => c.notNull())
      .addColumn('to_stop', 'integer', (c) => c.notNull())
      .addColumn('from_route', 'integer', (c) => c.notNull())
      .addColumn('to_route', 'integer', (c) => c.notNull())
      .addColumn('from_trip', 'integer', (c) => c.notNull())
      .addColumn('to_trip', 'integer', (c) => c.notNull())
      .addColumn('transfer_type', 'smallint', (c) => c.notNull())
      .addColumn('min_transfer_time', 'integer')
      .addPrimaryKeyConstraint('transit_transfer_pk', ['feed_id', 'seq'])
      .execute();
    await db.schema
      .createTable('transit_shape')
      .addColumn('feed_id', 'text', feedFk)
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('coords', sql`double precision[]`, (c) => c.notNull())
      .addPrimaryKeyConstraint('transit_shape_pk', ['feed_id', 'id'])
      .execute();
    await db.schema
      .createTable('transit_extra_file')
      .addColumn('feed_id', 'text', feedFk)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('rows', 'jsonb', (c) => c.notNull())
      .addPrimaryKeyConstraint('transit_extra_file_pk', ['feed_id', 'name'])
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['transit_extra_file', 'transit_shape', 'transit_transfer', 'transit_frequency', 'transit_calendar_date', 'transit_calendar', 'transit_trip_stop_times', 'transit_trip', 'transit_route', 'transit_stop', 'transit_agency', 'transit_feed']) {
      await db.schema.dropTable(t).execute();
    }
  },
};

export const transitMigrations = { '0200_transit': m0200 };
