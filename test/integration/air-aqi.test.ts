import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestEnv, testDb, projectRoot, type TestEnv } from '../support/harness.ts';

type Json = Record<string, any>;

/** Rows of a bundled national snapshot, read with a plain CSV split (the quoted primary field is not needed). */
function snapshot(file: string): Record<string, string>[] {
  const [head, ...lines] = fs.readFileSync(path.join(projectRoot, 'data', 'air', 'cnemc', file), 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.filter((l) => !l.includes('"')).map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}
const complete = (r: Record<string, string>) => ['pm10', 'pm2_5', 'so2', 'no2', 'co', 'o3'].every((k) => r[k] !== '' && r[k] !== 'NA' && r[k] !== '/');

describe(`AQI API on the bundled monitoring data (${testDb})`, () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => env.close());
  const get = async (url: string) => {
    const r = await env.app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } });
    return { status: r.statusCode, body: JSON.parse(r.body) as Json };
  };

  for (const [file, date, hourIndex] of [['2026-03-15T08.csv', '2026-03-15', 7], ['2022-01-01T10.csv', '2022-01-01', 9]] as const) {
    it(`reproduces the platform's published hourly AQI of ${file} for stations with every pollutant reported`, async () => {
      const rows = snapshot(file).filter(complete).slice(0, 25);
      assert.ok(rows.length >= 10);
      for (const row of rows) {
        const r = await get(`/api/air/aqi?station=${row.stationcode}&date=${date}&period=hour`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const item = r.body.items[hourIndex];
        assert.equal(item.time.slice(11, 16), `${String(hourIndex + 1).padStart(2, '0')}:00`);
        assert.equal(item.aqi, Number(row.aqi), `${row.stationcode} ${row.positionname}`);
        assert.equal(item.standard, date >= '2026-03-01' ? 'hj633-2026' : 'hj633-2012');
      }
    });
  }

  it('gives city values (mean of station concentrations) and daily values, and the latest AQI of every station', async () => {
    const city = await get('/api/air/aqi?city=beijing&date=2016-12-20&period=day');
    assert.equal(city.status, 200, JSON.stringify(city.body));
    assert.equal(city.body.stations.length >= 12, true);
    const day = city.body.items[0];
    // 20 December 2016 was the peak of a red-alert episode in Beijing: the daily AQI is far above 200.
    assert.ok(day.aqi > 200, JSON.stringify(day));
    assert.equal(day.primary[0].code, 'pm25');
    const hours = await get('/api/air/aqi?city=beijing&date=2016-12-20&period=hour');
    assert.equal(hours.body.items.length, 24);
    const latest = await get('/api/air/aqi/latest?city=shijiazhuang');
    assert.ok(latest.body.items.length > 0);
    for (const s of latest.body.items) assert.equal(s.cityId, 'shijiazhuang');
  });

  it('evaluates the regional warning rules on the stored December 2016 episode in Beijing', async () => {
    const at = '2016-12-22T00:00:00+08:00';
    const r = await get(`/api/air/warnings/evaluate?city=beijing&ruleSet=jjj-regional-2018&at=${encodeURIComponent(at)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // Independent check from the same stored hourly city AQI: the longest run of hours whose rolling 24-h mean
    // (≥ 20 valid hours) is above 200, ending at `at`.
    const values: (number | null)[] = [];
    for (const d of ['2016-12-18', '2016-12-19', '2016-12-20', '2016-12-21']) {
      for (const item of (await get(`/api/air/aqi?city=beijing&date=${d}&period=hour`)).body.items as Json[]) values.push(item.aqi);
    }
    const runs = (above: (mean: number) => boolean) => {
      let run = 0;
      let best = 0;
      for (let i = 23; i < values.length; i++) {
        const w = values.slice(i - 23, i + 1).filter((v): v is number => v !== null);
        run = w.length >= 20 && above(w.reduce((a, b) => a + b, 0) / w.length) ? run + 1 : 0;
        best = Math.max(best, run);
      }
      return best;
    };
    const best = runs((m) => m > 200);
    const red = (best >= 96 && runs((m) => m > 300) >= 48) || runs((m) => m >= 500) >= 1;
    const expected = red ? 'red' : best >= 72 ? 'orange' : best >= 48 ? 'yellow' : 'none';
    assert.equal(r.body.level, expected, `run of ${best} h above 200; engine: ${JSON.stringify(r.body.reason)}`);
    assert.ok(best >= 48, `the episode had ${best} h above 200`);
    assert.ok(r.body.reason.zh && r.body.reason.en);
    assert.equal(r.body.ruleSetInForce, false, 'the 2018 rules evaluated on a 2016 episode say so');
    const bad = await get('/api/air/warnings/evaluate?city=beijing&ruleSet=nope&at=2016-12-22T00:00:00%2B08:00');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'ruleSet');
  });

  it('accepts every station code that registration accepts (e.g. X-01.b), answering for unknown ones by name', async () => {
    const r = await get('/api/air/aqi?station=X-01.b&date=2026-03-15');
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].field, 'station');
    assert.match(r.body.errors[0].message, /unknown station: X-01\.b/, 'checked against the stations, not refused by its shape');
  });

  it('refuses bad queries naming the field', async () => {
    for (const [qs, field] of [
      ['date=2026-03-15', 'city'],
      ['city=beijing&station=1001A&date=2026-03-15', 'station'],
      ['station=9999Z&date=2026-03-15', 'station'],
      ['city=beijing&date=2026-13-01', 'date'],
      ['city=beijing&date=2026-03-15&standard=who', 'standard'],
    ] as const) {
      const r = await get(`/api/air/aqi?${qs}`);
      assert.equal(r.status, 400, qs);
      assert.ok((r.body.errors as Json[]).some((e) => e.field === field), `${qs}: ${JSON.stringify(r.body.errors)}`);
    }
  });
});
