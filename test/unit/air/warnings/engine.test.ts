import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTimeline, diffLevels, evaluateWarning, type CityInput } from '../../../../src/air/warnings/engine.ts';
import { dailyAqi } from '../../../../src/air/engine/aqi.engine.ts';
import { hebei, regional, series } from './helpers.ts';

const START = '2016-12-29T00:00+08:00';
const aqi = (values: (number | null)[], observedHours = values.length, dailyForecast: CityInput['dailyForecast'] = []): CityInput => ({
  hourly: { kind: 'aqi', start: START, values, observedHours },
  dailyForecast,
});
/** Index → local hour string for START. */
const hourAt = (i: number) => {
  const d = new Date(Date.parse(START) + i * 3_600_000 + 8 * 3_600_000);
  return d.toISOString().slice(0, 16) + '+08:00';
};

describe('rolling 24-hour mean', () => {
  it('crosses midnight: the mean at 05:00 is over 06:00 the day before .. 05:00', () => {
    // 30 h of 100, then hour 30 (06:00 on 12-30) onward 400.
    const v = series([100, 30], [400, 24]);
    const tl = buildTimeline(aqi(v));
    // Index 29 = 2016-12-30T05:00: window 06:00 12-29 .. 05:00 12-30, all 100.
    assert.deepEqual(tl.means[29], { num: 2400, den: 24 });
    // Index 53 = 2016-12-31T05:00: window 06:00 12-30 .. 05:00 12-31, all 400.
    assert.deepEqual(tl.means[53], { num: 9600, den: 24 });
    // Index 41 = 17:00 on 12-30: 12 hours of each.
    assert.deepEqual(tl.means[41], { num: 12 * 100 + 12 * 400, den: 24 });
  });

  it('needs 20 valid hours in the window (GB 3095), missing hours are skipped', () => {
    const v = series([300, 19], [null, 10], [300, 20]);
    const tl = buildTimeline(aqi(v));
    assert.equal(tl.means[18], null); // only 19 hours so far
    assert.equal(tl.means[40], null); // window 17..40 holds 12 valid hours
    assert.deepEqual(tl.means[48], { num: 20 * 300, den: 20 }); // window 25..48: 20 valid
  });
});

describe('regional 2018 rules at the edges', () => {
  // A block of L hours at 201 between 100s: the rolling mean exceeds 200 exactly when the whole window is
  // inside the block, i.e. for L − 23 consecutive hours.
  const block = (len: number) => series([100, 30], [201, len], [100, 30]);

  it('exactly 48 h above 200 → yellow, 47 h → none', () => {
    const r48 = evaluateWarning(aqi(block(71)), regional, { at: hourAt(30) });
    assert.equal(r48.level, 'yellow');
    assert.equal(r48.findings[0]!.durationHours, 48);
    assert.equal(r48.findings[0]!.firstHour, hourAt(30 + 23));
    assert.match(r48.reason.zh, /黄色预警/);
    assert.match(r48.reason.en, /48 consecutive h/);
    const r47 = evaluateWarning(aqi(block(70)), regional, { at: hourAt(30) });
    assert.equal(r47.level, 'none');
  });

  it('a mean exactly 200 is not above 200', () => {
    const r = evaluateWarning(aqi(series([100, 30], [200, 200])), regional, { at: hourAt(30) });
    assert.equal(r.level, 'none');
  });

  it('72 h → orange, 96 h without > 300 → still orange', () => {
    assert.equal(evaluateWarning(aqi(block(95)), regional, { at: hourAt(30) }).level, 'orange');
    assert.equal(evaluateWarning(aqi(block(23 + 96)), regional, { at: hourAt(30) }).level, 'orange');
  });

  it('a run crossing midnight counts as one run and reports when it started', () => {
    // Block starts 12:00 on 12-30 (index 36); the run starts when the window is full: 11:00 on 12-31.
    const v = series([100, 36], [201, 71], [100, 10]);
    const r = evaluateWarning(aqi(v), regional, { at: hourAt(0) });
    assert.equal(r.level, 'yellow');
    assert.equal(r.findings[0]!.firstHour, '2016-12-31T11:00+08:00');
    assert.equal(r.findings[0]!.lastHour, '2017-01-02T10:00+08:00');
  });

  it('red via 96 h > 200 and 48 h > 300', () => {
    const v = series([100, 30], [350, 23 + 48], [250, 48], [100, 30]);
    const r = evaluateWarning(aqi(v), regional, { at: hourAt(30) });
    assert.equal(r.level, 'red');
    assert.equal(r.clause!.id, 'red-200-96h-and-300-48h');
  });

  it('red via reaching 500: 24 hours at 500 reach it, 23 hours do not', () => {
    const r = evaluateWarning(aqi(series([100, 30], [500, 24], [100, 30])), regional, { at: hourAt(30) });
    assert.equal(r.level, 'red');
    assert.equal(r.clause!.id, 'red-reach-500');
    assert.equal(r.findings[0]!.durationHours, 1);
    assert.equal(evaluateWarning(aqi(series([100, 30], [500, 23], [100, 30])), regional, { at: hourAt(30) }).level, 'none');
  });

  it('an episode that ended before `at` does not apply; one under way does, counting its past hours', () => {
    const v = block(71); // run: indices 53..100
    assert.equal(evaluateWarning(aqi(v), regional, { at: hourAt(101) }).level, 'none');
    const r = evaluateWarning(aqi(v), regional, { at: hourAt(100) });
    assert.equal(r.level, 'yellow');
    assert.equal(r.findings[0]!.durationHours, 48);
    assert.equal(r.findings[0]!.usesForecast, false);
  });

  it('horizonHours limits the look-forward', () => {
    const v = block(71); // run 53..100
    assert.equal(evaluateWarning(aqi(v), regional, { at: hourAt(30), horizonHours: 71 }).level, 'yellow'); // ..100
    assert.equal(evaluateWarning(aqi(v), regional, { at: hourAt(30), horizonHours: 70 }).level, 'none'); // ..99
  });
});

