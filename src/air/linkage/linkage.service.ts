import crypto from 'node:crypto';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { assertInScope, type Principal } from '../../platform/auth.ts';
import { appendAudit } from '../../platform/audit.ts';
import {
  actionFor,
  levelNames,
  regionProvinces,
  type ConsultationCreate,
  type ConsultationView,
  type NotificationView,
  type WarningAction,
  type WarningCreate,
  type WarningLevel,
  type WarningLift,
  type WarningView,
} from './model.ts';
import type { CityRow, ConsultationRow, DeliveryRow, LinkageStore, LinkageTx, NotificationRow, WarningRow, WebhookRow } from './linkage.store.ts';
import { LinkageMqttPublisher } from './linkage.mqtt.ts';
import { formatEvent, SseHub, type SseSink, type SseStream } from './linkage.sse.ts';
import { checkWebhookUrl } from './webhook.guard.ts';
import { postWebhook, WebhookRefused, type HostResolver } from './webhook.http.ts';

export type LinkageOptions = {
  now?: () => Date;
  /** Called after a committed write with the table it changed (response caches listen). */
  announce?: (table: string) => void;
  /** Table changes of every process (ChangeFeed): SSE streams wake on new notifications written elsewhere. */
  changes?: { on(event: 'change', fn: (table: string) => void): unknown; off(event: 'change', fn: (table: string) => void): unknown } | null;
  /** MQTT broker for the warning topics; null = no MQTT channel. */
  mqtt?: { url: string; prefix?: string; clientId?: string } | null;
  /**
   * Outbound deliveries (webhook, MQTT): attempts at most, first retry delay (doubles), request timeout.
   * `allowPrivateNetworks` (XIETONG_WEBHOOK_ALLOW_PRIVATE) lets webhooks reach loopback, private and other
   * non-public addresses; off, such URLs are refused at registration and such addresses at delivery (SSRF).
   */
  delivery?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; timeoutMs?: number; pollMs?: number; allowPrivateNetworks?: boolean };
  /** Host name resolution of webhook deliveries (default: node:dns lookup, all addresses); for tests. */
  resolveHost?: HostResolver;
  heartbeatMs?: number;
  log?: { warn(obj: object, msg: string): void };
};

const fieldErr = (field: string, zh: string, en: string): FieldError => ({ field, message: { zh, en } });
const iso = (d: Date | string) => new Date(d).toISOString();
const actorOf = (token: string, label: string | null) => ({ tokenId: token, label });

function warningNotFound(id: string) {
  return new AppError('not_found', 404, 'error.notFound', { what: 'entity.warning', id });
}

function warningView(w: WarningRow): WarningView {
  const level = w.level as WarningLevel;
  return {
    id: w.id,
    cityId: w.city_id,
    level,
    levelName: levelNames[level],
    previousLevel: w.previous_level as WarningLevel,
    action: w.action as WarningAction,
    ruleSet: w.rule_set_id ? { id: w.rule_set_id, version: w.rule_set_version ?? '' } : null,
    reason: w.reason,
    validFrom: iso(w.valid_from),
    validTo: w.valid_to ? iso(w.valid_to) : null,
    issuedBy: actorOf(w.issued_by_token, w.issued_by_label),
    issuedAt: iso(w.issued_at),
    replaces: w.replaces,
    supersededBy: w.superseded_by,
    active: w.superseded_by === null && level !== 'none',
  };
}

function notificationView(n: NotificationRow, w: WarningRow): NotificationView {
  const level = w.level as WarningLevel;
  return {
    id: Number(n.id),
    warningId: n.warning_id,
    sourceCityId: n.source_city_id,
    targetCityId: n.target_city_id,
    action: w.action as WarningAction,
    level,
    previousLevel: w.previous_level as WarningLevel,
    levelName: levelNames[level],
    reason: w.reason,
    validFrom: iso(w.valid_from),
    validTo: w.valid_to ? iso(w.valid_to) : null,
    ruleSet: w.rule_set_id ? { id: w.rule_set_id, version: w.rule_set_version ?? '' } : null,
    issuedBy: actorOf(w.issued_by_token, w.issued_by_label),
    createdAt: iso(n.created_at),
    status: n.status as NotificationView['status'],
    deliveredAt: n.delivered_at ? iso(n.delivered_at) : null,
    acknowledgement: n.acked_at ? { by: actorOf(n.acked_by_token ?? '', n.acked_by_label), at: iso(n.acked_at), note: n.ack_note } : null,
  };
}

