import { after, before, describe, it } from 'node:test';
import { waitFor as pollFor } from '../support/wait.ts';
import { brokerUrl as testBrokerUrl, ensureTestBroker } from '../support/mqtt-broker.ts';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { startTestEnv, testDb, type TestEnv } from '../support/harness.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { readCities, seedCities } from '../../src/geo/geo.routes.ts';
import { LinkageService, LinkageStore, linkageRoutes, type LinkageTables } from '../../src/air/linkage/index.ts';

const brokerUrl = testBrokerUrl;
type Json = Record<string, any>;

/** Linkage events arrive fast: poll every 50 ms, 5 s by default. */
const waitFor = <T,>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000) => pollFor<T>(what, check, timeoutMs, 50);

type SseEvent = { id: string | null; event: string; data: string };
type SseClient = { events: SseEvent[]; comments: string[]; status: number; contentType: string; close(): void };

/** A minimal EventSource: parses the stream into events and comment lines. */
function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const client: SseClient = { events: [], comments: [], status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), close: () => req.destroy() };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev: SseEvent = { id: null, event: 'message', data: '' };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) ((ev.id = line.slice(4)), (isEvent = true));
            else if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) ((ev.data += line.slice(6)), (isEvent = true));
          }
          if (isEvent) client.events.push(ev);
        }
      });
      res.on('error', () => {});
      resolve(client);
    });
    req.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
    req.setTimeout(20_000, () => req.destroy());
  });
}