describe('forecast-only triggers', () => {
  const observed = series([100, 48]); // 2016-12-29 and 12-30 observed, clean
  it('two forecast days > 200 → regional yellow from the forecast, one day → none', () => {
    const two = evaluateWarning(aqi(observed, 48, [{ date: '2016-12-31', aqi: 250 }, { date: '2017-01-01', aqi: 230 }]), regional, { at: hourAt(47) });
    assert.equal(two.level, 'yellow');
    assert.equal(two.findings[0]!.usesForecast, true);
    assert.equal(two.findings[0]!.firstHour, '2016-12-31T00:00+08:00');
    assert.equal(two.findings[0]!.durationHours, 48);
    const one = evaluateWarning(aqi(observed, 48, [{ date: '2016-12-31', aqi: 250 }]), regional, { at: hourAt(47) });
    assert.equal(one.level, 'none');
  });

  it('a gap day without forecast breaks the run', () => {
    const r = evaluateWarning(aqi(observed, 48, [{ date: '2016-12-31', aqi: 250 }, { date: '2017-01-02', aqi: 250 }]), regional, { at: hourAt(47) });
    assert.equal(r.level, 'none');
  });

  it('hourly values win over the daily forecast of the same hours', () => {
    // Hourly (forecast) part covers 12-31 at 100; the daily forecast of 12-31 is ignored.
    const v = series([100, 72]);
    const r = evaluateWarning(aqi(v, 48, [{ date: '2016-12-31', aqi: 400 }, { date: '2017-01-01', aqi: 250 }]), regional, { at: hourAt(47) });
    assert.equal(r.level, 'none');
  });

  it('forecast day reaching 500 → regional red; Hebei levels from forecast days', () => {
    const r = evaluateWarning(aqi(observed, 48, [{ date: '2016-12-31', aqi: 500 }]), regional, { at: hourAt(47) });
    assert.equal(r.level, 'red');
    const f = (days: number[]) =>
      evaluateWarning(aqi(observed, 48, days.map((a, i) => ({ date: ['2016-12-31', '2017-01-01', '2017-01-02', '2017-01-03'][i]!, aqi: a }))), hebei, { at: hourAt(47) }).level;
    assert.equal(f([210]), 'yellow'); // forecast daily AQI > 200
    assert.equal(f([180, 180]), 'yellow'); // > 150 for 48 h
    assert.equal(f([180]), 'none');
    assert.equal(f([210, 210]), 'orange'); // > 200 for 48 h
    assert.equal(f([180, 180, 180]), 'orange'); // > 150 for 72 h
    assert.equal(f([210, 210, 210]), 'orange'); // > 200 72 h but no > 300
    assert.equal(f([310, 210, 210]), 'red'); // > 200 72 h and > 300 24 h
    assert.equal(f([310, 210, 140]), 'orange');
  });

  it('regional orange and red from forecast days', () => {
    const f = (days: number[]) =>
      evaluateWarning(aqi(observed, 48, days.map((a, i) => ({ date: ['2016-12-31', '2017-01-01', '2017-01-02', '2017-01-03'][i]!, aqi: a }))), regional, { at: hourAt(47) }).level;
    assert.equal(f([210, 210, 210]), 'orange');
    assert.equal(f([350, 310, 210, 210]), 'red');
    assert.equal(f([350, 210, 210, 210]), 'orange'); // > 300 only 24 h
  });

  it('an observed episode continued by forecast counts as one run', () => {
    const v = series([100, 24], [260, 48]); // rolling > 200 from index 24+23-? onward
    const r = evaluateWarning(aqi(v, 72, [{ date: '2017-01-01', aqi: 260 }, { date: '2017-01-02', aqi: 260 }]), regional, { at: hourAt(71) });
    assert.equal(r.level, 'orange');
    assert.equal(r.findings[0]!.usesForecast, true);
  });
});

