/**
 * MQTT face of the linkage: the latest level of each city, retained, on `<prefix>/<city>`, and each
 * notification on `<prefix>/<targetCity>/inbox`, both QoS 1. A publish counts as delivered when the
 * broker acknowledges it (PUBACK); the dispatcher retries what the broker did not take.
 */
import crypto from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';

export type LinkageMqttOptions = {
  url: string;
  /** Topic prefix, default `xietong/warnings`. */
  prefix?: string;
  clientId?: string;
};

export class LinkageMqttPublisher {
  private client: MqttClient | null = null;
  readonly prefix: string;
  lastError: string | null = null;
  /** Called after every (re)connection: retained levels are published again, so the broker always has the latest. */
  onConnect: (() => void) | null = null;

  constructor(private opts: LinkageMqttOptions) {
    this.prefix = opts.prefix ?? 'xietong/warnings';
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    if (this.client) return;
    const client = mqtt.connect(this.opts.url, {
      clientId: this.opts.clientId ?? `xietong-linkage-${crypto.randomBytes(4).toString('hex')}`,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    });
    client.on('connect', () => {
      this.lastError = null;
      this.onConnect?.();
    });
    client.on('error', (e) => {
      this.lastError = e.message;
    });
    this.client = client;
  }

  levelTopic(cityId: string): string {
    return `${this.prefix}/${cityId}`;
  }
  inboxTopic(cityId: string): string {
    return `${this.prefix}/${cityId}/inbox`;
  }

  /** Resolves when the broker acknowledged the message; rejects after `timeoutMs` or on error. */
  publish(topic: string, payload: unknown, opts: { retain: boolean; timeoutMs: number }): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('MQTT publisher not started'));
    if (!client.connected) return Promise.reject(new Error(`MQTT broker ${this.opts.url} not connected${this.lastError ? `: ${this.lastError}` : ''}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no PUBACK within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      client.publish(topic, JSON.stringify(payload), { qos: 1, retain: opts.retain }, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.endAsync(true).catch(() => {});
  }
}