describe(`air: joint warnings and regional linkage (${testDb})`, () => {
  let env: TestEnv;
  let app: App;
  let service: LinkageService;
  let base: string;
  let hookServer: http.Server;
  let hookUrl: string;
  const hookHits: { status: number; body: Json; signature: string }[] = [];
  let sub: MqttClient;
  const inbox: Json[] = [];
  const run = crypto.randomBytes(4).toString('hex');
  const prefix = `xietong-test-${run}/warnings`;
  const sse: SseClient[] = [];
  const tok: Record<string, string> = {};

  const call = async (method: string, url: string, token?: string, body?: unknown) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'accept-language': 'en' },
      ...(body !== undefined ? { payload: body as Json } : {}),
    });
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Json) : null, type: String(res.headers['content-type'] ?? '') };
  };

  before(async () => {
    await ensureTestBroker();
    env = await startTestEnv({
      seed: false,
      // The webhook receiver of this test listens on 127.0.0.1: private targets are allowed here (SSRF guard off).
      env: {
        XIETONG_MQTT_URL: brokerUrl,
        XIETONG_WARNING_TOPIC_PREFIX: prefix,
        XIETONG_SSE_HEARTBEAT_MS: '1000',
        XIETONG_WEBHOOK_TIMEOUT_MS: '2000',
        XIETONG_RATE_LIMIT: '0',
        XIETONG_WEBHOOK_ALLOW_PRIVATE: 'true',
      },
    });
    assert.equal(env.config.webhookAllowPrivate, true);
    const db = env.platform.handle.db;
    await seedCities(db, readCities());
    // The service wired by openPlatform/createApp, with the configuration of this deployment.
    service = env.platform.linkage;
    assert.equal(service.allowsPrivateWebhooks, true, 'XIETONG_WEBHOOK_ALLOW_PRIVATE reaches the wired service');
    app = env.app;
    service.start();
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    // A webhook receiver that fails the first request, so that the retry is exercised.
    hookServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const status = hookHits.length === 0 ? 500 : 200;
        hookHits.push({ status, body: JSON.parse(body) as Json, signature: String(req.headers['x-xietong-signature'] ?? '') });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;

    try {
      sub = await mqtt.connectAsync(brokerUrl, { clientId: `xt-test-linkage-${run}`, reconnectPeriod: 0, connectTimeout: 5000 });
    } catch (e) {
      throw new Error(`MQTT broker not reachable at ${brokerUrl} (start Mosquitto, or set XIETONG_TEST_MQTT_URL): ${(e as Error).message}`);
    }
    sub.on('message', (topic, payload) => {
      if (topic === `${prefix}/beijing/inbox`) inbox.push(JSON.parse(payload.toString('utf8')) as Json);
    });
    await sub.subscribeAsync(`${prefix}/beijing/inbox`, { qos: 1 });
    await waitFor('linkage MQTT publisher connected', () => service.mqttConnected === true);

    tok.sjz = await env.token('editor', { cityId: 'shijiazhuang' }, 'Shijiazhuang ecology editor');
    tok.bj = await env.token('editor', { cityId: 'beijing' }, 'Beijing ecology editor');
    tok.viewer = await env.token('viewer');
    tok.admin = await env.token('admin');
  });

  after(async () => {
    // The app closes with a stream still open (as `xietong serve` stops): its preClose hook ends streams.
    const t0 = Date.now();
    await app?.close();
    assert.ok(Date.now() - t0 < 5000, 'open SSE streams do not hold the server');
    for (const s of sse) s.close();
    // Retained test topics would stay on the broker: clear them.
    if (sub?.connected) {
      await sub.publishAsync(`${prefix}/shijiazhuang`, '', { qos: 1, retain: true }).catch(() => {});
      await sub.endAsync().catch(() => {});
    }
    await new Promise<void>((r) => (hookServer ? hookServer.close(() => r()) : r()));
    await env?.close();
  });

  const warningBody = (level: string) => ({
    cityId: 'shijiazhuang',
    level,
    ruleSet: { id: 'hebei-2024', version: 1 },
    reason: { zh: '预测未来三天日均 AQI 超过 200', en: 'forecast daily AQI above 200 for three days' },
    validTo: new Date(Date.now() + 3 * 86_400_000).toISOString(),
  });

  let issued: Json;
  let raised: Json;
  let beijingNote: Json;
  let stream: SseClient;

  it('documents the routes in OpenAPI', async () => {
    const doc = await call('GET', '/openapi.json');
    assert.equal(doc.status, 200);
    for (const p of ['/api/air/warnings', '/api/air/warnings/stream', '/api/air/warnings/board', '/api/air/warnings/{id}/lift', '/api/air/warnings/notifications/{id}/ack', '/api/air/webhooks', '/api/air/warnings/{id}/consultations']) {
      assert.ok(doc.body!.paths[p], p);
    }
  });

  it('rejects writes out of scope, without a token and with bad input', async () => {
    assert.equal((await call('POST', '/api/air/warnings', undefined, warningBody('yellow'))).status, 401);
    assert.equal((await call('POST', '/api/air/warnings', tok.viewer, warningBody('yellow'))).status, 403);
    const r = await call('POST', '/api/air/warnings', tok.bj, warningBody('yellow'));
    assert.equal(r.status, 403);
    assert.match(r.type, /application\/problem\+json/);
    assert.equal((await call('POST', '/api/air/webhooks', tok.bj, { cityId: 'shijiazhuang', url: hookUrl })).status, 403);
    const bad = await call('POST', '/api/air/webhooks', tok.bj, { cityId: 'beijing', url: 'ftp://127.0.0.1/x' });
    assert.equal(bad.status, 400);
    assert.ok(bad.body!.errors.some((e: Json) => e.field === 'url'));
    const outside = await call('POST', '/api/air/warnings', tok.admin, { ...warningBody('yellow'), cityId: 'taiyuan' });
    assert.equal(outside.status, 400);
    assert.equal(outside.body!.errors[0].field, 'cityId');
    const backwards = await call('POST', '/api/air/warnings', tok.sjz, { ...warningBody('yellow'), validFrom: '2026-01-02T00:00:00+08:00', validTo: '2026-01-01T00:00:00+08:00' });
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body!.errors[0].field, 'validTo');
    const badLevel = await call('POST', '/api/air/warnings', tok.sjz, { ...warningBody('purple'), reason: { zh: '' } });
    assert.equal(badLevel.status, 400);
    assert.ok(badLevel.body!.errors.length >= 2, 'every bad field is listed');
  });

  it('a Beijing webhook and SSE stream are registered before the warning', async () => {
    const r = await call('POST', '/api/air/webhooks', tok.bj, { cityId: 'beijing', url: hookUrl });
    assert.equal(r.status, 201);
    assert.ok(r.body!.secret);
    const bad = await openSse(`${base}/api/air/warnings/stream?city=atlantis`);
    assert.equal(bad.status, 400);
    bad.close();
    stream = await openSse(`${base}/api/air/warnings/stream?city=beijing`);
    sse.push(stream);
    assert.equal(stream.status, 200);
    assert.match(stream.contentType, /text\/event-stream/);
    await waitFor('SSE connected', () => stream.comments.some((c) => c.startsWith('connected')));
    await waitFor('a heartbeat', () => stream.comments.some((c) => c.startsWith('heartbeat')), 4000);
  });

  it('a Shijiazhuang editor issues a yellow warning; Beijing receives it by SSE', async () => {
    const r = await call('POST', '/api/air/warnings', tok.sjz, warningBody('yellow'));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    issued = r.body!;
    assert.equal(issued.action, 'issue');
    assert.equal(issued.previousLevel, 'none');
    assert.deepEqual(issued.ruleSet, { id: 'hebei-2024', version: '1' });
    assert.equal(issued.issuedBy.label, 'Shijiazhuang ecology editor');
    const ev = await waitFor('the issue notification on the Beijing stream', () => stream.events.find((e) => JSON.parse(e.data).warningId === issued.id));
    const data = JSON.parse(ev.data) as Json;
    assert.equal(ev.event, 'notification');
    assert.equal(data.targetCityId, 'beijing');
    assert.equal(data.action, 'issue');
    assert.equal(ev.id, String(data.id));
    assert.equal((await call('POST', '/api/air/warnings', tok.sjz, warningBody('yellow'))).status, 409, 'same level again');
  });

  it('a raise while Beijing is disconnected is replayed after Last-Event-ID; MQTT and the webhook receive it', async () => {
    const lastId = stream.events.at(-1)!.id!;
    stream.close();
    await waitFor('the stream to close on the server', () => service.streams === 0);
    const r = await call('POST', '/api/air/warnings', tok.sjz, warningBody('orange'));
    assert.equal(r.status, 201);
    raised = r.body!;
    assert.equal(raised.action, 'raise');
    assert.equal(raised.previousLevel, 'yellow');
    assert.equal(raised.replaces, issued.id);

    stream = await openSse(`${base}/api/air/warnings/stream?city=beijing`, { 'last-event-id': lastId });
    sse.push(stream);
    const ev = await waitFor('the replayed raise notification', () => stream.events.find((e) => JSON.parse(e.data).warningId === raised.id));
    beijingNote = JSON.parse(ev.data) as Json;
    assert.equal(beijingNote.action, 'raise');
    assert.equal(beijingNote.level, 'orange');
    assert.ok(Number(ev.id) > Number(lastId));
    assert.equal(stream.events.filter((e) => JSON.parse(e.data).warningId === issued.id).length, 0, 'nothing before Last-Event-ID is sent again');

    const m = await waitFor('the MQTT inbox message', () => inbox.find((x) => x.warningId === raised.id));
    assert.equal(m.id, beijingNote.id);
    assert.equal(m.sourceCityId, 'shijiazhuang');

    const h = await waitFor('the webhook delivery', () => hookHits.find((x) => x.status === 200 && x.body.notification.warningId === raised.id), 8000);
    assert.equal(h.body.notification.id, beijingNote.id);
    assert.match(h.signature, /^sha256=[0-9a-f]{64}$/);
  });

  it('the Beijing editor acknowledges; others cannot; the board shows who and when', async () => {
    const path = `/api/air/warnings/notifications/${beijingNote.id}/ack`;
    assert.equal((await call('POST', path, tok.sjz, { note: 'x' })).status, 403, 'a Shijiazhuang editor cannot acknowledge for Beijing');
    assert.equal((await call('POST', path, tok.viewer, {})).status, 403);
    const r = await call('POST', path, tok.bj, { note: '已收到，启动橙色响应 / received' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body!.status, 'acknowledged');
    assert.equal((await call('POST', path, tok.bj, {})).status, 409);

    const board = await call('GET', '/api/air/warnings/board');
    assert.equal(board.status, 200);
    const cities = board.body!.cities as Json[];
    assert.equal(cities.length, 14, 'Beijing, Tianjin and the Hebei cities of the city table');
    const sjz = cities.find((c) => c.cityId === 'shijiazhuang')!;
    assert.equal(sjz.level, 'orange');
    assert.equal(sjz.warning.id, raised.id);
    assert.equal(sjz.warning.active, true);
    assert.equal(sjz.notifications.length, 13);
    assert.equal(sjz.acknowledged, 1);
    const bj = sjz.notifications.find((n: Json) => n.targetCityId === 'beijing');
    assert.equal(bj.status, 'acknowledged');
    assert.equal(bj.acknowledgement.by.label, 'Beijing ecology editor');
    assert.ok(Math.abs(Date.parse(bj.acknowledgement.at) - Date.now()) < 60_000);
    assert.equal(bj.acknowledgement.note, '已收到，启动橙色响应 / received');
    assert.ok(sjz.notifications.filter((n: Json) => n.targetCityId !== 'beijing').every((n: Json) => n.status !== 'acknowledged'));
    assert.equal(cities.find((c) => c.cityId === 'beijing')!.level, 'none');

    // Delivery results are recorded just after the receiver answered: poll.
    const channels = await waitFor('every channel recorded as delivered', async () => {
      const detail = await call('GET', `/api/air/warnings/notifications/${beijingNote.id}`);
      const m = new Map((detail.body!.deliveries as Json[]).map((d) => [d.channel as string, d]));
      return ['sse', 'mqtt', 'webhook'].every((c) => m.get(c)?.status === 'delivered') ? m : undefined;
    });
    assert.equal(channels.get('webhook')!.attempts, 1);
    // The first webhook request of the run got a 500 and was retried.
    const firstHook = await waitFor(
      'the retried first webhook delivery',
      async () => {
        const d = (await call('GET', `/api/air/warnings/notifications/${hookHits[0]!.body.notification.id}`)).body!.deliveries.find((x: Json) => x.channel === 'webhook');
        return d.status === 'delivered' ? d : undefined;
      },
      8000,
    );
    assert.ok(firstHook.attempts >= 2);
    assert.equal(hookHits[0]!.status, 500);

    const audit = await env.platform.handle.db.selectFrom('audit_log').select(['entity_type', 'actor_label']).where('entity_type', 'like', 'air.%').execute();
    assert.ok(audit.some((a) => a.entity_type === 'air.warning.notification' && a.actor_label === 'Beijing ecology editor'));
    assert.equal(audit.filter((a) => a.entity_type === 'air.warning').length, 2);
  });

  it('records a regional consultation and keeps the history', async () => {
    const body = { participants: ['shijiazhuang', 'beijing', 'baoding'], summary: { zh: '京石保会商', en: 'Beijing–Shijiazhuang–Baoding consultation' }, decisions: [{ zh: '同步启动橙色响应', en: 'start orange responses together' }] };
    assert.equal((await call('POST', `/api/air/warnings/${raised.id}/consultations`, tok.viewer, body)).status, 403);
    const c = await call('POST', `/api/air/warnings/${raised.id}/consultations`, tok.sjz, body);
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const list = await call('GET', `/api/air/warnings/${raised.id}/consultations`);
    assert.equal(list.body!.items.length, 1);
    assert.deepEqual(list.body!.items[0].participants, ['shijiazhuang', 'beijing', 'baoding']);
    const hist = await call('GET', '/api/air/warnings?city=shijiazhuang');
    assert.deepEqual(hist.body!.items.map((w: Json) => w.action), ['raise', 'issue']);
    assert.equal((await call('GET', '/api/air/warnings?city=beijing')).body!.items.length, 0);
  });

  it('lifting produces a lift notification on every channel', async () => {
    assert.equal((await call('POST', `/api/air/warnings/${raised.id}/lift`, tok.bj, { reason: { zh: '解除', en: 'lift' } })).status, 403);
    assert.equal((await call('POST', `/api/air/warnings/${issued.id}/lift`, tok.sjz, { reason: { zh: '解除', en: 'lift' } })).status, 409, 'only the current warning');
    const r = await call('POST', `/api/air/warnings/${raised.id}/lift`, tok.sjz, { reason: { zh: '气象条件转好，解除预警', en: 'weather improved' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body!.action, 'lift');
    assert.equal(r.body!.level, 'none');
    assert.equal(r.body!.previousLevel, 'orange');
    const lifted = r.body!;
    const ev = await waitFor('the lift notification on the Beijing stream', () => stream.events.find((e) => JSON.parse(e.data).warningId === lifted.id));
    assert.equal(JSON.parse(ev.data).action, 'lift');
    await waitFor('the lift on MQTT', () => inbox.find((x) => x.warningId === lifted.id && x.action === 'lift'));
    await waitFor('the lift by webhook', () => hookHits.find((x) => x.status === 200 && x.body.notification.action === 'lift'), 8000);
    assert.equal((await call('POST', `/api/air/warnings/${raised.id}/lift`, tok.sjz, { reason: { zh: '解除', en: 'lift' } })).status, 409);
    const board = await call('GET', '/api/air/warnings/board');
    assert.equal(board.body!.cities.find((c: Json) => c.cityId === 'shijiazhuang').level, 'none');
    // The retained level of Shijiazhuang on the broker is the latest: none.
    const levels: Json[] = [];
    const probe = await mqtt.connectAsync(brokerUrl, { clientId: `xt-test-linkage-probe-${run}`, reconnectPeriod: 0, connectTimeout: 5000 });
    try {
      probe.on('message', (_t, p) => p.length && levels.push(JSON.parse(p.toString('utf8')) as Json));
      await probe.subscribeAsync(`${prefix}/shijiazhuang`, { qos: 1 });
      const retained = await waitFor('the retained level', () => levels.find((l) => l.warningId === lifted.id));
      assert.equal(retained.level, 'none');
    } finally {
      await probe.endAsync();
    }
  });

  it('without XIETONG_WEBHOOK_ALLOW_PRIVATE, local webhook URLs are refused (400 naming url) and private resolutions at delivery', async () => {
    // A second deployment with the default configuration.
    const env2 = await startTestEnv({ seed: false, env: { XIETONG_RATE_LIMIT: '0' } });
    let service2: LinkageService | null = null;
    let app2: App | null = null;
    try {
      assert.equal(env2.config.webhookAllowPrivate, false, 'the switch is off by default');
      const db2 = env2.platform.handle.db;
      await seedCities(db2, readCities());
      // rebind.example.test stands for a name whose DNS answer changed to a loopback address after registration.
      const resolved: string[] = [];
      service2 = new LinkageService(new LinkageStore(db2.withTables<LinkageTables>()), {
        delivery: { timeoutMs: 2000, allowPrivateNetworks: env2.config.webhookAllowPrivate },
        resolveHost: async (host) => {
          resolved.push(host);
          if (host === 'rebind.example.test') return [{ address: '127.0.0.1', family: 4 }];
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        },
      });
      app2 = await buildApp({ config: env2.config, db: db2, dbKind: env2.platform.handle.kind, version: 'test', logger: false }, [(a) => linkageRoutes(service2!)(a)]);
      const bj2 = await env2.token('editor', { cityId: 'beijing' }, 'Beijing ecology editor');
      const sjz2 = await env2.token('editor', { cityId: 'shijiazhuang' }, 'Shijiazhuang ecology editor');
      const call2 = async (a: App, method: string, url: string, token: string, body?: unknown) => {
        const res = await a.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' }, ...(body !== undefined ? { payload: body as Json } : {}) });
        return { status: res.statusCode, body: JSON.parse(res.body) as Json, type: String(res.headers['content-type'] ?? '') };
      };

      const refused = [
        hookUrl,
        hookUrl.replace('127.0.0.1', 'localhost'),
        hookUrl.replace('127.0.0.1', '2130706433'),
        hookUrl.replace('127.0.0.1', '[::1]'),
        hookUrl.replace('127.0.0.1', '[::ffff:127.0.0.1]'),
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.8/hook',
        'http://[fd00::1]/hook',
        'https://user:secret@hooks.example.com/hook',
      ];
      // The wired service of the default configuration refuses, and so does the one built here for delivery.
      assert.equal(env2.platform.linkage.allowsPrivateWebhooks, false);
      for (const a of [env2.app, app2]) {
        for (const url of refused) {
          const r = await call2(a, 'POST', '/api/air/webhooks', bj2, { cityId: 'beijing', url });
          assert.equal(r.status, 400, `${url}: ${JSON.stringify(r.body)}`);
          assert.match(r.type, /application\/problem\+json/);
          assert.ok((r.body.errors as Json[]).some((e) => e.field === 'url'), url);
        }
      }
      assert.equal((await call2(app2, 'GET', '/api/air/webhooks', bj2)).body.items.length, 0, 'nothing was registered');

      // A name passes registration; at delivery it resolves to loopback and is refused, the reason recorded.
      const name = await call2(app2, 'POST', '/api/air/webhooks', bj2, { cityId: 'beijing', url: `http://rebind.example.test:${(hookServer.address() as AddressInfo).port}/hook` });
      assert.equal(name.status, 201, JSON.stringify(name.body));
      // A row stored before the guard existed, with a loopback URL: refused for good at its first attempt.
      const legacy = await new LinkageStore(db2.withTables<LinkageTables>()).insertWebhook(db2.withTables<LinkageTables>(), {
        id: `awh_legacy${run}`,
        city_id: 'beijing',
        url: hookUrl,
        secret: 'legacy-secret',
        created_by: 'test',
        disabled_at: null,
      });
      service2.start();
      const w = await call2(app2, 'POST', '/api/air/warnings', sjz2, warningBody('yellow'));
      assert.equal(w.status, 201, JSON.stringify(w.body));
      const detail = await call2(app2, 'GET', `/api/air/warnings/${w.body.id}`, sjz2);
      const note = (detail.body.notifications as Json[]).find((n) => n.targetCityId === 'beijing')!;
      const hooks = await waitFor('both webhook deliveries attempted', async () => {
        const d = (await call2(app2!, 'GET', `/api/air/warnings/notifications/${note.id}`, bj2)).body.deliveries as Json[];
        const byTarget = new Map(d.filter((x) => x.channel === 'webhook').map((x) => [x.target as string, x]));
        const a = byTarget.get(name.body.id as string);
        const b = byTarget.get(legacy.id);
        return a?.attempts >= 1 && b?.attempts >= 1 ? { name: a!, legacy: b! } : undefined;
      });
      assert.match(hooks.name.lastError, /^refused: rebind\.example\.test resolves to 127\.0\.0\.1 \(loopback/);
      assert.equal(hooks.name.lastStatus, null);
      assert.equal(hooks.name.status, 'pending', 'a refused resolution is retried: DNS may change');
      assert.match(hooks.legacy.lastError, /^refused: target address 127\.0\.0\.1 is not allowed: loopback/);
      assert.equal(hooks.legacy.status, 'failed', 'a refused URL is not retried');
      assert.equal(hooks.legacy.attempts, 1);
      assert.ok(resolved.includes('rebind.example.test'));
      assert.equal(hookHits.filter((h) => h.body.notification.warningId === w.body.id).length, 0, 'the receiver on 127.0.0.1 got nothing');
    } finally {
      await app2?.close();
      await service2?.close();
      await env2.close();
    }
  });
});
