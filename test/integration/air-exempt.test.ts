/**
 * HJ 633-2026 per-station exemptions through the API: stored with the station, shown on the location, and
 * used by GET /api/air/aqi (station and city, hourly and daily) and /api/air/aqi/latest.
 *
 * Expected AQIs are computed here from the HJ 633 formula and breakpoints (IAQI = IL + ⌈(IH−IL)(C−BPL)/(BPH−BPL)⌉,
 * first segment IL 0 → IH 50), never taken from the engine under test.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestEnv, testDb, type TestEnv } from '../support/harness.ts';

type Json = Record<string, any>;

// One station-hour, PM10 missing (NA). Every value lies in the first breakpoint segment of its row.
const conc = { pm25: 30, so2: 5, no2: 20, co: 0.5, o3: 50 };
const firstSegment = (c: number, bp: number) => Math.ceil((50 * c) / bp);
// Real-time: PM2.5 on its 24-h row (35), gases on their 1-h rows (SO2 150, NO2 100, CO 5, O3 160).
const hourlyAqi = Math.max(firstSegment(conc.pm25, 35), firstSegment(conc.so2, 150), firstSegment(conc.no2, 100), firstSegment(conc.co, 5), firstSegment(conc.o3, 160));
// Daily: 24-h rows (PM2.5 35, SO2 50, NO2 40, CO 2) and the O3 8-h row (100); the values are constant over the day.
const dailyAqi = Math.max(firstSegment(conc.pm25, 35), firstSegment(conc.so2, 50), firstSegment(conc.no2, 40), firstSegment(conc.co, 2), firstSegment(conc.o3, 100));

const station = (code: string, cityId: string, exempt?: string[] | null) => ({
  code,
  name: `豁免测试 ${code}`,
  cityId,
  cityName: '测试市',
  lat: 38,
  lon: 114.5,
  ...(exempt === undefined ? {} : { exempt }),
});

describe(`air: HJ 633-2026 per-station exemptions (${testDb})`, () => {
  let env: TestEnv;
  let admin: string;
  const get = async (url: string) => {
    const r = await env.app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } });
    return { status: r.statusCode, body: JSON.parse(r.body) as Json };
  };
  const postStations = (stations: unknown[]) =>
    env.app.inject({ method: 'POST', url: '/api/air/stations', headers: { authorization: `Bearer ${admin}`, 'accept-language': 'en' }, payload: { stations } });
  const hourIndex = 7; // the hour ending 08:00

  before(async () => {
    env = await startTestEnv();
    admin = await env.token('admin', {}, 'exempt admin');
    const res = await postStations([
      station('XE01A', 'xt-exempt-a', []), // none exempt
      station('XE02A', 'xt-exempt-a', ['pm10']),
      station('XE03A', 'xt-exempt-b', ['pm10', 'co']),
      station('XE04A', 'xt-exempt-b'), // not known: default
    ]);
    assert.equal(res.statusCode, 200, res.body);
    // 2026-03-15 (HJ 633-2026) and 2026-02-15 (HJ 633-2012): 24 hours each, PM10 NA in every hour.
    const observations = [];
    for (const day of ['2026-03-15', '2026-02-15'])
      for (let h = 1; h <= 24; h++) {
        const time = new Date(Date.parse(`${day}T00:00:00+08:00`) + h * 3_600_000).toISOString();
        for (const s of ['XE01A', 'XE02A', 'XE03A', 'XE04A']) observations.push({ station: s, time, ...conc, pm10: 'NA' });
      }
    const ing = await env.app.inject({ method: 'POST', url: '/api/air/observations', headers: { authorization: `Bearer ${admin}` }, payload: { observations } });
    assert.equal(ing.statusCode, 200, ing.body);
    assert.equal((ing.json() as Json).rejected, 0);
  });
  after(async () => env?.close());

  it('the independent expectation is an AQI ≤ 100, where the exemption decides', () => {
    assert.ok(hourlyAqi > 0 && hourlyAqi <= 100 && dailyAqi > 0 && dailyAqi <= 100, `${hourlyAqi} ${dailyAqi}`);
  });

  it('shows the stored exemptions on the location, and whether the default applies', async () => {
    const none = await get('/api/air/locations/XE01A');
    assert.equal(none.status, 200, JSON.stringify(none.body));
    assert.deepEqual([none.body.exempt, none.body.exemptDefault, none.body.exemptApplied], [[], false, []]);
    const two = await get('/api/air/locations/XE03A');
    assert.deepEqual([two.body.exempt, two.body.exemptDefault, two.body.exemptApplied], [['pm10', 'co'], false, ['pm10', 'co']]);
    const unknown = await get('/api/air/locations/XE04A');
    assert.deepEqual([unknown.body.exempt, unknown.body.exemptDefault, unknown.body.exemptApplied], [null, true, ['pm10']]);
    const list = await get('/api/air/locations?city=xt-exempt-a');
    assert.deepEqual(list.body.results.map((r: Json) => [r.code, r.exempt]), [['XE01A', []], ['XE02A', ['pm10']]]);
  });

  it('station hourly AQI: exempt [] gives NA where PM10 exempt (own or default) publishes', async () => {
    const at = async (code: string) => (await get(`/api/air/aqi?station=${code}&date=2026-03-15&period=hour`)).body;
    const none = await at('XE01A');
    assert.equal(none.items[hourIndex].standard, 'hj633-2026');
    assert.equal(none.items[hourIndex].aqi, null);
    assert.ok(none.items[hourIndex].notes.includes('na:incomplete<=100'), JSON.stringify(none.items[hourIndex]));
    assert.deepEqual(none.exempt, { pollutants: [], default: false });
    for (const code of ['XE02A', 'XE03A', 'XE04A']) {
      const r = await at(code);
      assert.equal(r.items[hourIndex].aqi, hourlyAqi, code);
      assert.ok(r.items.every((i: Json) => i.aqi === hourlyAqi), `${code}: every hour published`);
    }
    assert.deepEqual((await at('XE04A')).exempt, { pollutants: ['pm10'], default: true });
  });

  it('station daily AQI follows the same exemptions', async () => {
    const day = async (code: string) => (await get(`/api/air/aqi?station=${code}&date=2026-03-15&period=day`)).body.items[0];
    assert.equal((await day('XE01A')).aqi, null);
    assert.equal((await day('XE02A')).aqi, dailyAqi);
    assert.equal((await day('XE04A')).aqi, dailyAqi);
  });

  it('HJ 633-2012 has no exemptions: NA whatever the station data', async () => {
    for (const code of ['XE01A', 'XE02A', 'XE04A']) {
      const r = (await get(`/api/air/aqi?station=${code}&date=2026-02-15&period=hour`)).body;
      assert.equal(r.items[hourIndex].standard, 'hj633-2012');
      assert.equal(r.items[hourIndex].aqi, null, code);
    }
  });

  it('city value: a pollutant is exempt for the city only when exempt at every station', async () => {
    // City a: XE01A (none) + XE02A (pm10) → PM10 not exempt for the city → NA.
    const a = (await get('/api/air/aqi?city=xt-exempt-a&date=2026-03-15&period=hour')).body;
    assert.deepEqual(a.stations, ['XE01A', 'XE02A']);
    assert.deepEqual(a.exempt, { pollutants: [], default: false });
    assert.equal(a.items[hourIndex].aqi, null);
    assert.equal((await get('/api/air/aqi?city=xt-exempt-a&date=2026-03-15&period=day')).body.items[0].aqi, null);
    // City b: XE03A (pm10, co) + XE04A (default pm10) → PM10 exempt at both → published.
    const b = (await get('/api/air/aqi?city=xt-exempt-b&date=2026-03-15&period=hour')).body;
    assert.deepEqual(b.exempt, { pollutants: ['pm10'], default: true });
    assert.equal(b.items[hourIndex].aqi, hourlyAqi);
    assert.equal((await get('/api/air/aqi?city=xt-exempt-b&date=2026-03-15&period=day')).body.items[0].aqi, dailyAqi);
  });

  it('latest AQI of every station (map) uses the station exemptions', async () => {
    const r = await get('/api/air/aqi/latest?city=xt-exempt-a');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const by = Object.fromEntries(r.body.items.map((i: Json) => [i.station, i]));
    assert.equal(by.XE01A.aqi, null);
    assert.equal(by.XE02A.aqi, hourlyAqi);
  });

  it('an update without `exempt` keeps the stored exemptions; null resets to the default', async () => {
    assert.equal((await postStations([{ ...station('XE02A', 'xt-exempt-a'), name: '改名' }])).statusCode, 200);
    let loc = (await get('/api/air/locations/XE02A')).body;
    assert.deepEqual([loc.name, loc.exempt], ['改名', ['pm10']]);
    assert.equal((await postStations([station('XE02A', 'xt-exempt-a', null)])).statusCode, 200);
    loc = (await get('/api/air/locations/XE02A')).body;
    assert.deepEqual([loc.exempt, loc.exemptDefault], [null, true]);
    assert.equal((await postStations([station('XE02A', 'xt-exempt-a', ['pm10'])])).statusCode, 200);
    // The station write is audited with the exemptions.
    const audit = await env.platform.handle.db
      .selectFrom('audit_log')
      .select(['after'])
      .where('entity_type', '=', 'air.stations')
      .where('entity_id', '=', 'XE02A')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const after = (typeof audit.after === 'string' ? JSON.parse(audit.after) : audit.after) as Json[];
    assert.deepEqual(after[0]!.exempt, ['pm10']);
  });

  it('refuses bad exempt values with 400 problem+json naming the field, and stores nothing', async () => {
    for (const [exempt, field] of [
      ['pm10', 'stations.0.exempt'],
      [['pm1'], 'stations.0.exempt.0'],
      [[10], 'stations.0.exempt.0'],
      [['pm10', 'PM10'], 'stations.0.exempt.1'],
      [['pm10', 'pm10'], 'stations.0.exempt.1'],
      [['pm25', 'co', 'co'], 'stations.0.exempt.2'],
      [['pm25', 'pm10', 'so2', 'no2', 'co', 'o3', 'o3'], 'stations.0.exempt'],
      [{ pm10: true }, 'stations.0.exempt'],
    ] as const) {
      const res = await postStations([station('XE09A', 'xt-exempt-a', exempt as never)]);
      assert.equal(res.statusCode, 400, `${JSON.stringify(exempt)}: ${res.body}`);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      const body = res.json() as Json;
      assert.ok(body.errors.some((e: Json) => e.field === field), `${JSON.stringify(exempt)}: ${JSON.stringify(body.errors)}`);
    }
    assert.equal((await get('/api/air/locations/XE09A')).status, 404);
  });

  it('any JSON as `exempt` is stored as given or refused naming a field under it — never a 500', async () => {
    const ids = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'];
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(fc.constantFrom(...ids, 'PM10', 'pm1', ''), { maxLength: 8 })), async (exempt) => {
        const res = await postStations([{ ...station('XE08A', 'xt-exempt-c'), exempt }]);
        assert.ok(res.statusCode === 200 || res.statusCode === 400, `${JSON.stringify(exempt)} → ${res.statusCode} ${res.body}`);
        if (res.statusCode === 400) {
          assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
          const fields = (res.json() as Json).errors.map((e: Json) => e.field as string);
          assert.ok(fields.length && fields.every((f: string) => f === 'stations.0.exempt' || f.startsWith('stations.0.exempt.')), `${JSON.stringify(exempt)}: ${fields}`);
          return;
        }
        // Accepted: null, or a list of distinct known ids, stored as such (in the canonical pollutant order).
        const loc = (await get('/api/air/locations/XE08A')).body;
        if (exempt === null) assert.equal(loc.exempt, null);
        else {
          assert.ok(Array.isArray(exempt) && new Set(exempt).size === exempt.length && exempt.every((p) => ids.includes(p as string)), JSON.stringify(exempt));
          assert.deepEqual(loc.exempt, ids.filter((p) => (exempt as unknown[]).includes(p)));
        }
      }),
      { numRuns: 80 },
    );
  });
});
