/**
 * MQTT ingestion: one subscriber per server process on `<prefix>/<city>/<station>` (QoS 1, persistent
 * session with a fixed client id, so the broker keeps what arrives while the server is down).
 *
 * Durability: the PUBACK of a message goes out only after its observations are committed. mqtt.js
 * handles incoming packets one at a time and would wait for each commit if the acknowledgement were
 * held in `customHandleAcks`/`handleMessage`; instead the client's PUBACK is held back (per message id,
 * per connection) while it reads on, and released when the batch holding the message commits. With
 * MQTT 5 and a large receive maximum the broker keeps thousands of messages in flight, so one commit
 * covers many messages. A kill -9 loses only unacknowledged messages, which the broker redelivers to the
 * restarted session; re-delivered observations are idempotent upserts.
 *
 * Audit: each committed batch writes one audit record (entity type air.observations, source mqtt) in the
 * transaction of its upsert, under a system principal naming this client and the broker (mqttPrincipal).
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { parseRecord, type ObservationRow, type RowError } from './air.ingest.ts';
import { mqttPrincipal, type AirService } from './air.service.ts';
import type { Principal } from '../platform/auth.ts';

export type MqttOptions = {
  url: string;
  clientId: string;
  /** Topic prefix; the subscription is `<prefix>/+/+` (city, station). */
  prefix: string;
  /** How long the broker keeps the session (and queued messages) while the server is away, in seconds. */
  sessionExpiry: number;
  /** Messages per commit at most. */
  maxBatch?: number;
  /** Longest wait before a partial batch is committed, in ms. */
  flushMs?: number;
};

export type MqttStats = { connected: boolean; messages: number; observations: number; rejected: number; commits: number; lastError: string | null; lastRejection: string | null };

type Pending = { messageId: number | undefined; gen: number; rows: ObservationRow[]; city: string; topic: string };
type Packet = { cmd: string; messageId?: number; reasonCode?: number };
type SendPacket = (packet: Packet, cb?: (err?: Error) => void, cbStorePut?: unknown, noStore?: unknown) => void;

const MAX_ROWS_PER_MESSAGE = 1000;

export class AirMqttSubscriber {
  private client: MqttClient | null = null;
  private pending: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private gen = 0;
  /** Pubacks mqtt.js tried to send for messages not yet committed, by message id (current connection). */
  private held = new Map<number, () => void>();
  /** Message ids committed before mqtt.js asked to acknowledge them (current connection). */
  private committed = new Set<number>();
  private stopped = false;
  /** Who the audit records name: this subscriber (client id) and its broker. */
  private readonly principal: Principal;
  private batchSeq = 0;
  readonly stats: MqttStats = { connected: false, messages: 0, observations: 0, rejected: 0, commits: 0, lastError: null, lastRejection: null };

  constructor(
    private service: AirService,
    private opts: MqttOptions,
    private log: Pick<Logger, 'info' | 'warn' | 'error'>,
  ) {
    this.principal = mqttPrincipal(opts.clientId, opts.url);
  }