describe('input checks and hour labels', () => {
  it('rejects a start without offset or off the hour, negative AQI and a bad observedHours', () => {
    assert.throws(() => buildTimeline({ hourly: { kind: 'aqi', start: '2016-12-29T00:00', values: [1], observedHours: 1 } }), /offset/);
    assert.throws(() => buildTimeline({ hourly: { kind: 'aqi', start: '2016-12-29T00:30+08:00', values: [1], observedHours: 1 } }), /whole hour/);
    assert.throws(() => buildTimeline(aqi([1, -2])), /non-negative/);
    assert.throws(() => buildTimeline(aqi([1, 2], 3)), /observedHours/);
    assert.throws(() => buildTimeline(aqi([1], 1, [{ date: '2016/12/30', aqi: 300 }])), /YYYY-MM-DD/);
  });
  it("with hourLabel 'end' a forecast day covers 01:00 .. 24:00 (00:00 of the next day)", () => {
    const v = series([100, 24]); // labels 12-29 00:00 .. 23:00
    const start = buildTimeline(aqi(v, 24, [{ date: '2016-12-30', aqi: 300 }]));
    assert.equal(start.means.length, 48);
    assert.equal(start.source[24], 'forecast-daily');
    const end = buildTimeline(aqi(v, 24, [{ date: '2016-12-30', aqi: 300 }]), { hourLabel: 'end' });
    assert.equal(end.means.length, 49);
    assert.equal(end.means[24], null); // 12-30 00:00 (end label) belongs to 12-29, not forecast
    assert.deepEqual(end.means[48], { num: 300, den: 1 });
  });
});

describe('hourly concentrations through a pluggable AQI function', () => {
  it('averages concentrations over 24 h first, then applies the AQI function', () => {
    // Toy AQI: PM2.5 mean × 2 (rounded up). Alternating 100/200 µg/m³: the mean is 150 → AQI 300;
    // a mean of hourly AQI would be the same here, so also check the function sees the mean.
    const seen: number[] = [];
    const pm25 = Array.from({ length: 120 }, (_, i) => (i % 2 ? 200 : 100));
    const input: CityInput = {
      hourly: {
        kind: 'concentrations',
        start: START,
        observedHours: 120,
        series: { pm25 },
        aqiOfMeans: (m) => {
          if (m.pm25 == null) return null;
          seen.push(m.pm25);
          return Math.ceil(m.pm25 * 2);
        },
      },
    };
    const tl = buildTimeline(input);
    assert.equal(tl.means[10], null);
    assert.deepEqual(tl.means[23], { num: 300, den: 1 });
    assert.ok(seen.every((v) => v === 150 || v < 151));
    assert.equal(evaluateWarning(input, regional, { at: hourAt(23) }).level, 'orange'); // 23..119 = 97 h > 200 but never > 300
  });
});

describe('with the shared AQI engine plugged in', () => {
  it('PM2.5 at 151 µg/m³ (IAQI 201) for 71 h between 30s → 48 h of 24-h mean AQI > 200 → yellow; 70 h → none', () => {
    const aqiOfMeans = (m: Readonly<Record<string, number | null>>) => dailyAqi({ pm25: m.pm25, pm10: m.pm10 }, { standard: 'hj633-2012', completeness: 'any' }).aqi;
    const run = (len: number) => {
      const pm25 = series([30, 30], [151, len], [30, 30]);
      const input: CityInput = { hourly: { kind: 'concentrations', start: START, observedHours: pm25.length, series: { pm25, pm10: pm25.map(() => 40) }, aqiOfMeans } };
      return evaluateWarning(input, regional, { at: hourAt(30) });
    };
    const r = run(71);
    assert.equal(r.level, 'yellow');
    assert.equal(r.findings[0]!.durationHours, 48);
    assert.equal(run(70).level, 'none');
  });
});

describe('diffLevels', () => {
  it('lists issue, raise, lower and lift with the cities to notify', () => {
    const prev = { shijiazhuang: 'none', beijing: 'yellow', tianjin: 'red', baoding: 'orange', langfang: 'yellow' } as const;
    const next = { shijiazhuang: 'orange', beijing: 'red', tianjin: 'orange', baoding: 'none', langfang: 'yellow' } as const;
    const d = diffLevels(prev, next);
    assert.deepEqual(
      d.map((c) => [c.city, c.action, c.from, c.to, c.notify]),
      [
        ['baoding', 'lift', 'orange', 'none', true],
        ['beijing', 'raise', 'yellow', 'red', true],
        ['shijiazhuang', 'issue', 'none', 'orange', true],
        ['tianjin', 'lower', 'red', 'orange', false],
      ],
    );
    assert.deepEqual(d.find((c) => c.city === 'shijiazhuang')!.notifyCities, ['baoding', 'beijing', 'langfang', 'tianjin']);
    assert.deepEqual(d.find((c) => c.city === 'tianjin')!.notifyCities, []);
  });
  it('a city missing from a map is at none; notifyOn is configurable', () => {
    const d = diffLevels({}, { xingtai: 'yellow' }, { notifyOn: ['issue', 'raise', 'lower', 'lift'] });
    assert.deepEqual(d.map((c) => c.action), ['issue']);
    assert.deepEqual(diffLevels({ xingtai: 'red' }, {}, { notifyOn: [] }).map((c) => [c.action, c.notify]), [['lift', false]]);
  });
});
