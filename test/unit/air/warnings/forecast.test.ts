import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays, calibrateEventThreshold, fitBlend, forecastBlend, forecastClimatology, forecastPersistence, monthlyClimatology, scoreForecasts, type DailyAqi } from '../../../../src/air/warnings/forecast.ts';

function daily(from: string, n: number, f: (date: string, i: number) => number | null): DailyAqi[] {
  return Array.from({ length: n }, (_, i) => {
    const date = addDays(from, i);
    return { date, aqi: f(date, i) };
  });
}

describe('forecast baseline', () => {
  it('addDays crosses months, years and leap days', () => {
    assert.equal(addDays('2016-02-28', 1), '2016-02-29');
    assert.equal(addDays('2016-02-28', 2), '2016-03-01');
    assert.equal(addDays('2016-12-31', 1), '2017-01-01');
    assert.equal(addDays('2017-03-01', -1), '2017-02-28');
  });

  it('a constant series forecasts that constant, for every method and lead', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), (k) => {
        const days = daily('2015-01-01', 400, () => k);
        const m = fitBlend(days);
        for (const p of forecastBlend(m, { issueDate: '2016-01-10', last24hAqi: k })) assert.equal(p.aqi, k);
        for (const p of forecastPersistence({ issueDate: '2016-01-10', last24hAqi: k })) assert.equal(p.aqi, k);
        for (const p of forecastClimatology(m.climatology, '2016-01-10')) assert.equal(p.aqi, k);
      }),
      { numRuns: 20 },
    );
  });

  it('a purely seasonal series is forecast by its monthly value (γ → 1, β → 0), across a month end', () => {
    const month = [100, 150, 120, 90, 80, 70, 60, 50, 70, 110, 130, 160];
    const days = daily('2014-01-01', 3 * 365, (d) => month[Number(d.slice(5, 7)) - 1]!);
    const m = fitBlend(days);
    for (const l of m.leads) {
      assert.ok(Math.abs(l.climatology - 1) < 1e-6, `γ ${l.climatology}`);
      assert.ok(Math.abs(l.persistence) < 1e-6, `β ${l.persistence}`);
    }
    assert.deepEqual(
      forecastBlend(m, { issueDate: '2017-01-30', last24hAqi: 100 }).map((p) => [p.date, p.lead, p.aqi]),
      [['2017-01-31', 1, 100], ['2017-02-01', 2, 150], ['2017-02-02', 3, 150]],
    );
  });

  it('a series that follows y(d+1) = 20 + 0.8·y(d) recovers the coefficients at lead 1', () => {
    let y = 300;
    const days = daily('2014-01-01', 200, (_d, i) => {
      if (i % 40 === 0) y = 300 - (i % 80); // restart episodes so that values vary
      const v = y;
      y = 20 + 0.8 * y;
      return i % 40 === 39 ? null : v; // a missing day before each restart, so every pair follows the law
    });
    const m = fitBlend(days, [1]);
    const l = m.leads[0]!;
    // The climatology regressor is nearly collinear with the intercept here, so check the fit itself.
    const pred = l.intercept + l.persistence * 200 + l.climatology * m.climatology[Number('2014-07-20'.slice(5, 7)) - 1]!;
    assert.ok(Math.abs(pred - (20 + 0.8 * 200)) < 1e-6, `pred ${pred}`);
  });

  it('forecasts are clamped to 0..500 and integers', () => {
    const days = daily('2014-01-01', 400, (_d, i) => (i % 2 ? 480 : 20));
    const m = fitBlend(days, [1]);
    for (const a of [0, 123, 500]) {
      const [p] = forecastBlend(m, { issueDate: '2015-03-01', last24hAqi: a });
      assert.ok(Number.isInteger(p!.aqi) && p!.aqi >= 0 && p!.aqi <= 500);
    }
  });

  it('skips gaps when fitting and fills climatology of empty months with the overall mean', () => {
    const days = daily('2015-01-01', 59, (d, i) => (i % 7 === 3 ? null : d < '2015-02-01' ? 100 : 200)); // Jan, Feb only
    const c = monthlyClimatology(days);
    assert.equal(c[0], 100);
    assert.equal(c[1], 200);
    assert.ok(c[5]! > 100 && c[5]! < 200);
    assert.ok(fitBlend(days).leads.every((l) => l.trainingPairs > 0));
    assert.throws(() => monthlyClimatology([{ date: '2015-01-01', aqi: null }]));
  });

  it('scores: MAE, RMSE, bias and the > 200 contingency table', () => {
    const s = scoreForecasts([
      { forecast: 250, observed: 210 }, // hit
      { forecast: 150, observed: 260 }, // miss
      { forecast: 220, observed: 180 }, // false alarm
      { forecast: 100, observed: 100 }, // correct negative
    ]);
    assert.equal(s.n, 4);
    assert.equal(s.mae, (40 + 110 + 40 + 0) / 4);
    assert.equal(s.bias, (40 - 110 + 40 + 0) / 4);
    assert.equal(s.rmse, Math.sqrt((1600 + 12100 + 1600) / 4));
    assert.deepEqual([s.hits, s.misses, s.falseAlarms], [1, 1, 1]);
    assert.equal(s.hitRate, 0.5);
    assert.equal(s.falseAlarmRatio, 0.5);
    assert.equal(s.csi, 1 / 3);
    assert.equal(scoreForecasts([{ forecast: 1, observed: 1 }]).csi, null);
  });

  it('calibrates the decision threshold that maximises CSI, preferring the one closest to the event threshold', () => {
    // Forecasts shrunk by 60: an observed 250 is forecast 190, an observed 120 forecast 120.
    const pairs = [250, 260, 240, 120, 130, 100].map((o) => ({ observed: o, forecast: o > 200 ? o - 60 : o }));
    const c = calibrateEventThreshold(pairs, 200);
    assert.equal(c.csi, 1);
    assert.ok(c.threshold >= 130 && c.threshold < 180, String(c.threshold));
    assert.equal(c.threshold, 179); // all of 130..179 separate perfectly; 179 is closest to 200
    assert.deepEqual(calibrateEventThreshold([{ forecast: 10, observed: 10 }], 200), { threshold: 200, csi: 0 });
  });
});