  /** Connects and subscribes; resolves at the first successful subscription (or rejects after `timeoutMs`). */
  start(timeoutMs = 10_000): Promise<void> {
    const o: IClientOptions = {
      clientId: this.opts.clientId,
      protocolVersion: 5,
      clean: false,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      properties: { sessionExpiryInterval: this.opts.sessionExpiry, receiveMaximum: 65535 },
    };
    const client = mqtt.connect(this.opts.url, o);
    this.client = client;
    const send = (client as unknown as { _sendPacket: SendPacket })._sendPacket.bind(client);
    (client as unknown as { _sendPacket: SendPacket })._sendPacket = (packet, cb, cbStorePut, noStore) => {
      if (packet.cmd === 'puback' && packet.messageId !== undefined && !this.committed.delete(packet.messageId)) {
        const id = packet.messageId;
        this.held.set(id, () => send(packet));
        cb?.();
        return;
      }
      send(packet, cb, cbStorePut, noStore);
    };
    client.on('connect', () => {
      this.stats.connected = true;
      this.log.info({ url: this.opts.url, clientId: this.opts.clientId }, 'air MQTT connected');
    });
    client.on('close', () => {
      // Acknowledgements belong to a connection: whatever was held is redelivered by the broker.
      this.gen++;
      this.held.clear();
      this.committed.clear();
      this.stats.connected = false;
    });
    client.on('error', (e) => {
      this.stats.lastError = e.message;
      this.log.warn({ err: e.message }, 'air MQTT error');
    });
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet.messageId, packet.qos));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`MQTT broker ${this.opts.url} did not accept the subscription within ${timeoutMs} ms${this.stats.lastError ? `: ${this.stats.lastError}` : ''}`)), timeoutMs);
      const subscribe = () =>
        client.subscribe(`${this.opts.prefix}/+/+`, { qos: 1 }, (err) => {
          if (err) {
            this.stats.lastError = err.message;
            return;
          }
          clearTimeout(timer);
          resolve();
        });
      client.once('connect', subscribe);
    });
  }

  private onMessage(topic: string, payload: Buffer, messageId: number | undefined, qos: number): void {
    this.stats.messages++;
    const gen = this.gen;
    const id = qos > 0 ? messageId : undefined;
    const parts = topic.slice(this.opts.prefix.length + 1).split('/');
    const city = parts[0] ?? '';
    const station = parts[1] ?? '';
    const sink = { rows: [] as ObservationRow[], errors: [] as RowError[] };
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch (e) {
      sink.errors.push({ index: null, line: null, field: '(payload)', value: null, reason: `not JSON: ${(e as Error).message}` });
    }
    if (sink.errors.length === 0) {
      const list = Array.isArray(body) ? body : [body];
      if (list.length > MAX_ROWS_PER_MESSAGE) sink.errors.push({ index: null, line: null, field: '(payload)', value: null, reason: `more than ${MAX_ROWS_PER_MESSAGE} records` });
      else
        list.forEach((r, i) => {
          if (r && typeof r === 'object' && 'station' in r && (r as { station: unknown }).station !== station) {
            sink.errors.push({ index: i, line: null, field: 'station', value: String((r as { station: unknown }).station), reason: `differs from the topic's station ${station}` });
          } else parseRecord(sink, { index: i, line: null }, r, { station });
        });
    }
    if (sink.errors.length) this.reject(topic, sink.errors);
    // A message is stored whole or not at all: rejected messages are acknowledged (redelivery cannot fix them).
    this.pending.push({ messageId: id, gen, rows: sink.errors.length ? [] : sink.rows, city, topic });
    this.schedule();
  }

  private reject(topic: string, errors: RowError[]): void {
    this.stats.rejected++;
    const e = errors[0]!;
    this.stats.lastRejection = `${topic}: ${e.field} ${e.reason}`;
    this.log.warn({ topic, errors: errors.slice(0, 5) }, 'air MQTT message rejected');
  }

  private schedule(): void {
    if (this.flushing) return;
    if (this.pending.length >= (this.opts.maxBatch ?? 5000)) {
      this.flushing = this.flush();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.flushing) this.flushing = this.flush();
      }, this.opts.flushMs ?? 5);
    }
  }

  private async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    try {
      while (this.pending.length && !this.stopped) {
        const batch = this.pending.splice(0, this.opts.maxBatch ?? 5000);
        try {
          await this.commit(batch);
        } catch (e) {
          // Nothing of the batch is acknowledged; keep it and retry (the database may be restarting).
          this.stats.lastError = (e as Error).message;
          this.log.error({ err: (e as Error).message }, 'air MQTT batch not stored; retrying');
          this.pending.unshift(...batch);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    } finally {
      this.flushing = null;
      if (this.pending.length && !this.stopped) this.schedule();
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    const codes = [...new Set(batch.flatMap((m) => (m.rows.length ? [m.rows[0]!.station] : [])))];
    const stations = await this.service.stationCities(codes);
    const rows: ObservationRow[] = [];
    let stored = 0;
    for (const m of batch) {
      if (!m.rows.length) continue;
      const s = stations.get(m.rows[0]!.station);
      if (!s) {
        this.reject(m.topic, [{ index: null, line: null, field: 'station', value: m.rows[0]!.station, reason: 'unknown station' }]);
        continue;
      }
      if (s.city_id !== m.city) {
        this.reject(m.topic, [{ index: null, line: null, field: 'city', value: m.city, reason: `station ${s.code} belongs to ${s.city_id ?? s.city_name}` }]);
        continue;
      }
      stored++;
      for (const r of m.rows) rows.push(r);
    }
    if (rows.length) {
      const batchId = `mqtt:${this.opts.clientId}:${Date.now()}-${++this.batchSeq}`;
      await this.service.ingestTrusted(rows, this.principal, { batchId, messages: stored, rejectedMessages: batch.length - stored });
    }
    this.stats.commits++;
    this.stats.observations += rows.length;
    for (const m of batch) this.acknowledge(m);
  }

  private acknowledge(m: Pending): void {
    if (m.messageId === undefined || m.gen !== this.gen) return;
    const release = this.held.get(m.messageId);
    if (release) {
      this.held.delete(m.messageId);
      release();
    } else this.committed.add(m.messageId);
  }

  /** Commits what has arrived, then disconnects (the session stays on the broker). */
  async stop(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.pending.length) await this.flush();
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    if (c) await c.endAsync().catch(() => {});
  }
}
