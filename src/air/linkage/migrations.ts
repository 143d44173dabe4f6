import { sql, type Kysely, type Migration } from 'kysely';
import { notifyTriggerSql } from '../../platform/changes.ts';

/**
 * Joint heavy-pollution warnings and their regional linkage. Every warning action (issue, raise, lower,
 * lift) is one `air_warning` row: the history is the rows, a city's current level is its latest row.
 * Notifications and their deliveries are written in the same transaction as the action (an outbox), so a
 * crash after commit loses no delivery: dispatchers pick pending rows up again.
 */
const m0310: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('air_warning')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('city_id', 'text', (c) => c.notNull().references('city.id'))
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('previous_level', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('rule_set_id', 'text')
      .addColumn('rule_set_version', 'text')
      .addColumn('reason', 'jsonb', (c) => c.notNull())
      .addColumn('valid_from', 'timestamptz', (c) => c.notNull())
      .addColumn('valid_to', 'timestamptz')
      .addColumn('issued_by_token', 'text', (c) => c.notNull())
      .addColumn('issued_by_label', 'text')
      .addColumn('issued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      // The warning this action replaced (raise/lower/lift); set on the old row as superseded_by.
      .addColumn('replaces', 'text')
      .addColumn('superseded_by', 'text')
      .execute();
    await db.schema.createIndex('air_warning_city_idx').on('air_warning').columns(['city_id', 'issued_at']).execute();
    await db.schema
      .createTable('air_warning_notification')
      .addColumn('id', 'bigint', (c) => c.generatedByDefaultAsIdentity().primaryKey())
      .addColumn('warning_id', 'text', (c) => c.notNull().references('air_warning.id'))
      .addColumn('source_city_id', 'text', (c) => c.notNull())
      .addColumn('target_city_id', 'text', (c) => c.notNull().references('city.id'))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('delivered_at', 'timestamptz')
      .addColumn('acked_at', 'timestamptz')
      .addColumn('acked_by_token', 'text')
      .addColumn('acked_by_label', 'text')
      .addColumn('ack_note', 'text')
      .execute();
    await db.schema.createIndex('air_warning_notification_target_idx').on('air_warning_notification').columns(['target_city_id', 'id']).execute();
    await db.schema.createIndex('air_warning_notification_warning_idx').on('air_warning_notification').columns(['warning_id']).execute();
    await db.schema
      .createTable('air_webhook')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('city_id', 'text', (c) => c.notNull().references('city.id'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('disabled_at', 'timestamptz')
      .execute();
    // One row per notification and outbound channel (webhook, mqtt); SSE deliveries are recorded as
    // they happen, one row per stream.
    await db.schema
      .createTable('air_warning_delivery')
      .addColumn('id', 'bigint', (c) => c.generatedByDefaultAsIdentity().primaryKey())
      .addColumn('notification_id', 'bigint', (c) => c.notNull().references('air_warning_notification.id'))
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('last_attempt_at', 'timestamptz')
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('delivered_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('air_warning_delivery_due_idx').on('air_warning_delivery').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('air_warning_delivery_notification_idx').on('air_warning_delivery').columns(['notification_id']).execute();
    await db.schema
      .createTable('air_warning_consultation')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('warning_id', 'text', (c) => c.notNull().references('air_warning.id'))
      .addColumn('participants', 'jsonb', (c) => c.notNull())
      .addColumn('summary', 'jsonb', (c) => c.notNull())
      .addColumn('decisions', 'jsonb', (c) => c.notNull())
      .addColumn('held_at', 'timestamptz', (c) => c.notNull())
      .addColumn('recorded_by_token', 'text', (c) => c.notNull())
      .addColumn('recorded_by_label', 'text')
      .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    // Other processes on the same PostgreSQL wake their SSE streams on new notifications.
    for (const t of ['air_warning', 'air_warning_notification']) for (const s of notifyTriggerSql(t)) await sql.raw(s).execute(db);
  },
  async down(db: Kysely<any>) {
    for (const t of ['air_warning_consultation', 'air_warning_delivery', 'air_webhook', 'air_warning_notification', 'air_warning']) {
      await db.schema.dropTable(t).execute();
    }
  },
};

export const linkageMigrations = { '0310_air_linkage': m0310 };
