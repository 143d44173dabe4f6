// Issue #4: ingestion throughput into PostgreSQL — HTTP batch (POST /api/air/observations) and MQTT through
// Mosquitto (every message counted in the database before the clock stops).
//
//   node --import tsx bench/air-ingest.ts
//
// The server runs in this process (startServer, as `xietong serve` does) on a fresh database; clients are in the
// same process. Environment (all optional):
//   XIETONG_BENCH_PG_URL   admin URL of PostgreSQL (default postgres://postgres@127.0.0.1:5432/test); the run
//                          creates and drops a database `xietong_bench_air_<pid>` there
//   BENCH_MQTT_URL         broker (default mqtt://127.0.0.1:1883)
//   BENCH_HTTP_OBS=1000000 observations sent over HTTP     BENCH_HTTP_BATCH=10000  per request   BENCH_HTTP_CONC=4
//   BENCH_MQTT_MSGS=100000 MQTT messages (one observation each)                    BENCH_MQTT_PUBS=4 publisher connections
import crypto from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import mqtt from 'mqtt';
import { loadConfig } from '../src/platform/config.ts';
import { createToken } from '../src/platform/auth.ts';
import { startServer } from '../src/server.ts';

const adminUrl = process.env.XIETONG_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const brokerUrl = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const httpObs = Number(process.env.BENCH_HTTP_OBS ?? 1_000_000);
const httpBatch = Number(process.env.BENCH_HTTP_BATCH ?? 10_000);
const httpConc = Number(process.env.BENCH_HTTP_CONC ?? 4);
const mqttMsgs = Number(process.env.BENCH_MQTT_MSGS ?? 100_000);
const mqttPubs = Number(process.env.BENCH_MQTT_PUBS ?? 4);
const STATIONS = 100;
const HOUR = 3_600_000;
const base = Date.parse('2020-01-01T01:00:00+08:00');
const pollutants = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'];

const dbName = `xietong_bench_air_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const u = new URL(adminUrl);
u.pathname = `/${dbName}`;
const run = crypto.randomBytes(4).toString('hex');
const prefix = `xietong-bench-${run}/air`;
const config = loadConfig({
  LOG_LEVEL: 'warn',
  PORT: '0',
  DATABASE_URL: u.toString(),
  XIETONG_SEED: 'off',
  XIETONG_RATE_LIMIT: '0',
  XIETONG_MQTT_URL: brokerUrl,
  XIETONG_MQTT_CLIENT_ID: `xt-bench-${run}`,
  XIETONG_MQTT_TOPIC_PREFIX: prefix,
  XIETONG_MQTT_SESSION_EXPIRY: '60',
});
const server = await startServer(config);
const db = server.platform.handle.db;
const { token } = await createToken(db, { role: 'admin', scope: { cityId: null, departmentId: null }, label: 'bench', createdBy: null });
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const codes = Array.from({ length: STATIONS }, (_, i) => `B${String(i).padStart(3, '0')}A`);
await server.platform.air.upsertStations(
  { tokenId: 'bench', label: 'bench', role: 'admin', scope: { cityId: null, departmentId: null } },
  codes.map((code, i) => ({ code, name: `基准站${i}`, nameEn: null, cityId: 'shijiazhuang', cityName: '石家庄市', lat: 38 + i / 1000, lon: 114.5, type: 'national' as const })),
);
const count = async () => Number(((await db.selectFrom('air_observation' as never).select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()) as { n: string }).n);

// ---- HTTP batch: distinct (station, hour, pollutant) keys, JSON bodies built before the clock starts.
const bodies: string[] = [];
for (let start = 0; start < httpObs; start += httpBatch) {
  const obs = [];
  for (let k = start; k < Math.min(httpObs, start + httpBatch); k++) {
    const p = k % 6;
    const st = Math.floor(k / 6) % STATIONS;
    const h = Math.floor(k / 6 / STATIONS);
    obs.push({ station: codes[st], time: new Date(base + h * HOUR).toISOString(), pollutant: pollutants[p], value: (k % 500) + 0.5 });
  }
  bodies.push(JSON.stringify({ observations: obs }));
}
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: httpConc }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const res = await fetch(`${server.url}/api/air/observations`, { method: 'POST', headers: auth, body });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`);
      await res.arrayBuffer();
    }
  }),
);
const httpSecs = (performance.now() - t0) / 1000;
const afterHttp = await count();
if (afterHttp !== httpObs) throw new Error(`HTTP: ${afterHttp} rows stored, ${httpObs} sent`);

// ---- MQTT: one observation per message, QoS 1, several publisher connections; the clock stops when the
// database holds every message.
const pubs = await Promise.all(Array.from({ length: mqttPubs }, (_, i) => mqtt.connectAsync(brokerUrl, { clientId: `xt-bench-pub-${run}-${i}`, reconnectPeriod: 0 })));
const t1 = performance.now();
await Promise.all(
  pubs.map(async (c, pi) => {
    const inflight: Promise<unknown>[] = [];
    for (let m = pi; m < mqttMsgs; m += mqttPubs) {
      const st = m % STATIONS;
      const h = 150_000 + Math.floor(m / STATIONS);
      inflight.push(c.publishAsync(`${prefix}/shijiazhuang/${codes[st]}`, JSON.stringify({ time: new Date(base + h * HOUR).toISOString(), pollutant: 'pm25', value: m % 700 }), { qos: 1 }));
      if (inflight.length >= 2000) await Promise.all(inflight.splice(0));
    }
    await Promise.all(inflight);
  }),
);
const published = performance.now();
let stored = 0;
for (;;) {
  stored = (await count()) - httpObs;
  if (stored >= mqttMsgs) break;
  if (performance.now() - published > 30_000) throw new Error(`MQTT: only ${stored} of ${mqttMsgs} messages stored after 30 s; subscriber ${JSON.stringify(server.platform.airMqtt!.stats)}`);
  await new Promise((r) => setTimeout(r, 20));
}
const mqttSecs = (performance.now() - t1) / 1000;
const stats = server.platform.airMqtt!.stats;
await Promise.all(pubs.map((c) => c.endAsync()));
await server.stop();
await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await admin.end();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, PostgreSQL (${adminUrl.replace(/\/\/[^@]*@/, '//')})`);
console.log(`HTTP batch  : ${fmt(httpObs)} observations in ${bodies.length} JSON requests of ${fmt(httpBatch)} (${httpConc} concurrent) in ${httpSecs.toFixed(2)} s = ${fmt(httpObs / httpSecs)} observations/s (target ≥ 50,000)`);
console.log(`MQTT QoS 1  : ${fmt(mqttMsgs)} messages from ${mqttPubs} publishers, all in the database after ${mqttSecs.toFixed(2)} s = ${fmt(mqttMsgs / mqttSecs)} messages/s (target ≥ 10,000); ${stats.commits} commits, ${(stats.messages / Math.max(1, stats.commits)).toFixed(0)} messages per commit`);
process.exit(0);
