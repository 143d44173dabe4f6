import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestEnv, testDb, type TestEnv } from '../support/harness.ts';

type Json = Record<string, any>;

const fieldValue = fc.oneof(
  fc.constantFrom('1029A', 'pm25', 'PM2.5', 'co', 'NA', '/', '', '1h', '8h', '24h', 'valid', 'revised', 'missing', 'not_monitored', '2026-03-15T08:00:00+08:00', '2026-03-15T08:30:00Z', '9999-99-99T99:99:99+99:99'),
  fc.string({ maxLength: 30 }),
  fc.double(),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.constant({ nested: [1] }),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const record = fc.dictionary(fc.constantFrom('station', 'time', 'pollutant', 'value', 'flag', 'period', 'pm25', 'co', 'O3', 'extra', '__proto__', 'constructor'), fieldValue, { maxKeys: 7 });
const csvCell = fc.oneof(fc.constantFrom('1029A', 'pm25', 'NA', '/', '', '12.5', '2026-03-15T08:00:00+08:00', '"', '""', '"a,b"', ',', '\r'), fc.string({ maxLength: 12 }));
const csvHeader = fc.array(fc.constantFrom('station', 'time', 'pollutant', 'value', 'flag', 'period', 'pm25', 'PM10', 'co', 'x'), { minLength: 0, maxLength: 7 });

describe(`air: ingestion under generated bodies never answers 500 (${testDb})`, () => {
  let env: TestEnv;
  let admin: string;
  before(async () => {
    env = await startTestEnv();
    admin = await env.token('admin', {}, 'air fuzz');
    await env.app.inject({
      method: 'POST',
      url: '/api/air/stations',
      headers: { authorization: `Bearer ${admin}` },
      payload: { stations: [{ code: '1029A', name: '职工医院', cityId: 'shijiazhuang', cityName: '石家庄市', lat: 38.03, lon: 114.54 }] },
    });
  });
  after(async () => env.close());

  const post = (payload: string, contentType: string) =>
    env.app.inject({ method: 'POST', url: '/api/air/observations', headers: { authorization: `Bearer ${admin}`, 'content-type': contentType, 'accept-language': 'en' }, payload });

  function check(res: { statusCode: number; body: string; headers: Json }, what: string) {
    assert.ok(res.statusCode < 500, `${what}: ${res.statusCode} ${res.body}`);
    const b = JSON.parse(res.body) as Json;
    if (res.statusCode === 200 || res.statusCode === 422) {
      // Counts are consistent: every accepted observation was stored, found unchanged or updated; no more
      // records refused than received; 422 only when nothing was stored.
      assert.equal(b.inserted + b.updated + b.unchanged, b.accepted, what);
      assert.ok(b.rejected >= 0 && b.rejected <= b.received, what);
      if (res.statusCode === 422) assert.equal(b.accepted, 0, what);
      for (const e of b.errors) assert.ok(typeof e.field === 'string' && typeof e.reason === 'string', what);
      assert.ok(b.errorCount >= b.errors.length);
    } else {
      assert.match(String(res.headers['content-type']), /application\/problem\+json/, what);
    }
  }

  it('JSON bodies: arbitrary values, arrays of half-valid records', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.array(record, { maxLength: 20 }), fc.record({ observations: fc.array(record, { maxLength: 20 }) })), async (body) => {
        const payload = JSON.stringify(body) ?? 'null';
        check(await post(payload, 'application/json'), payload);
      }),
      { numRuns: 300 },
    );
  });

  it('CSV bodies: arbitrary headers, cells, quotes and ragged rows', async () => {
    await fc.assert(
      fc.asyncProperty(csvHeader, fc.array(fc.array(csvCell, { maxLength: 8 }), { maxLength: 10 }), async (header, rows) => {
        const payload = [header.join(','), ...rows.map((r) => r.join(','))].join('\n');
        check(await post(payload, 'text/csv'), payload);
      }),
      { numRuns: 300 },
    );
  });

  it('raw bytes under either content type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.constantFrom('application/json', 'text/csv', 'text/plain'), async (s, ct) => {
        check(await post(s, ct), `${ct}: ${s}`);
      }),
      { numRuns: 200 },
    );
  });
});