function deliveryView(d: DeliveryRow) {
  return {
    channel: d.channel as 'sse' | 'mqtt' | 'webhook',
    target: d.target,
    status: d.status as 'pending' | 'delivered' | 'failed',
    attempts: d.attempts,
    lastAttemptAt: d.last_attempt_at ? iso(d.last_attempt_at) : null,
    lastStatus: d.last_status,
    lastError: d.last_error,
    deliveredAt: d.delivered_at ? iso(d.delivered_at) : null,
  };
}

function webhookView(w: WebhookRow) {
  return { id: w.id, cityId: w.city_id, url: w.url, createdBy: w.created_by, createdAt: iso(w.created_at), disabledAt: w.disabled_at ? iso(w.disabled_at) : null };
}

function consultationView(c: ConsultationRow): ConsultationView {
  return {
    id: c.id,
    warningId: c.warning_id,
    participants: c.participants,
    summary: c.summary,
    decisions: c.decisions,
    heldAt: iso(c.held_at),
    recordedBy: actorOf(c.recorded_by_token, c.recorded_by_label),
    recordedAt: iso(c.recorded_at),
  };
}

/**
 * Joint warnings and regional linkage (区域联动): warning actions per city, one notification per other
 * city of the region for each action, delivered by SSE, MQTT and webhooks, acknowledged by the target
 * city, shown on the board. Deliveries are an outbox written with the action, so they survive a crash.
 */
export class LinkageService {
  private now: () => Date;
  private announce: (table: string) => void;
  private hub: SseHub;
  private publisher: LinkageMqttPublisher | null;
  private timer: NodeJS.Timeout | null = null;
  private dispatching: Promise<void> | null = null;
  private dispatchAgain = false;
  private stopped = true;
  private delivery: Required<NonNullable<LinkageOptions['delivery']>>;
  private onChange = (table: string) => {
    if (table === 'air_warning_notification' || table === '*') this.hub.wake();
  };

