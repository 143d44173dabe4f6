import { sql, type ColumnType, type Generated, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { PlatformTables } from '../../platform/db.ts';

type Text = { zh: string; en: string };
type JsonOf<T> = ColumnType<T, string, string>;

export type LinkageTables = {
  air_warning: {
    id: string;
    city_id: string;
    level: string;
    previous_level: string;
    action: string;
    rule_set_id: string | null;
    rule_set_version: string | null;
    reason: JsonOf<Text>;
    valid_from: Date;
    valid_to: Date | null;
    issued_by_token: string;
    issued_by_label: string | null;
    issued_at: Generated<Date>;
    replaces: string | null;
    superseded_by: string | null;
  };
  air_warning_notification: {
    id: Generated<number>;
    warning_id: string;
    source_city_id: string;
    target_city_id: string;
    status: Generated<string>;
    created_at: Generated<Date>;
    delivered_at: Date | null;
    acked_at: Date | null;
    acked_by_token: string | null;
    acked_by_label: string | null;
    ack_note: string | null;
  };
  air_webhook: { id: string; city_id: string; url: string; secret: string; created_by: string; created_at: Generated<Date>; disabled_at: Date | null };
  air_warning_delivery: {
    id: Generated<number>;
    notification_id: number;
    channel: string;
    target: string;
    status: Generated<string>;
    attempts: Generated<number>;
    next_attempt_at: Generated<Date>;
    last_attempt_at: Date | null;
    last_status: number | null;
    last_error: string | null;
    delivered_at: Date | null;
  };
  air_warning_consultation: {
    id: string;
    warning_id: string;
    participants: JsonOf<string[]>;
    summary: JsonOf<Text>;
    decisions: JsonOf<Text[]>;
    held_at: Date;
    recorded_by_token: string;
    recorded_by_label: string | null;
    recorded_at: Generated<Date>;
  };
};

export type LinkageDb = Kysely<PlatformTables & LinkageTables>;
export type LinkageTx = LinkageDb | Transaction<PlatformTables & LinkageTables>;
export type WarningRow = Selectable<LinkageTables['air_warning']>;
export type NotificationRow = Selectable<LinkageTables['air_warning_notification']>;
export type DeliveryRow = Selectable<LinkageTables['air_warning_delivery']>;
export type WebhookRow = Selectable<LinkageTables['air_webhook']>;
export type ConsultationRow = Selectable<LinkageTables['air_warning_consultation']>;
export type CityRow = Selectable<PlatformTables['city']>;

/** Advisory lock key of warning actions ('xtwn' as a 32-bit number). */
const NOTIFICATION_ORDER_LOCK = 0x7874776e;

/** Every query of the warning linkage. */
export class LinkageStore {
  constructor(readonly db: LinkageDb) {}

  regionCities(tx: LinkageTx, provinces: readonly string[]): Promise<CityRow[]> {
    return tx.selectFrom('city').selectAll().where('province', 'in', [...provinces]).orderBy('id').execute();
  }

  /** Serialises warning actions up to their commit (so notification ids are assigned in commit order). */
  async lockNotificationOrder(tx: LinkageTx): Promise<void> {
    await sql`select pg_advisory_xact_lock(${NOTIFICATION_ORDER_LOCK})`.execute(tx);
  }

  latestWarning(tx: LinkageTx, cityId: string): Promise<WarningRow | undefined> {
    return tx.selectFrom('air_warning').selectAll().where('city_id', '=', cityId).where('superseded_by', 'is', null).orderBy('issued_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  }

  /** The latest action of every city. */
  latestWarnings(tx: LinkageTx): Promise<WarningRow[]> {
    return tx.selectFrom('air_warning').selectAll().where('superseded_by', 'is', null).execute();
  }

  getWarning(tx: LinkageTx, id: string): Promise<WarningRow | undefined> {
    return tx.selectFrom('air_warning').selectAll().where('id', '=', id).executeTakeFirst();
  }

  insertWarning(tx: LinkageTx, row: Omit<LinkageTables['air_warning'], 'issued_at' | 'reason'> & { reason: string }): Promise<WarningRow> {
    return tx.insertInto('air_warning').values(row).returningAll().executeTakeFirstOrThrow();
  }

  supersede(tx: LinkageTx, id: string, by: string): Promise<unknown> {
    return tx.updateTable('air_warning').set({ superseded_by: by }).where('id', '=', id).execute();
  }

  listWarnings(tx: LinkageTx, q: { city?: string | undefined; from?: Date | undefined; to?: Date | undefined; limit: number }): Promise<WarningRow[]> {
    let s = tx.selectFrom('air_warning').selectAll();
    if (q.city) s = s.where('city_id', '=', q.city);
    if (q.from) s = s.where('issued_at', '>=', q.from);
    if (q.to) s = s.where('issued_at', '<', q.to);
    return s.orderBy('issued_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  }

  warningsByIds(tx: LinkageTx, ids: string[]): Promise<WarningRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return tx.selectFrom('air_warning').selectAll().where('id', 'in', ids).execute();
  }

  insertNotifications(tx: LinkageTx, rows: { warning_id: string; source_city_id: string; target_city_id: string }[]): Promise<NotificationRow[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return tx.insertInto('air_warning_notification').values(rows).returningAll().execute();
  }

  notificationsOf(tx: LinkageTx, warningIds: string[]): Promise<NotificationRow[]> {
    if (warningIds.length === 0) return Promise.resolve([]);
    return tx.selectFrom('air_warning_notification').selectAll().where('warning_id', 'in', warningIds).orderBy('id').execute();
  }

  getNotification(tx: LinkageTx, id: number, lock = false): Promise<NotificationRow | undefined> {
    let s = tx.selectFrom('air_warning_notification').selectAll().where('id', '=', id);
    if (lock) s = s.forUpdate();
    return s.executeTakeFirst();
  }

  /** Notifications to `cities` after `afterId`, oldest first. */
  notificationsAfter(tx: LinkageTx, cities: string[], afterId: number, limit: number): Promise<NotificationRow[]> {
    if (cities.length === 0) return Promise.resolve([]);
    return tx
      .selectFrom('air_warning_notification')
      .selectAll()
      .where('target_city_id', 'in', cities)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async maxNotificationId(tx: LinkageTx): Promise<number> {
    const r = await tx.selectFrom('air_warning_notification').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
    return r?.m === null || r?.m === undefined ? 0 : Number(r.m);
  }

  acknowledge(tx: LinkageTx, id: number, by: { token: string; label: string | null; note: string | null; at: Date }): Promise<NotificationRow> {
    return tx
      .updateTable('air_warning_notification')
      .set({ status: 'acknowledged', acked_at: by.at, acked_by_token: by.token, acked_by_label: by.label, ack_note: by.note })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** First successful delivery on any channel: pending → delivered (an acknowledgement is never undone). */
  markDelivered(tx: LinkageTx, id: number, at: Date): Promise<unknown> {
    return tx
      .updateTable('air_warning_notification')
      .set({ status: sql<string>`case when status = 'pending' then 'delivered' else status end`, delivered_at: sql<Date>`coalesce(delivered_at, ${at})` })
      .where('id', '=', id)
      .execute();
  }

  activeWebhooks(tx: LinkageTx, cities: string[]): Promise<WebhookRow[]> {
    if (cities.length === 0) return Promise.resolve([]);
    return tx.selectFrom('air_webhook').selectAll().where('city_id', 'in', cities).where('disabled_at', 'is', null).execute();
  }

  listWebhooks(tx: LinkageTx, city?: string): Promise<WebhookRow[]> {
    let s = tx.selectFrom('air_webhook').selectAll();
    if (city) s = s.where('city_id', '=', city);
    return s.orderBy('created_at').execute();
  }

  getWebhook(tx: LinkageTx, id: string): Promise<WebhookRow | undefined> {
    return tx.selectFrom('air_webhook').selectAll().where('id', '=', id).executeTakeFirst();
  }

  insertWebhook(tx: LinkageTx, row: Omit<LinkageTables['air_webhook'], 'created_at'>): Promise<WebhookRow> {
    return tx.insertInto('air_webhook').values(row).returningAll().executeTakeFirstOrThrow();
  }

  disableWebhook(tx: LinkageTx, id: string, at: Date): Promise<WebhookRow | undefined> {
    return tx.updateTable('air_webhook').set({ disabled_at: at }).where('id', '=', id).returningAll().executeTakeFirst();
  }

  insertDeliveries(tx: LinkageTx, rows: { notification_id: number; channel: string; target: string; status?: string; attempts?: number; delivered_at?: Date | null; last_attempt_at?: Date | null }[]): Promise<unknown> {
    if (rows.length === 0) return Promise.resolve();
    return tx.insertInto('air_warning_delivery').values(rows).execute();
  }

  deliveriesOf(tx: LinkageTx, notificationIds: number[]): Promise<DeliveryRow[]> {
    if (notificationIds.length === 0) return Promise.resolve([]);
    return tx.selectFrom('air_warning_delivery').selectAll().where('notification_id', 'in', notificationIds).orderBy('id').execute();
  }

  /**
   * Claims due outbound deliveries of `channels`: their next attempt moves `leaseMs` ahead so that
   * another process skips them while this one tries (SKIP LOCKED keeps claimers from waiting on each other).
   */
  async claimDue(channels: string[], now: Date, leaseMs: number, limit: number): Promise<DeliveryRow[]> {
    if (channels.length === 0) return [];
    return this.db.transaction().execute(async (tx) => {
      const due = await tx
        .selectFrom('air_warning_delivery')
        .select('id')
        .where('status', '=', 'pending')
        .where('channel', 'in', channels)
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (due.length === 0) return [];
      return tx
        .updateTable('air_warning_delivery')
        .set({ next_attempt_at: new Date(now.getTime() + leaseMs) })
        .where('id', 'in', due.map((d) => d.id))
        .returningAll()
        .execute();
    });
  }

  recordAttempt(
    tx: LinkageTx,
    id: number,
    r: { at: Date; ok: boolean; final: boolean; status: number | null; error: string | null; nextAt: Date },
  ): Promise<unknown> {
    return tx
      .updateTable('air_warning_delivery')
      .set({
        attempts: sql<number>`attempts + 1`,
        last_attempt_at: r.at,
        last_status: r.status,
        last_error: r.error,
        status: r.ok ? 'delivered' : r.final ? 'failed' : 'pending',
        delivered_at: r.ok ? r.at : null,
        next_attempt_at: r.nextAt,
      })
      .where('id', '=', id)
      .execute();
  }

  insertConsultation(tx: LinkageTx, row: Omit<LinkageTables['air_warning_consultation'], 'recorded_at' | 'participants' | 'summary' | 'decisions'> & { participants: string; summary: string; decisions: string }): Promise<ConsultationRow> {
    return tx.insertInto('air_warning_consultation').values(row).returningAll().executeTakeFirstOrThrow();
  }

  consultationsOf(tx: LinkageTx, warningId: string): Promise<ConsultationRow[]> {
    return tx.selectFrom('air_warning_consultation').selectAll().where('warning_id', '=', warningId).orderBy('held_at').orderBy('recorded_at').execute();
  }
}
