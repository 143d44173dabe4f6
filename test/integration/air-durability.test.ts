import { after, before, describe, it } from 'node:test';
import { brokerUrl, connectPublisher, ensureTestBroker } from '../support/mqtt-broker.ts';
import { waitFor } from '../support/wait.ts';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { freshDatabase, testDb } from '../support/harness.ts';
import { createTokenViaCli, startServerProcess, type ServerProcess } from '../support/processes.ts';

type Json = Record<string, any>;
const HOUR = 3_600_000;
const base = Date.parse('2025-01-01T01:00:00+08:00');
const at = (k: number) => new Date(base + k * HOUR).toISOString();

describe(`air: kill -9 during MQTT and HTTP ingestion loses no acknowledged observation (${testDb})`, () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: ServerProcess | null = null;
  let pub: MqttClient | null = null;
  const run = crypto.randomBytes(4).toString('hex');
  const prefix = `xietong-test-${run}/air`;
  let env: Record<string, string>;

  before(async () => {
    await ensureTestBroker();
    db = await freshDatabase();
    env = { ...db.env, XIETONG_MQTT_URL: brokerUrl, XIETONG_MQTT_CLIENT_ID: `xt-test-kill-${run}`, XIETONG_MQTT_TOPIC_PREFIX: prefix, XIETONG_MQTT_SESSION_EXPIRY: '300', XIETONG_RATE_LIMIT: '0' };
  });
  after(async () => {
    await pub?.endAsync().catch(() => {});
    await server?.stop('SIGKILL');
    await db.drop();
  });

  it('after a restart every acknowledged observation is stored exactly once', async () => {
    server = await startServerProcess(env, 60_000);
    const { token } = await createTokenViaCli(env, ['--role', 'admin', '--label', 'durability']);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const reg = await fetch(`${server.url}/api/air/stations`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        stations: [
          { code: 'K001A', name: 'MQTT 站', cityId: 'shijiazhuang', cityName: '石家庄市', lat: 38, lon: 114.5 },
          { code: 'K002A', name: 'HTTP 站', cityId: 'shijiazhuang', cityName: '石家庄市', lat: 38.1, lon: 114.6 },
        ],
      }),
    });
    assert.equal(reg.status, 200, await reg.text());

    pub = await connectPublisher(`xt-test-kill-pub-${run}`);
    const mqttAcked: number[] = [];
    const httpAcked: number[] = [];
    // Mosquitto queues at most max_queued_messages (default 1000) for an absent session and drops the
    // rest after acknowledging them to the publisher: publish fewer than that while the server is down.
    let stopAt = Infinity;
    let serverDown = false;
    const publisher = (async () => {
      // Keeps publishing (QoS 1, acknowledged by the broker) while the server dies and restarts.
      for (let i = 0; i < stopAt && i < 20_000; i++) {
        await pub!.publishAsync(`${prefix}/shijiazhuang/K001A`, JSON.stringify({ time: at(i), pollutant: 'pm25', value: i }), { qos: 1 });
        mqttAcked.push(i);
        if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const url = server.url;
    const poster = (async () => {
      for (let b = 0; !serverDown; b++) {
        const obs = Array.from({ length: 500 }, (_, j) => ({ station: 'K002A', time: at(b * 500 + j), pollutant: 'no2', value: j }));
        try {
          const res = await fetch(`${url}/api/air/observations`, { method: 'POST', headers: auth, body: JSON.stringify({ observations: obs }) });
          if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
          const body = (await res.json()) as Json;
          assert.equal(body.accepted, 500);
          httpAcked.push(b);
        } catch (e) {
          if (!serverDown && !String((e as Error).message).match(/fetch failed|ECONNRESET|socket/)) throw e;
          if (serverDown) break;
        }
      }
    })();

    await waitFor('some acknowledged traffic', async () => mqttAcked.length > 1500 && httpAcked.length > 5, 60_000);
    serverDown = true;
    assert.equal(await server.stop('SIGKILL'), null, 'killed by a signal');
    await poster;
    stopAt = mqttAcked.length + 300;
    await publisher;
    const mqttCount = mqttAcked.length;
    const httpBatches = httpAcked.length;
    assert.ok(mqttCount < 20_000 + 1);

    server = await startServerProcess(env, 60_000);
    const count = async (station: string, pollutant: string) => {
      const res = await fetch(`${server!.url}/api/air/measurements?station=${station}&pollutant=${pollutant}&from=${encodeURIComponent('2024-12-31T00:00:00+08:00')}&to=${encodeURIComponent('2030-01-01T00:00:00+08:00')}&limit=1`);
      return ((await res.json()) as Json).meta.found as number;
    };
    await waitFor(`${mqttCount} MQTT observations after restart`, async () => {
      const n = await count('K001A', 'pm25');
      return n >= mqttCount || { pending: `${n} stored` };
    }, 60_000);
    // Every acknowledged key once (the primary key forbids twice); unacknowledged ones may or may not be there.
    const check = async (station: string, pollutant: string, keys: number[], value: (k: number) => number) => {
      const res = await fetch(`${server!.url}/api/air/measurements?station=${station}&pollutant=${pollutant}&from=${encodeURIComponent(new Date(base - HOUR).toISOString())}&to=${encodeURIComponent('2030-01-01T00:00:00+08:00')}&limit=1000&page=1`);
      const first = (await res.json()) as Json;
      const rows: Json[] = [...first.results];
      for (let p = 2; (p - 1) * 1000 < first.meta.found; p++) {
        const more = (await (await fetch(`${server!.url}/api/air/measurements?station=${station}&pollutant=${pollutant}&from=${encodeURIComponent(new Date(base - HOUR).toISOString())}&to=${encodeURIComponent('2030-01-01T00:00:00+08:00')}&limit=1000&page=${p}`)).json()) as Json;
        rows.push(...more.results);
      }
      const byTime = new Map<number, number[]>();
      for (const r of rows) {
        const t = Date.parse(r.period.datetimeTo);
        byTime.set(t, [...(byTime.get(t) ?? []), r.value]);
      }
      for (const k of keys) {
        const got = byTime.get(base + k * HOUR);
        assert.deepEqual(got, [value(k)], `${station} ${pollutant} key ${k}: ${JSON.stringify(got)}`);
      }
      return rows.length;
    };
    const mqttRows = await check('K001A', 'pm25', mqttAcked, (k) => k);
    const httpKeys = httpAcked.flatMap((b) => Array.from({ length: 500 }, (_, j) => b * 500 + j));
    const httpRows = await check('K002A', 'no2', httpKeys, (k) => k % 500);
    assert.ok(mqttRows >= mqttCount && httpRows >= httpBatches * 500);
  });
});
