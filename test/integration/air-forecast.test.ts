import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readJson, startTestEnv, testDb, type TestEnv } from '../support/harness.ts';

type Json = Record<string, any>;

describe(`air: daily AQI forecasts and the warnings that use them (${testDb})`, () => {
  let env: TestEnv;
  let admin: string;
  let bjEditor: string;
  let sjzEditor: string;
  let viewer: string;
  let auditBefore = 0;
  let acceptedRequests = 0;

  before(async () => {
    env = await startTestEnv();
    admin = await env.token('admin', {}, 'forecast admin');
    bjEditor = await env.token('editor', { cityId: 'beijing', departmentId: 'ecology' }, 'Beijing EMC');
    sjzEditor = await env.token('editor', { cityId: 'shijiazhuang', departmentId: 'ecology' }, 'Shijiazhuang EMC');
    viewer = await env.token('viewer', {}, 'viewer');
    auditBefore = await forecastAudits();
  });
  after(async () => env.close());

  async function forecastAudits(): Promise<number> {
    const r = await env.platform.handle.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('entity_type', '=', 'air.forecasts').executeTakeFirstOrThrow();
    return Number(r.n);
  }
  async function post(token: string | null, payload: unknown, csv = false) {
    const r = await env.app.inject({
      method: 'POST',
      url: '/api/air/forecasts',
      payload: csv ? (payload as string) : JSON.stringify(payload),
      headers: { 'content-type': csv ? 'text/csv' : 'application/json', 'accept-language': 'en', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const body = JSON.parse(r.body) as Json;
    if ((r.statusCode === 200 || r.statusCode === 422) && body.accepted > 0) acceptedRequests++;
    return { status: r.statusCode, body };
  }
  const get = async (url: string) => {
    const r = await env.app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } });
    return { status: r.statusCode, body: JSON.parse(r.body) as Json };
  };
  const enc = encodeURIComponent;

  it('documents the routes in OpenAPI', async () => {
    const doc = (await get('/openapi.json')).body;
    assert.ok(doc.paths['/api/air/forecasts'].post, 'POST');
    assert.ok(doc.paths['/api/air/forecasts'].get, 'GET');
    assert.ok(doc.paths['/api/air/warnings/evaluate'].get.parameters.some((p: Json) => p.name === 'forecastSource'));
  });

  it('refuses anonymous writers, viewers and editors of another city; nothing is stored', async () => {
    const one = [{ city: 'shijiazhuang', source: 'hebei-emc', issuedAt: '2016-12-18T16:00:00+08:00', date: '2016-12-19', aqi: 260 }];
    assert.equal((await post(null, one)).status, 401);
    assert.equal((await post(viewer, one)).status, 403);
    // One row out of scope refuses the whole batch: a token never half-writes.
    const mixed = [{ ...one[0], city: 'beijing' }, ...one];
    const r = await post(bjEditor, mixed);
    assert.equal(r.status, 403, JSON.stringify(r.body));
    const stored = await get('/api/air/forecasts?city=beijing&from=2016-12-01&to=2016-12-31&asOf=2016-12-31T00:00:00%2B08:00&baseline=false');
    assert.deepEqual(stored.body.items, []);
  });

  it('stores good JSON rows and names every bad one by index and field', async () => {
    const rows = [
      { city: 'shijiazhuang', source: 'hebei-emc', issuedAt: '2016-12-18T16:00:00+08:00', date: '2016-12-19', aqi: 260, aqiLow: 240, aqiHigh: 280, primary: ['pm25'] },
      { city: 'shijiazhuang', source: 'hebei-emc', issuedAt: '2016-12-18T16:00:00+08:00', date: '2016-12-20', aqi: 310 },
      { city: 'shijiazhuang', source: 'hebei-emc', issuedAt: '2016-12-18T16:00:00+08:00', date: '2016-12-17', aqi: 200 },
      { city: 'shijiazhuang', source: 'hebei-emc', issuedAt: '2016-12-18T16:00:00+08:00', date: '2016-12-21', aqi: 501 },
      { city: 'shijiazhuang', source: 'xietong-baseline', issuedAt: '2016-12-18T16:00:00+08:00', date: '2016-12-21', aqi: 100 },
      { city: 'atlantis', source: 'hebei-emc', issuedAt: '2016-12-18T16:00:00+08:00', date: '2016-12-21', aqi: 100 },
      { city: 'shijiazhuang', source: 'hebei-emc', issuedAt: '2016-12-18T16:00:00+08:00', date: '2016-12-21', aqi: 150, aqiLow: 160 },
    ];
    const r = await post(sjzEditor, { forecasts: rows });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.received, 7);
    assert.equal(r.body.accepted, 2);
    assert.equal(r.body.inserted, 2);
    assert.equal(r.body.rejected, 5);
    const named = (r.body.errors as Json[]).map((e) => `${e.index}:${e.field}`);
    assert.deepEqual(named, ['2:date', '3:aqi', '4:source', '5:city', '6:aqiLow']);
  });

  it('stores CSV rows, naming bad ones by line', async () => {
    const csv = [
      'city,source,issued_at,date,aqi,aqi_low,aqi_high,primary',
      'beijing,bj-emc,2016-12-19T16:00:00+08:00,2016-12-20,280,260,300,pm25',
      'beijing,bj-emc,2016-12-19T16:00:00+08:00,2016-12-21,330,,,pm25;pm10',
      'beijing,bj-emc,2016-12-19T16:00:00+08:00,2016-12-22,NA,,,',
      'beijing,bj-emc,2016-12-19T16:00:00+08:00,2016-12-32,200,,,',
      'beijing,bj-emc,2016-12-19T16:00:00+08:00,2016-12-23,300,,,so4',
    ].join('\n');
    const r = await post(bjEditor, csv, true);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.accepted, 2);
    assert.deepEqual((r.body.errors as Json[]).map((e) => `${e.line}:${e.field}`), ['4:aqi', '5:date', '6:primary']);
    const bad = await post(bjEditor, 'town,source\nx,y', true);
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0].message, /unknown CSV column "town"/);
    const none = await post(bjEditor, 'city,source,issued_at,date,aqi\nbeijing,bj-emc,2016-12-19T16:00:00+08:00,2016-12-10,200', true);
    assert.equal(none.status, 422, 'rows sent, none stored');
  });

  it('re-sent forecasts change nothing; corrections are revisions; later issues are kept and served as the latest', async () => {
    const base = { city: 'beijing', source: 'bj-emc', issuedAt: '2016-12-19T16:00:00+08:00', date: '2016-12-20', aqi: 280, aqiLow: 260, aqiHigh: 300, primary: ['pm25'] };
    const again = await post(bjEditor, [base]);
    assert.deepEqual([again.body.inserted, again.body.updated, again.body.unchanged], [0, 0, 1]);
    const corrected = await post(bjEditor, [{ ...base, aqi: 290, aqiHigh: 310 }]);
    assert.deepEqual([corrected.body.inserted, corrected.body.updated, corrected.body.unchanged], [0, 1, 0]);
    const later = await post(bjEditor, [{ ...base, issuedAt: '2016-12-20T16:00:00+08:00', date: '2016-12-21', aqi: 350, aqiLow: null, aqiHigh: null }]);
    assert.equal(later.body.inserted, 1);

    const asOf20 = await get(`/api/air/forecasts?city=beijing&from=2016-12-20&to=2016-12-25&asOf=${enc('2016-12-20T08:00:00+08:00')}&baseline=false`);
    const byDate = (items: Json[]) => Object.fromEntries(items.map((f) => [f.date, f]));
    const a = byDate(asOf20.body.items);
    assert.equal(a['2016-12-20'].aqi, 290, 'the corrected value');
    assert.equal(a['2016-12-20'].revision, 1);
    assert.equal(a['2016-12-20'].lead, 1);
    assert.equal(a['2016-12-21'].aqi, 330, 'the issue of 19 Dec: the 20 Dec issue was not yet made at 08:00 on the 20th');
    const asOf21 = await get(`/api/air/forecasts?city=beijing&from=2016-12-20&to=2016-12-25&asOf=${enc('2016-12-21T00:00:00+08:00')}&baseline=false`);
    assert.equal(byDate(asOf21.body.items)['2016-12-21'].aqi, 350, 'the latest issue');
    const history = await get(`/api/air/forecasts?city=beijing&from=2016-12-21&to=2016-12-21&asOf=${enc('2016-12-21T00:00:00+08:00')}&history=true&baseline=false`);
    assert.deepEqual((history.body.items as Json[]).map((f) => [f.issuedAt, f.aqi]), [['2016-12-20T16:00:00+08:00', 350], ['2016-12-19T16:00:00+08:00', 330]]);
  });

  it('the baseline forecast is the shipped blend model applied to the stored daily AQI of the day before', async () => {
    const model = readJson<Json>('data/air/forecast-model.json');
    const r = await get(`/api/air/forecasts?city=beijing&asOf=${enc('2016-12-20T10:00:00+08:00')}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const b = r.body.baseline;
    assert.equal(b.available, true, JSON.stringify(b));
    assert.equal(b.basedOn.date, '2016-12-19');
    const daily = await get('/api/air/aqi?city=beijing&date=2016-12-19&period=day');
    assert.equal(b.basedOn.aqi, daily.body.items[0].aqi);
    assert.equal(b.issuedAt, '2016-12-20T00:00:00+08:00');
    // Independent evaluation of forecast(d + k) = α_k + β_k·A_d + γ_k·C(December), clamped and rounded.
    const expected = (model.leads as Json[]).map((l) => Math.round(Math.min(500, Math.max(0, l.intercept + l.persistence * b.basedOn.aqi + l.climatology * model.climatology[11]))));
    assert.deepEqual((b.points as Json[]).map((p) => p.aqi), expected);
    assert.deepEqual((b.points as Json[]).map((p) => p.date), ['2016-12-20', '2016-12-21', '2016-12-22']);
    for (const p of b.points as Json[]) assert.equal(p.signalAbove200, p.aqi > p.eventThreshold);

    const none = await get(`/api/air/forecasts?city=beijing&asOf=${enc('2020-06-01T00:00:00+08:00')}`);
    assert.equal(none.body.baseline.available, false);
    assert.match(none.body.baseline.reason.en, /no valid city daily AQI/);
    const noStation = await get(`/api/air/forecasts?city=xiongan&asOf=${enc('2016-12-20T00:00:00+08:00')}`);
    assert.equal(noStation.status, 200);
    assert.equal(noStation.body.baseline.available, false);
  });

  it('warning evaluation uses the latest submitted forecast issued before `at`, exactly as the same forecast given inline', async () => {
    const at = '2016-12-21T00:00:00+08:00';
    const stored = await get(`/api/air/warnings/evaluate?city=beijing&ruleSet=hebei-2024&at=${enc(at)}`);
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    assert.deepEqual(
      (stored.body.forecastUsed.days as Json[]).map((d) => [d.date, d.aqi, d.source]),
      [['2016-12-21', 350, 'bj-emc']],
      'the 21 Dec forecast of the 20 Dec issue; the 20 Dec forecast is for a day already observed',
    );
    const inline = await get(`/api/air/warnings/evaluate?city=beijing&ruleSet=hebei-2024&at=${enc(at)}&forecast=2016-12-21:350`);
    const { forecastUsed: _a, ...s } = stored.body;
    const { forecastUsed: _b, ...i } = inline.body;
    assert.deepEqual(s, i);
    const none = await get(`/api/air/warnings/evaluate?city=beijing&ruleSet=hebei-2024&at=${enc(at)}&forecastSource=none`);
    assert.deepEqual(none.body.forecastUsed.days, []);
    const baseline = await get(`/api/air/warnings/evaluate?city=beijing&ruleSet=hebei-2024&at=${enc(at)}&forecastSource=baseline`);
    const fc = await get(`/api/air/forecasts?city=beijing&asOf=${enc(at)}`);
    assert.deepEqual(
      (baseline.body.forecastUsed.days as Json[]).map((d) => [d.date, d.aqi]),
      (fc.body.baseline.points as Json[]).filter((p) => p.date >= '2016-12-21').map((p) => [p.date, p.aqi]),
    );
  });

  it('evaluates every city with stations at once, each exactly as the single-city evaluation', async () => {
    const at = enc('2016-12-21T00:00:00+08:00');
    const region = await get(`/api/air/warnings/evaluate/region?ruleSet=hebei-2024&at=${at}`);
    assert.equal(region.status, 200, JSON.stringify(region.body));
    const cities = region.body.cities as Json[];
    const withStations = new Set(((await get('/api/air/locations?limit=1000')).body.results as Json[]).map((l) => l.cityId).filter(Boolean));
    assert.deepEqual(cities.map((c) => c.cityId).sort(), [...withStations].sort());
    for (const c of cities) {
      const one = await get(`/api/air/warnings/evaluate?city=${c.cityId}&ruleSet=hebei-2024&at=${at}`);
      const { cityId: _c, name: _n, ...rest } = c;
      assert.deepEqual(rest, one.body, c.cityId);
    }
    assert.ok(cities.some((c) => c.cityId === 'beijing' && c.level !== 'none'), 'Beijing is at a warning level in the December 2016 episode');
    const bad = await get(`/api/air/warnings/evaluate/region?ruleSet=nope&at=${at}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'ruleSet');
  });

  it('lists the rule sets with the version in force on a date', async () => {
    const file = readJson<Json>('data/air/warning-rules.json');
    const r = await get('/api/air/warnings/rules?date=2016-12-20');
    assert.equal(r.status, 200);
    assert.deepEqual((r.body.ruleSets as Json[]).map((x) => [x.id, x.version]), (file.ruleSets as Json[]).map((x) => [x.id, x.version]));
    // In force: the latest version per id whose validFrom is on or before the date (none before the first).
    for (const x of r.body.ruleSets as Json[]) {
      const later = (file.ruleSets as Json[]).filter((y) => y.id === x.id && y.validFrom <= '2016-12-20' && y.validFrom > x.validFrom);
      assert.equal(x.inForce, x.validFrom <= '2016-12-20' && later.length === 0, `${x.id} ${x.version}`);
    }
    const today = await get('/api/air/warnings/rules?date=2026-11-26');
    assert.ok((today.body.ruleSets as Json[]).filter((x) => x.inForce).length >= 2, 'both rule sets are in force today');
  });

  it('refuses bad queries naming the field', async () => {
    for (const [url, field] of [
      ['/api/air/forecasts', 'city'],
      ['/api/air/forecasts?city=beijing&from=2016-12-31&to=2016-12-01', 'to'],
      ['/api/air/forecasts?city=beijing&asOf=yesterday', 'asOf'],
      ['/api/air/forecasts?city=beijing&history=maybe', 'history'],
      ['/api/air/forecasts?city=atlantis', 'city'],
      ['/api/air/warnings/rules?date=2016-02-30', 'date'],
      [`/api/air/warnings/evaluate?city=beijing&ruleSet=hebei-2024&at=${enc('2016-12-21T00:00:00+08:00')}&forecastSource=oracle`, 'forecastSource'],
      [`/api/air/warnings/evaluate?city=beijing&ruleSet=hebei-2024&at=${enc('2016-12-21T00:00:00+08:00')}&forecast=2016-12-22:999`, 'forecast'],
    ] as const) {
      const r = await get(url);
      assert.equal(r.status, 400, `${url}: ${JSON.stringify(r.body)}`);
      assert.ok((r.body.errors as Json[]).some((e) => e.field === field), `${url}: ${JSON.stringify(r.body.errors)}`);
    }
  });

  it('generated bodies never cause a 500; bad rows are named; valid rows are stored', async () => {
    const goodRow = fc.record({
      city: fc.constantFrom('beijing', 'shijiazhuang', 'tianjin'),
      source: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/).filter((s) => s !== 'xietong-baseline'),
      issuedAt: fc.integer({ min: 0, max: 23 }).map((h) => `2016-11-0${1 + (h % 5)}T${String(h).padStart(2, '0')}:00:00+08:00`),
      lead: fc.integer({ min: 0, max: 10 }),
      aqi: fc.integer({ min: 0, max: 500 }),
    });
    const row = fc.oneof(
      goodRow.map(({ lead, issuedAt, ...r }) => ({ ...r, issuedAt, date: new Date(Date.parse(issuedAt) + 8 * 3600_000 + lead * 86_400_000).toISOString().slice(0, 10) })),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 8 }), async (rows) => {
        const r = await post(admin, { forecasts: rows });
        assert.ok(r.status < 500, JSON.stringify(r.body));
        if (r.status === 200 || r.status === 422) {
          assert.equal(r.body.received, rows.length);
          assert.equal(r.body.accepted + r.body.rejected, rows.length);
          for (const e of r.body.errors as Json[]) assert.ok(typeof e.field === 'string' && e.field && typeof e.index === 'number' && e.reason, JSON.stringify(e));
        }
      }),
      { numRuns: 80 },
    );
  });

  it('every request that stored forecasts is audited once, and no other', async () => {
    assert.ok(acceptedRequests > 0);
    assert.equal((await forecastAudits()) - auditBefore, acceptedRequests);
  });
});
