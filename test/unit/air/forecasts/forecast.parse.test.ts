import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseForecastCsv, parseForecastJson, shanghaiDate, MAX_LEAD_DAYS } from '../../../../src/air/forecasts/forecast.parse.ts';

const pollutants = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'] as const;
/** A valid forecast row built from independent parts (issue instant, lead in days, AQI and its range). */
const validRow = fc
  .record({
    city: fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/),
    source: fc.stringMatching(/^[a-z][a-z0-9.-]{0,15}$/).filter((s) => s !== 'xietong-baseline'),
    issued: fc.integer({ min: Date.UTC(2013, 0, 1) / 60_000, max: Date.UTC(2030, 0, 1) / 60_000 }).map((m) => m * 60_000),
    lead: fc.integer({ min: 0, max: MAX_LEAD_DAYS }),
    aqi: fc.integer({ min: 0, max: 500 }),
    spread: fc.option(fc.tuple(fc.nat(60), fc.nat(60)), { nil: null }),
    primary: fc.uniqueArray(fc.constantFrom(...pollutants), { maxLength: 3 }),
  })
  .map((r) => {
    // The issue instant written in Beijing time, as a forecasting centre would.
    const local = new Date(r.issued + 8 * 3600_000).toISOString().slice(0, 19);
    const day = Date.parse(`${local.slice(0, 10)}T00:00:00Z`) + r.lead * 86_400_000;
    return {
      city: r.city,
      source: r.source,
      issuedAt: `${local}+08:00`,
      date: new Date(day).toISOString().slice(0, 10),
      aqi: r.aqi,
      aqiLow: r.spread ? Math.max(0, r.aqi - r.spread[0]) : null,
      aqiHigh: r.spread ? Math.min(500, r.aqi + r.spread[1]) : null,
      primary: r.primary,
      issuedMs: r.issued,
    };
  });

describe('forecast rows (JSON and CSV bodies)', () => {
  it('a valid row parses to itself in JSON and in CSV, with the same values', () => {
    fc.assert(
      fc.property(fc.array(validRow, { minLength: 1, maxLength: 20 }), (rows) => {
        const json = parseForecastJson({ forecasts: rows.map(({ issuedMs: _m, ...r }) => r) }, 1000);
        const csv = parseForecastCsv(
          ['city,source,issued_at,date,aqi,aqi_low,aqi_high,primary', ...rows.map((r) => [r.city, r.source, r.issuedAt, r.date, r.aqi, r.aqiLow ?? '', r.aqiHigh ?? '', r.primary.join(';')].join(','))].join('\n'),
          1000,
        );
        for (const out of [json, csv]) {
          assert.ok(!('bodyError' in out));
          assert.deepEqual(out.errors, []);
          assert.deepEqual(
            out.rows,
            rows.map((r) => ({ cityId: r.city, source: r.source, issuedAt: r.issuedMs, date: r.date, aqi: r.aqi, aqiLow: r.aqiLow, aqiHigh: r.aqiHigh, primary: r.primary })),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a date before the issue day or more than MAX_LEAD_DAYS after it is refused naming `date`', () => {
    fc.assert(
      fc.property(validRow, fc.oneof(fc.integer({ min: -30, max: -1 }), fc.integer({ min: MAX_LEAD_DAYS + 1, max: 60 })), (r, lead) => {
        const issueDay = shanghaiDate(r.issuedMs);
        const date = new Date(Date.parse(`${issueDay}T00:00:00Z`) + lead * 86_400_000).toISOString().slice(0, 10);
        const { issuedMs: _m, ...row } = r;
        const out = parseForecastJson([{ ...row, date }], 10);
        assert.ok(!('bodyError' in out));
        assert.deepEqual(out.rows, []);
        assert.deepEqual(out.errors.map((e) => [e.index, e.field]), [[0, 'date']]);
      }),
    );
  });

  it('the issue day is the Beijing calendar day: 23:30 UTC is already the next day', () => {
    assert.equal(shanghaiDate(Date.parse('2016-12-19T16:00:00Z')), '2016-12-20');
    assert.equal(shanghaiDate(Date.parse('2016-12-19T15:59:59Z')), '2016-12-19');
    const out = parseForecastJson([{ city: 'beijing', source: 'bj-emc', issuedAt: '2016-12-19T23:30:00Z', date: '2016-12-19', aqi: 100 }], 10);
    assert.ok(!('bodyError' in out));
    assert.deepEqual(out.errors.map((e) => e.field), ['date']);
  });

  it('CSV: a row with the wrong number of fields is named by its line; quoted fields and a BOM are read', () => {
    const text = '\ufeffcity,source,issued_at,date,aqi,primary\nbeijing,bj-emc,2016-12-19T16:00:00+08:00,2016-12-20,280,"pm25;pm10"\nbeijing,bj-emc,2016-12-19T16:00:00+08:00\n';
    const out = parseForecastCsv(text, 10);
    assert.ok(!('bodyError' in out));
    assert.deepEqual(out.rows.map((r) => r.primary), [['pm25', 'pm10']]);
    assert.deepEqual(out.errors.map((e) => [e.line, e.field]), [[3, '(row)']]);
  });

  it('arbitrary JSON never throws: a body error, or rows plus errors accounting for every record', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => {
        const out = parseForecastJson(v, 1000);
        if ('bodyError' in out) return;
        assert.equal(out.rows.length + out.badRecords, out.received);
      }),
      { numRuns: 500 },
    );
  });
});