  constructor(
    private store: LinkageStore,
    private opts: LinkageOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.announce = opts.announce ?? (() => {});
    this.delivery = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 60_000, timeoutMs: 5000, pollMs: 1000, allowPrivateNetworks: false, ...opts.delivery };
    this.hub = new SseHub((streams) => this.pump(streams), opts.heartbeatMs ?? 15_000, (e) => this.opts.log?.warn({ err: String(e) }, 'warning SSE pump failed'));
    this.publisher = opts.mqtt ? new LinkageMqttPublisher(opts.mqtt) : null;
  }

  private get db() {
    return this.store.db;
  }

  /** Starts delivery: the MQTT publisher and the dispatcher of pending webhook/MQTT deliveries (also those left by a previous run). */
  start(log?: LinkageOptions['log']): void {
    if (log) this.opts.log = log;
    if (!this.stopped) return;
    this.stopped = false;
    this.opts.changes?.on('change', this.onChange);
    if (this.publisher) {
      this.publisher.onConnect = () => {
        void this.publishLevels().catch((e) => this.opts.log?.warn({ err: String(e) }, 'warning levels not published'));
        this.kick();
      };
      this.publisher.start();
    }
    this.timer = setInterval(() => this.kick(), this.delivery.pollMs);
    this.timer.unref();
    this.kick();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.opts.changes?.off('change', this.onChange);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.hub.closeAll();
    await this.hub.idle();
    while (this.dispatching) await this.dispatching;
    await this.publisher?.stop();
  }

  /** Whether webhooks may target loopback/private/non-public addresses (XIETONG_WEBHOOK_ALLOW_PRIVATE). */
  get allowsPrivateWebhooks(): boolean {
    return this.delivery.allowPrivateNetworks;
  }

  get mqttConnected(): boolean | null {
    return this.publisher ? this.publisher.connected : null;
  }

  // ---- region ----

  async regionCities(tx: LinkageTx = this.db): Promise<CityRow[]> {
    return this.store.regionCities(tx, regionProvinces);
  }

  private async regionCity(tx: LinkageTx, cityId: string, field: string): Promise<CityRow> {
    return this.inRegion(await this.regionCities(tx), cityId, field);
  }

  private inRegion(region: CityRow[], cityId: string, field: string): CityRow {
    const c = region.find((x) => x.id === cityId);
    if (!c) {
      throw new AppError('validation', 400, 'error.validation', {}, [
        fieldErr(field, `不是京津冀区域的城市：${cityId}`, `not a city of the Beijing–Tianjin–Hebei region: ${cityId}`),
      ]);
    }
    return c;
  }

  /** Admins everywhere; editors only for the city of their token's scope. */
  private assertCity(p: Principal, cityId: string, entity: string): void {
    assertInScope(p, { cityId, departmentId: p.scope.departmentId }, entity);
    if (p.role !== 'admin' && p.scope.cityId !== cityId) {
      throw new AppError('forbidden', 403, 'error.forbidden.scope', { scope: p.scope.cityId ? `city:${p.scope.cityId}` : '-', target: `city:${cityId}`, entity });
    }
  }

  // ---- warnings ----

  async issue(p: Principal, input: WarningCreate, requestId?: string): Promise<WarningView> {
    this.assertCity(p, input.cityId, 'warning');
    const errors: FieldError[] = [];
    const validFrom = input.validFrom ? new Date(input.validFrom) : this.now();
    const validTo = input.validTo ? new Date(input.validTo) : null;
    if (validTo && validTo <= validFrom) errors.push(fieldErr('validTo', '结束时间须晚于开始时间', 'validTo must be after validFrom'));
    if (errors.length) throw new AppError('validation', 400, 'error.validation', {}, errors);
    return this.act(p, input.cityId, input.level, { ruleSet: input.ruleSet, reason: input.reason, validFrom, validTo, replaces: null }, requestId);
  }

  async lift(p: Principal, id: string, input: WarningLift, requestId?: string): Promise<WarningView> {
    const w = await this.store.getWarning(this.db, id);
    if (!w) throw warningNotFound(id);
    this.assertCity(p, w.city_id, id);
    const validFrom = input.validFrom ? new Date(input.validFrom) : this.now();
    return this.act(p, w.city_id, 'none', { ruleSet: input.ruleSet ?? null, reason: input.reason, validFrom, validTo: null, replaces: id }, requestId);
  }

  /** One warning action: the new row, the old one superseded, notifications and their outbound deliveries, the audit record — one transaction. */
  private async act(
    p: Principal,
    cityId: string,
    level: WarningLevel,
    a: { ruleSet: { id: string; version: string } | null; reason: { zh: string; en: string }; validFrom: Date; validTo: Date | null; replaces: string | null },
    requestId?: string,
  ): Promise<WarningView> {
    const out = await this.db.transaction().execute(async (tx) => {
      const region = await this.regionCities(tx);
      this.inRegion(region, cityId, 'cityId');
      // Notification ids must follow commit order, or a stream past id n could miss a smaller id committed
      // later: warning actions (rare) take one transaction-scoped lock, held until commit. It also serialises
      // the actions of each city.
      await this.store.lockNotificationOrder(tx);
      const prev = await this.store.latestWarning(tx, cityId);
      const previous = (prev?.level ?? 'none') as WarningLevel;
      if (a.replaces !== null && (!prev || prev.id !== a.replaces || previous === 'none')) {
        throw new AppError('warning_not_active', 409, 'error.validation', {}, [
          fieldErr('id', `该预警已不是${cityId}的当前预警（当前：${prev?.id ?? '无'}）`, `this warning is no longer the current one of ${cityId} (current: ${prev?.id ?? 'none'})`),
        ]);
      }
      const action = actionFor(previous, level);
      if (!action) throw new AppError('warning_unchanged', 409, 'error.conflict.exists', { what: `${levelNames[level].zh} / ${levelNames[level].en}`, id: cityId });
      const id = `awn_${crypto.randomUUID()}`;
      const row = await this.store.insertWarning(tx, {
        id,
        city_id: cityId,
        level,
        previous_level: previous,
        action,
        rule_set_id: a.ruleSet?.id ?? null,
        rule_set_version: a.ruleSet?.version ?? null,
        reason: JSON.stringify(a.reason),
        valid_from: a.validFrom,
        valid_to: a.validTo,
        issued_by_token: p.tokenId,
        issued_by_label: p.label,
        replaces: prev && previous !== 'none' ? prev.id : null,
        superseded_by: null,
      });
      if (prev) await this.store.supersede(tx, prev.id, id);
      const targets = region.filter((c) => c.id !== cityId).map((c) => c.id);
      const notes = await this.store.insertNotifications(tx, targets.map((t) => ({ warning_id: id, source_city_id: cityId, target_city_id: t })));
      const hooks = await this.store.activeWebhooks(tx, targets);
      const deliveries: { notification_id: number; channel: string; target: string }[] = [];
      for (const n of notes) {
        for (const h of hooks.filter((x) => x.city_id === n.target_city_id)) deliveries.push({ notification_id: Number(n.id), channel: 'webhook', target: h.id });
        if (this.publisher) deliveries.push({ notification_id: Number(n.id), channel: 'mqtt', target: this.publisher.inboxTopic(n.target_city_id) });
      }
      await this.store.insertDeliveries(tx, deliveries);
      const view = warningView(row);
      await appendAudit(tx, {
        principal: p,
        action: 'create',
        entityType: 'air.warning',
        entityId: id,
        before: prev ? warningView(prev) : null,
        after: { ...view, notifications: notes.map((n) => ({ id: Number(n.id), targetCityId: n.target_city_id })) },
        requestId: requestId ?? null,
      });
      return view;
    });
    this.announce('air_warning');
    this.announce('air_warning_notification');
    this.hub.wake();
    this.kick();
    if (this.publisher) void this.publishLevel(out).catch(() => {});
    return out;
  }

  async getWarning(id: string): Promise<WarningView> {
    const w = await this.store.getWarning(this.db, id);
    if (!w) throw warningNotFound(id);
    return warningView(w);
  }

  async warningDetail(id: string) {
    const w = await this.store.getWarning(this.db, id);
    if (!w) throw warningNotFound(id);
    const notes = await this.store.notificationsOf(this.db, [id]);
    return { ...warningView(w), notifications: notes.map((n) => notificationView(n, w)) };
  }

  async history(q: { city?: string | undefined; from?: string | undefined; to?: string | undefined; limit: number }): Promise<WarningView[]> {
    const rows = await this.store.listWarnings(this.db, { city: q.city, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, limit: q.limit });
    return rows.map(warningView);
  }

  async board() {
    const [cities, latest] = await Promise.all([this.regionCities(), this.store.latestWarnings(this.db)]);
    const byCity = new Map(latest.map((w) => [w.city_id, w]));
    const notes = await this.store.notificationsOf(this.db, latest.map((w) => w.id));
    return {
      generatedAt: this.now().toISOString(),
      cities: cities.map((c) => {
        const w = byCity.get(c.id);
        const level = (w?.level ?? 'none') as WarningLevel;
        const ns = w ? notes.filter((n) => n.warning_id === w.id).map((n) => notificationView(n, w)) : [];
        return {
          cityId: c.id,
          name: { zh: c.name_zh, en: c.name_en },
          level,
          levelName: levelNames[level],
          warning: w ? warningView(w) : null,
          notifications: ns,
          acknowledged: ns.filter((n) => n.status === 'acknowledged').length,
          unacknowledged: ns.filter((n) => n.status !== 'acknowledged').length,
        };
      }),
    };
  }

  // ---- notifications ----

  async notification(id: number) {
    const n = await this.store.getNotification(this.db, id);
    if (!n) throw new AppError('not_found', 404, 'error.notFound', { what: 'entity.notification', id: String(id) });
    const w = (await this.store.getWarning(this.db, n.warning_id))!;
    const ds = await this.store.deliveriesOf(this.db, [id]);
    return { ...notificationView(n, w), deliveries: ds.map(deliveryView) };
  }

  async acknowledge(p: Principal, id: number, input: { note?: string | undefined }, requestId?: string): Promise<NotificationView> {
    const found = await this.store.getNotification(this.db, id);
    if (!found) throw new AppError('not_found', 404, 'error.notFound', { what: 'entity.notification', id: String(id) });
    this.assertCity(p, found.target_city_id, `notification ${id}`);
    const out = await this.db.transaction().execute(async (tx) => {
      const n = (await this.store.getNotification(tx, id, true))!;
      if (n.acked_at) throw new AppError('already_acknowledged', 409, 'error.conflict.exists', { what: 'entity.acknowledgement', id: String(id) });
      const after = await this.store.acknowledge(tx, id, { token: p.tokenId, label: p.label, note: input.note ?? null, at: this.now() });
      const w = (await this.store.getWarning(tx, n.warning_id))!;
      const view = notificationView(after, w);
      await appendAudit(tx, {
        principal: p,
        action: 'update',
        entityType: 'air.warning.notification',
        entityId: String(id),
        before: { status: n.status },
        after: { status: view.status, acknowledgement: view.acknowledgement },
        requestId: requestId ?? null,
      });
      return view;
    });
    this.announce('air_warning_notification');
    return out;
  }

  // ---- SSE ----

  /**
   * Opens a stream of notifications to `cityId`. With `lastEventId` every later notification is sent
   * first; without, only those created from now on.
   */
  async subscribe(cityId: string, lastEventId: number | null, sink: SseSink, remote: string): Promise<() => void> {
    await this.regionCity(this.db, cityId, 'city');
    const from = lastEventId ?? (await this.store.maxNotificationId(this.db));
    sink.write(`retry: 3000\n: connected to ${cityId} after ${from}\n\n`);
    const s = this.hub.add(cityId, from, sink, remote);
    return () => this.hub.remove(s.id);
  }

  get streams(): number {
    return this.hub.size;
  }

  /** Ends every open stream (the HTTP server is closing; clients reconnect with Last-Event-ID). */
  endStreams(): void {
    this.hub.closeAll();
  }

  /** Throws the 400 of an unknown or out-of-region city (before a stream is opened). */
  async assertRegionCity(cityId: string, field: string): Promise<void> {
    await this.regionCity(this.db, cityId, field);
  }

  private async pump(streams: SseStream[]): Promise<void> {
    const byCity = new Map<string, SseStream[]>();
    for (const s of streams) byCity.set(s.cityId, [...(byCity.get(s.cityId) ?? []), s]);
    for (const [city, list] of byCity) {
      for (;;) {
        const after = Math.min(...list.map((s) => s.lastId));
        const notes = await this.store.notificationsAfter(this.db, [city], after, 200);
        if (notes.length === 0) break;
        const warnings = new Map((await this.store.warningsByIds(this.db, [...new Set(notes.map((n) => n.warning_id))])).map((w) => [w.id, w]));
        const sent: { notification_id: number; channel: string; target: string; status: string; attempts: number; delivered_at: Date; last_attempt_at: Date }[] = [];
        const at = this.now();
        for (const n of notes) {
          const id = Number(n.id);
          const view = notificationView(n, warnings.get(n.warning_id)!);
          for (const s of list) {
            if (id <= s.lastId) continue;
            s.lastId = id;
            // A stream that closed meanwhile is not counted as a delivery; its client replays with Last-Event-ID.
            if (!s.sink.write(formatEvent({ id, event: 'notification', data: view }))) continue;
            sent.push({ notification_id: id, channel: 'sse', target: `sse:${s.id}@${s.remote}`, status: 'delivered', attempts: 1, delivered_at: at, last_attempt_at: at });
          }
        }
        if (sent.length) {
          await this.db.transaction().execute(async (tx) => {
            await this.store.insertDeliveries(tx, sent);
            for (const id of new Set(sent.map((x) => x.notification_id))) await this.store.markDelivered(tx, id, at);
          });
          this.announce('air_warning_notification');
        }
        if (notes.length < 200) break;
      }
    }
  }

  // ---- webhooks ----

  async registerWebhook(p: Principal, input: { cityId: string; url: string }, requestId?: string) {
    this.assertCity(p, input.cityId, 'webhook');
    // SSRF: scheme, credentials, length and literal/local hosts here; resolved addresses at each delivery.
    const checked = checkWebhookUrl(input.url, { allowPrivate: this.delivery.allowPrivateNetworks });
    if (!checked.ok) throw new AppError('validation', 400, 'error.validation', {}, [fieldErr('url', checked.reason.zh, checked.reason.en)]);
    const out = await this.db.transaction().execute(async (tx) => {
      await this.regionCity(tx, input.cityId, 'cityId');
      const row = await this.store.insertWebhook(tx, {
        id: `awh_${crypto.randomBytes(8).toString('hex')}`,
        city_id: input.cityId,
        // The normalised URL is stored: what was checked is what the dispatcher posts to.
        url: checked.url.href,
        secret: crypto.randomBytes(24).toString('base64url'),
        created_by: p.tokenId,
        disabled_at: null,
      });
      await appendAudit(tx, { principal: p, action: 'create', entityType: 'air.webhook', entityId: row.id, before: null, after: webhookView(row), requestId: requestId ?? null });
      return { ...webhookView(row), secret: row.secret };
    });
    this.announce('air_webhook');
    return out;
  }

  async listWebhooks(p: Principal, city?: string) {
    if (p.role !== 'admin') {
      const own = p.scope.cityId;
      if (!own || (city && city !== own)) this.assertCity(p, city ?? '-', 'webhook');
      city = own ?? undefined;
    }
    return (await this.store.listWebhooks(this.db, city)).map(webhookView);
  }

  async disableWebhook(p: Principal, id: string, requestId?: string) {
    const w = await this.store.getWebhook(this.db, id);
    if (!w) throw new AppError('not_found', 404, 'error.notFound', { what: 'entity.webhook', id });
    this.assertCity(p, w.city_id, id);
    const out = await this.db.transaction().execute(async (tx) => {
      const after = (await this.store.disableWebhook(tx, id, this.now()))!;
      await appendAudit(tx, { principal: p, action: 'delete', entityType: 'air.webhook', entityId: id, before: webhookView(w), after: webhookView(after), requestId: requestId ?? null });
      return webhookView(after);
    });
    this.announce('air_webhook');
    return out;
  }

  /** Runs the dispatcher now (or once more after the running pass). */
  kick(): void {
    if (this.stopped) return;
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = (async () => {
      do {
        this.dispatchAgain = false;
        try {
          await this.dispatch();
        } catch (e) {
          this.opts.log?.warn({ err: String(e) }, 'warning delivery pass failed');
        }
      } while (this.dispatchAgain && !this.stopped);
      this.dispatching = null;
    })();
  }

  private async dispatch(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      // MQTT deliveries wait while the broker is away (the reconnection kicks the dispatcher) instead of
      // using up their attempts.
      const channels = this.publisher?.connected ? ['webhook', 'mqtt'] : ['webhook'];
      const lease = this.delivery.timeoutMs * 2 + 1000;
      const due = await this.store.claimDue(channels, this.now(), lease, 50);
      if (due.length === 0) return;
      await Promise.all(due.map((d) => this.attempt(d)));
    }
  }

  private async attempt(d: DeliveryRow): Promise<void> {
    const n = await this.store.getNotification(this.db, Number(d.notification_id));
    const w = n ? await this.store.getWarning(this.db, n.warning_id) : undefined;
    let ok = false;
    let status: number | null = null;
    let error: string | null = null;
    let final = false;
    try {
      if (!n || !w) throw new Error('notification gone');
      const payload = notificationView(n, w);
      if (d.channel === 'webhook') {
        const hook = await this.store.getWebhook(this.db, d.target);
        if (!hook || hook.disabled_at) {
          final = true;
          throw new Error('webhook disabled');
        }
        const body = JSON.stringify({ type: 'air.warning.notification', notification: payload });
        const sig = crypto.createHmac('sha256', hook.secret).update(body).digest('hex');
        // SSRF policy at delivery: the URL again, every resolved address, the connection pinned to them, no redirects.
        status = await postWebhook({
          url: hook.url,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'xietong-linkage',
            'x-xietong-event': 'air.warning.notification',
            'x-xietong-delivery': String(d.id),
            'x-xietong-signature': `sha256=${sig}`,
          },
          body,
          timeoutMs: this.delivery.timeoutMs,
          allowPrivate: this.delivery.allowPrivateNetworks,
          ...(this.opts.resolveHost ? { resolve: this.opts.resolveHost } : {}),
        });
        ok = status >= 200 && status < 300;
        if (!ok) error = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
      } else if (d.channel === 'mqtt' && this.publisher) {
        await this.publisher.publish(d.target, payload, { retain: false, timeoutMs: this.delivery.timeoutMs });
        ok = true;
      } else {
        final = true;
        error = `channel ${d.channel} not available`;
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      // A URL the policy refuses stays refused; a refused resolution is retried (DNS may change back).
      if (e instanceof WebhookRefused) {
        if (e.permanent) final = true;
        this.opts.log?.warn({ delivery: String(d.id), target: d.target, err: e.message }, 'webhook delivery refused (SSRF policy)');
      }
    }
    const at = this.now();
    const attempts = d.attempts + 1;
    if (!ok && attempts >= this.delivery.maxAttempts) final = true;
    const delay = Math.min(this.delivery.baseDelayMs * 2 ** (attempts - 1), this.delivery.maxDelayMs);
    await this.db.transaction().execute(async (tx) => {
      await this.store.recordAttempt(tx, Number(d.id), { at, ok, final, status, error, nextAt: new Date(at.getTime() + delay) });
      if (ok) await this.store.markDelivered(tx, Number(d.notification_id), at);
    });
    this.announce('air_warning_notification');
  }

  // ---- MQTT retained levels ----

  private async publishLevel(w: WarningView): Promise<void> {
    if (!this.publisher?.connected) return;
    await this.publisher.publish(
      this.publisher.levelTopic(w.cityId),
      { cityId: w.cityId, level: w.level, levelName: w.levelName, action: w.action, warningId: w.id, validFrom: w.validFrom, validTo: w.validTo, issuedAt: w.issuedAt },
      { retain: true, timeoutMs: this.delivery.timeoutMs },
    );
  }

  /** Publishes every city's current level (retained): after a (re)connection the broker has them all. */
  async publishLevels(): Promise<void> {
    for (const w of await this.store.latestWarnings(this.db)) await this.publishLevel(warningView(w));
  }

  // ---- consultations ----

  async addConsultation(p: Principal, warningId: string, input: ConsultationCreate, requestId?: string): Promise<ConsultationView> {
    const w = await this.store.getWarning(this.db, warningId);
    if (!w) throw warningNotFound(warningId);
    const participants = [...new Set(input.participants)];
    // The record is kept by the warning's city or by any participating city.
    if (p.role !== 'admin') {
      const own = p.scope.cityId;
      const allowed = own && (own === w.city_id || participants.includes(own)) ? own : w.city_id;
      this.assertCity(p, allowed, warningId);
    }
    const region = new Set((await this.regionCities()).map((c) => c.id));
    const errors = participants.flatMap((c, i) => (region.has(c) ? [] : [fieldErr(`participants.${i}`, `不是京津冀区域的城市：${c}`, `not a city of the region: ${c}`)]));
    if (errors.length) throw new AppError('validation', 400, 'error.validation', {}, errors);
    const out = await this.db.transaction().execute(async (tx) => {
      const row = await this.store.insertConsultation(tx, {
        id: `acn_${crypto.randomBytes(8).toString('hex')}`,
        warning_id: warningId,
        participants: JSON.stringify(participants),
        summary: JSON.stringify(input.summary),
        decisions: JSON.stringify(input.decisions),
        held_at: input.heldAt ? new Date(input.heldAt) : this.now(),
        recorded_by_token: p.tokenId,
        recorded_by_label: p.label,
      });
      const view = consultationView(row);
      await appendAudit(tx, { principal: p, action: 'create', entityType: 'air.warning.consultation', entityId: row.id, before: null, after: view, requestId: requestId ?? null });
      return view;
    });
    this.announce('air_warning_consultation');
    return out;
  }

  async consultations(warningId: string): Promise<ConsultationView[]> {
    if (!(await this.store.getWarning(this.db, warningId))) throw warningNotFound(warningId);
    return (await this.store.consultationsOf(this.db, warningId)).map(consultationView);
  }
}
