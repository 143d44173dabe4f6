import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEnv, testDb, type TestEnv } from '../support/harness.ts';

type Json = Record<string, any>;

export const testStations = [
  { code: 'X029A', name: '职工医院', nameEn: 'Zhigong Hospital', cityId: 'shijiazhuang', cityName: '石家庄市', lat: 38.0297, lon: 114.5406, type: 'national' },
  { code: 'X030A', name: '高新区', nameEn: null, cityId: 'shijiazhuang', cityName: '石家庄市', lat: 38.0395, lon: 114.6033, type: 'national' },
  { code: 'X003A', name: '东四', nameEn: 'Dongsi', cityId: 'beijing', cityName: '北京市', lat: 39.9289, lon: 116.4174, type: 'national' },
];

describe(`air: HTTP batch ingestion and open-data reads (${testDb})`, () => {
  let env: TestEnv;
  let admin: string;
  let sjzEditor: string;
  let viewer: string;

  before(async () => {
    env = await startTestEnv();
    admin = await env.token('admin', {}, 'air admin');
    sjzEditor = await env.token('editor', { cityId: 'shijiazhuang' }, 'sjz ecology editor');
    viewer = await env.token('viewer');
    const res = await env.app.inject({ method: 'POST', url: '/api/air/stations', headers: { authorization: `Bearer ${admin}` }, payload: { stations: testStations } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { created: 3, updated: 0 });
  });
  after(async () => env.close());

  const post = (token: string, payload: unknown, contentType = 'application/json') =>
    env.app.inject({ method: 'POST', url: '/api/air/observations', headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'accept-language': 'en' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

  const count = async () => Number((await env.platform.handle.db.selectFrom('audit_log' as never).select((eb: any) => eb.fn.countAll().as('n')).where('entity_type' as never, '=', 'air.observations' as never).executeTakeFirstOrThrow() as Json).n);

  it('stores a JSON batch, keeps good rows and lists every bad row with index, field and reason', async () => {
    const res = await post(sjzEditor, {
      observations: [
        { station: 'X029A', time: '2026-03-15T08:00:00+08:00', pollutant: 'pm25', value: 35 },
        { station: 'X029A', time: '2026-03-15T08:00:00+08:00', pollutant: 'co', value: 1.2 },
        { station: 'X029A', time: '2026-03-15T08:00:00+08:00', pm10: 80, so2: '/', o3: 'NA' },
        { station: 'X029A', time: '2026-03-15T08:30:00+08:00', pollutant: 'pm25', value: 35 },
        { station: 'X029A', time: '2026-03-15 08:00', pollutant: 'pm25', value: 35 },
        { station: 'X029A', time: '2026-03-15T09:00:00+08:00', pollutant: 'pm1', value: 3 },
        { station: 'X029A', time: '2026-03-15T09:00:00+08:00', pollutant: 'no2', value: -4 },
        { station: '9999Z', time: '2026-03-15T09:00:00+08:00', pollutant: 'no2', value: 4 },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    const b = res.json() as Json;
    assert.equal(b.received, 8);
    assert.equal(b.accepted, 5);
    assert.equal(b.inserted, 5);
    assert.equal(b.rejected, 5, 'records refused, each once');
    assert.deepEqual(
      b.errors.map((e: Json) => [e.index, e.field]),
      [[3, 'time'], [4, 'time'], [5, 'pollutant'], [6, 'value'], [7, 'station']],
    );
    assert.match(b.errors[0].reason, /whole hour/);
    const latest = (await (await env.app.inject({ url: '/api/air/locations/X029A/latest' })).json()) as Json;
    const by = Object.fromEntries(latest.results.map((r: Json) => [r.pollutant, r]));
    assert.equal(by.pm25.value, 35);
    assert.equal(by.pm25.datetime, '2026-03-15T08:00:00+08:00');
    assert.equal(by.co.value, 1.2);
    assert.equal(by.so2.flag, 'not_monitored');
    assert.equal(by.so2.value, null);
    assert.equal(by.o3.flag, 'missing');
  });

  it('stores CSV (long and wide) and reports bad rows with their line', async () => {
    const long = 'station,time,pollutant,value,flag\nX030A,2026-03-15T08:00:00+08:00,pm25,40,\nX030A,2026-03-15T08:00:00+08:00,pm10,abc,\nX030A,2026-03-15T08:00:00+08:00,no2,,valid\nX030A,2026-03-15T08:00:00+08:00,so2,7\n';
    const r1 = await post(sjzEditor, long, 'text/csv');
    assert.equal(r1.statusCode, 200, r1.body);
    const b1 = r1.json() as Json;
    assert.equal(b1.accepted, 1);
    assert.deepEqual(b1.errors.map((e: Json) => [e.line, e.field]), [[3, 'value'], [4, 'value'], [5, '(row)']]);
    const wide = 'station,time,PM2.5,PM10,SO2,NO2,CO,O3\nX030A,2026-03-15T09:00:00+08:00,41,88,/,30,0.9,NA\nX030A,2026-03-15T10:00:00+08:00,x,88,6,30,0.9,50\n';
    const r2 = await post(sjzEditor, wide, 'text/csv');
    assert.equal(r2.statusCode, 200, r2.body);
    const b2 = r2.json() as Json;
    assert.equal(b2.accepted, 6);
    assert.deepEqual(b2.errors.map((e: Json) => [e.line, e.field]), [[3, 'PM2.5']]);
    const bad = await post(sjzEditor, 'station,when\nX030A,x\n', 'text/csv');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  });

  it('is idempotent; a changed value is a revision; one audit record per accepted batch', async () => {
    const batch = { observations: [{ station: 'X029A', time: '2026-03-15T10:00:00+08:00', pollutant: 'pm25', value: 50 }, { station: 'X029A', time: '2026-03-15T11:00:00+08:00', pollutant: 'pm25', value: 52 }] };
    const auditBefore = await count();
    const a = (await post(admin, batch)).json() as Json;
    assert.deepEqual([a.inserted, a.updated, a.unchanged], [2, 0, 0]);
    const b = (await post(admin, batch)).json() as Json;
    assert.deepEqual([b.inserted, b.updated, b.unchanged], [0, 0, 2]);
    const revised = { observations: [{ station: 'X029A', time: '2026-03-15T10:00:00+08:00', pollutant: 'pm25', value: 55 }] };
    const c = (await post(admin, revised)).json() as Json;
    assert.deepEqual([c.inserted, c.updated, c.unchanged], [0, 1, 0]);
    assert.equal(await count(), auditBefore + 3);
    const rows = await env.platform.air.store.db.selectFrom('air_observation').selectAll().where('station', '=', 'X029A').where('pollutant', '=', 'pm25').where('time', '=', new Date('2026-03-15T02:00:00Z')).execute();
    assert.equal(rows.length, 1);
    assert.equal(Number(rows[0]!.value), 55);
    assert.equal(rows[0]!.flag, 'revised');
    assert.equal(rows[0]!.revision, 1);
    // The daily aggregate follows the revision at once.
    const day = (await (await env.app.inject({ url: '/api/air/measurements?station=X029A&pollutant=pm25&from=2026-03-15T00:00:00%2B08:00&to=2026-03-16T00:00:00%2B08:00&period=24h&aggregate=true' })).json()) as Json;
    assert.equal(day.results.length, 1);
    assert.equal(day.results[0].value, 47.333);
    assert.deepEqual([day.results[0].coverage.observedCount, day.results[0].coverage.valid], [3, false]);
    const audit = (await (await env.app.inject({ url: '/api/audit?entityType=air.observations&limit=1', headers: { authorization: `Bearer ${admin}` } })).json()) as Json;
    assert.equal(audit.items[0].after.updated, 1);
    assert.equal(audit.items[0].after.source, 'http-json');
  });

  it('refuses writes outside the token scope (403), viewers and anonymous callers', async () => {
    const other = { observations: [{ station: 'X003A', time: '2026-03-15T08:00:00+08:00', pollutant: 'pm25', value: 10 }, { station: 'X029A', time: '2026-03-15T12:00:00+08:00', pollutant: 'pm25', value: 10 }] };
    const res = await post(sjzEditor, other);
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(await env.platform.air.store.countObservations('X003A'), 0);
    assert.equal(await env.platform.air.store.countObservations('X029A'), 7);
    assert.equal((await post(viewer, other)).statusCode, 403);
    const anon = await env.app.inject({ method: 'POST', url: '/api/air/observations', payload: other });
    assert.equal(anon.statusCode, 401);
    const st = await env.app.inject({ method: 'POST', url: '/api/air/stations', headers: { authorization: `Bearer ${sjzEditor}` }, payload: { stations: [testStations[2]] } });
    assert.equal(st.statusCode, 403);
    const dup = await env.app.inject({ method: 'POST', url: '/api/air/stations', headers: { authorization: `Bearer ${admin}` }, payload: { stations: [testStations[0], testStations[0]] } });
    assert.equal(dup.statusCode, 400);
    assert.equal((dup.json() as Json).errors[0].field, 'stations.1.code');
  });

  it('limits rows per request and bodies', async () => {
    const many = Array.from({ length: env.config.airMaxRows + 1 }, () => ({}));
    const res = await post(admin, many);
    assert.equal(res.statusCode, 413, res.body);
    assert.equal((await post(admin, { nothing: true })).statusCode, 400);
    assert.equal((await post(admin, '{"observations": [')).statusCode, 400);
    const none = await post(admin, { observations: [{ station: 'X029A' }] });
    assert.equal(none.statusCode, 422);
  });

  it('serves OpenAQ-style locations, latest and measurements', async () => {
    const locs = (await (await env.app.inject({ url: '/api/air/locations?city=shijiazhuang&limit=1000' })).json()) as Json;
    assert.ok(locs.results.every((l: Json) => l.cityId === 'shijiazhuang'));
    assert.deepEqual(locs.results.filter((l: Json) => l.code.startsWith('X')).map((l: Json) => l.code), ['X029A', 'X030A']);
    const zg = locs.results.find((l: Json) => l.code === 'X029A');
    assert.deepEqual(zg.coordinates, { latitude: 38.0297, longitude: 114.5406 });
    assert.ok(zg.sensors.some((s: Json) => s.id === 'X029A:pm25:1h' && s.parameter.units === 'µg/m³'));
    assert.ok(zg.sensors.some((s: Json) => s.id === 'X029A:co:1h' && s.parameter.units === 'mg/m³'));
    assert.equal(zg.datetimeLast, '2026-03-15T11:00:00+08:00');
    assert.equal((await env.app.inject({ url: '/api/air/locations/0000X' })).statusCode, 404);
    const hours = (await (await env.app.inject({ url: '/api/air/measurements?station=X029A&pollutant=pm25&from=2026-03-15T07:00:00%2B08:00&to=2026-03-15T11:00:00%2B08:00' })).json()) as Json;
    assert.deepEqual(hours.results.map((r: Json) => [r.period.datetimeTo, r.value]), [['2026-03-15T08:00:00+08:00', 35], ['2026-03-15T10:00:00+08:00', 55], ['2026-03-15T11:00:00+08:00', 52]]);
    assert.equal(hours.results[0].period.datetimeFrom, '2026-03-15T07:00:00+08:00');
    const eight = (await (await env.app.inject({ url: '/api/air/measurements?station=X029A&pollutant=pm25&from=2026-03-15T10:00:00%2B08:00&to=2026-03-15T11:00:00%2B08:00&period=8h&aggregate=true' })).json()) as Json;
    assert.deepEqual(eight.results.map((r: Json) => [r.period.datetimeTo, r.value, r.coverage.observedCount]), [["2026-03-15T11:00:00+08:00", 47.333, 3]]);
    const bad = await env.app.inject({ url: '/api/air/measurements?station=X029A&from=2026-03-15&to=x', headers: { 'accept-language': 'en' } });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual((bad.json() as Json).errors.map((e: Json) => e.field).sort(), ['from', 'to']);
    const all = (await (await env.app.inject({ url: '/api/air/latest?city=beijing' })).json()) as Json;
    assert.ok(all.meta.found > 0, 'the bundled demo data has Beijing stations');
    assert.ok(!all.results.some((r: Json) => r.station === 'X003A'), 'nothing was written for X003A');
    assert.ok(!all.results.some((r: Json) => r.station === 'X029A'), 'a city filter');
  });

  it('loads the bundled demo slice at first start: UCI stations under their national codes, both snapshots', async () => {
    const dongsi = (await (await env.app.inject({ url: '/api/air/locations/1003A' })).json()) as Json;
    assert.equal(dongsi.name, '东四');
    assert.equal(dongsi.nameEn, 'Dongsi');
    assert.equal(dongsi.cityId, 'beijing');
    const days = (await (await env.app.inject({ url: '/api/air/measurements?station=1003A&pollutant=pm25&period=24h&aggregate=true&from=2016-12-14T00:00:00%2B08:00&to=2016-12-24T00:00:00%2B08:00' })).json()) as Json;
    assert.equal(days.meta.found, 10);
    assert.ok(days.results.some((d: Json) => d.value > 250), 'the December 2016 episode');
    const snap = (await (await env.app.inject({ url: '/api/air/measurements?station=1001A&pollutant=pm10&from=2022-01-01T09:00:00%2B08:00&to=2022-01-01T10:00:00%2B08:00' })).json()) as Json;
    assert.deepEqual(snap.results.map((r: Json) => r.value), [98]);
    const daily = (await (await env.app.inject({ url: '/api/air/measurements?station=1001A&pollutant=pm10&period=24h&from=2022-01-01T09:00:00%2B08:00&to=2022-01-01T10:00:00%2B08:00' })).json()) as Json;
    assert.deepEqual(daily.results.map((r: Json) => r.value), [61], 'the published 24-hour value is stored as period 24h');
  });
});
