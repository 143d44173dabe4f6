import { after, before, describe, it } from 'node:test';
import { brokerUrl, connectPublisher, ensureTestBroker } from '../support/mqtt-broker.ts';
import { waitFor } from '../support/wait.ts';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { startTestEnv, testDb, type TestEnv } from '../support/harness.ts';
import { AirMqttSubscriber } from '../../src/air/index.ts';

describe(`air: MQTT ingestion through Mosquitto (${testDb})`, () => {
  let env: TestEnv;
  let sub: AirMqttSubscriber;
  let pub: MqttClient;
  const run = crypto.randomBytes(4).toString('hex');
  const prefix = `xietong-test-${run}/air`;

  before(async () => {
    await ensureTestBroker();
    env = await startTestEnv();
    await env.platform.air.store.db
      .insertInto('air_station')
      .values([
        { code: 'T001A', name: '测试一', name_en: null, city_id: 'shijiazhuang', city_name: '石家庄市', lat: 38, lon: 114.5, type: 'national', updated_at: new Date() },
        { code: 'T002A', name: '测试二', name_en: null, city_id: 'baoding', city_name: '保定市', lat: 38.9, lon: 115.5, type: 'national', updated_at: new Date() },
      ])
      .execute();
    pub = await connectPublisher(`xt-test-pub-${run}`);
    sub = new AirMqttSubscriber(env.platform.air, { url: brokerUrl, clientId: `xt-test-sub-${run}`, prefix, sessionExpiry: 60 }, { info() {}, warn() {}, error() {} });
    await sub.start();
  });
  after(async () => {
    await sub?.stop();
    await pub?.endAsync();
    await env?.close();
  });

  it('stores every QoS 1 message exactly once, re-sent messages included; bad messages are counted, not stored', async () => {
    const n = 2000;
    const base = Date.parse('2026-01-01T01:00:00+08:00');
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const station = i % 2 ? 'T001A' : 'T002A';
      const city = i % 2 ? 'shijiazhuang' : 'baoding';
      const time = new Date(base + Math.floor(i / 2) * 3_600_000).toISOString().replace('Z', '+00:00');
      sends.push(pub.publishAsync(`${prefix}/${city}/${station}`, JSON.stringify({ time, pollutant: 'pm25', value: i }), { qos: 1 }));
    }
    // Duplicates (as after a publisher retry) and a wide message with two pollutants.
    for (let i = 0; i < 50; i++) sends.push(pub.publishAsync(`${prefix}/baoding/T002A`, JSON.stringify({ time: new Date(base + i * 3_600_000).toISOString(), pollutant: 'pm25', value: i * 2 }), { qos: 1 }));
    sends.push(pub.publishAsync(`${prefix}/baoding/T002A`, JSON.stringify({ time: '2027-01-01T00:00:00+08:00', pm10: 50, no2: 'NA' }), { qos: 1 }));
    // Refused: not JSON, unknown station, station of another city, bad value.
    sends.push(pub.publishAsync(`${prefix}/baoding/T002A`, 'not json', { qos: 1 }));
    sends.push(pub.publishAsync(`${prefix}/baoding/NOPE1`, JSON.stringify({ time: '2027-01-01T00:00:00+08:00', pollutant: 'pm25', value: 1 }), { qos: 1 }));
    sends.push(pub.publishAsync(`${prefix}/beijing/T002A`, JSON.stringify({ time: '2027-01-01T00:00:00+08:00', pollutant: 'pm25', value: 1 }), { qos: 1 }));
    sends.push(pub.publishAsync(`${prefix}/baoding/T002A`, JSON.stringify({ time: '2027-01-01T00:00:00+08:00', pollutant: 'pm25', value: -1 }), { qos: 1 }));
    await Promise.all(sends);
    const stored = async () => (await env.platform.air.store.countObservations('T001A')) + (await env.platform.air.store.countObservations('T002A'));
    await waitFor(`${n + 2} observations`, async () => (await stored()) >= n + 2 && sub.stats.messages >= n + 55);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await stored(), n + 2);
    assert.equal(sub.stats.rejected, 4);
    const values = await env.platform.air.store.db.selectFrom('air_observation').select(['station', 'value']).where('pollutant', '=', 'pm25').where('station', 'in', ['T001A', 'T002A']).execute();
    const got = new Set(values.map((v) => Number(v.value)));
    for (let i = 0; i < n; i++) assert.ok(got.has(i), `value ${i} stored`);
    const status = (await (await env.app.inject({ url: '/api/air/ingest/mqtt' })).json()) as Record<string, unknown>;
    assert.equal(status.enabled, false, 'the test app has no subscriber of its own');

    // Every committed batch is audited once, under the subscriber's system principal: the inserted counts
    // add up to what is stored, and every committed row appears in exactly one audit record.
    const audit = await mqttAudit();
    assert.ok(audit.length >= 1 && audit.length <= sub.stats.commits, `${audit.length} audit rows, ${sub.stats.commits} commits`);
    const sum = (k: string) => audit.reduce((a, r) => a + Number(r.after[k]), 0);
    assert.equal(sum('inserted'), await stored());
    assert.equal(sum('received'), sub.stats.observations);
    assert.equal(sum('accepted'), sum('inserted') + sum('updated') + sum('unchanged'));
    for (const r of audit) {
      assert.equal(r.after.source, 'mqtt');
      assert.equal(r.action, 'create');
      assert.match(r.actor_label, new RegExp(`xt-test-sub-${run}`), 'the principal names the MQTT client');
      assert.ok(r.actor_label.includes(new URL(brokerUrl).host), 'and the broker');
      assert.ok(r.after.stations.every((s: string) => s === 'T001A' || s === 'T002A'));
      assert.ok(r.after.from <= r.after.to);
    }
  });

  it('audits each committed batch: accepted counts of the audit rows sum to the observations stored', async () => {
    const before = await mqttAudit();
    const lastId = before.reduce((m, r) => Math.max(m, r.id), 0);
    const count = () => env.platform.air.store.countObservations('T001A');
    const start = await count();
    const k = 600;
    const base = Date.parse('2028-01-01T01:00:00+08:00');
    await Promise.all(
      Array.from({ length: k }, (_, i) =>
        pub.publishAsync(`${prefix}/shijiazhuang/T001A`, JSON.stringify({ time: new Date(base + i * 3_600_000).toISOString(), pollutant: 'no2', value: i % 90 }), { qos: 1 }),
      ),
    );
    await waitFor(`${k} more observations`, async () => (await count()) >= start + k);
    await new Promise((r) => setTimeout(r, 300));
    const added = (await mqttAudit()).filter((r) => r.id > lastId);
    assert.ok(added.length >= 1);
    assert.equal(
      added.reduce((a, r) => a + Number(r.after.accepted), 0),
      (await count()) - start,
    );
    assert.equal((await count()) - start, k);
  });

  async function mqttAudit(): Promise<{ id: number; action: string; actor_label: string; after: Record<string, any> }[]> {
    const rows = await env.platform.handle.db
      .selectFrom('audit_log')
      .select(['id', 'action', 'actor_label', 'after'])
      .where('entity_type', '=', 'air.observations')
      .where('actor_token_id', '=', 'system-mqtt')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: Number(r.id), action: r.action, actor_label: r.actor_label ?? '', after: (typeof r.after === 'string' ? JSON.parse(r.after) : r.after) as Record<string, any> }));
  }
});
