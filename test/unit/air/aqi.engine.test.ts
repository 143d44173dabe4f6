import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  cityDailyAqi,
  cityRealtimeAqi,
  dailyAqi,
  dailyFromHourly,
  epaAqi,
  epaNowcastAqi,
  iaqi,
  levelOf,
  nowcast,
  parseMilli,
  realtimeAqi,
  realtimeAqiPacked,
  roundGbt8170,
  standardFor,
  tableOrder,
  toMilli,
  type ChinaStandard,
  type HourlyConcentrations,
  type Kind,
} from '../../../src/air/engine/aqi.engine.ts';
import type { Pollutant } from '../../../src/air/model.ts';

/**
 * HJ 633-2012 Table 1, written here again as the standard prints it (independent of the engine's table file),
 * and the HJ 633-2026 changes from issue 4.
 */
const STEPS = [0, 50, 100, 150, 200, 300, 400, 500];
const table2012: [Pollutant, Kind, number[]][] = [
  ['so2', '24h', [0, 50, 150, 475, 800, 1600, 2100, 2620]],
  ['so2', '1h', [0, 150, 500, 650, 800]],
  ['no2', '24h', [0, 40, 80, 180, 280, 565, 750, 940]],
  ['no2', '1h', [0, 100, 200, 700, 1200, 2340, 3090, 3840]],
  ['pm10', '24h', [0, 50, 150, 250, 350, 420, 500, 600]],
  ['co', '24h', [0, 2, 4, 14, 24, 36, 48, 60]],
  ['co', '1h', [0, 5, 10, 35, 60, 90, 120, 150]],
  ['o3', '1h', [0, 160, 200, 300, 400, 800, 1000, 1200]],
  ['o3', '8h', [0, 100, 160, 215, 265, 800]],
  ['pm25', '24h', [0, 35, 75, 115, 150, 250, 350, 500]],
];
const table2026: [Pollutant, Kind, number[]][] = table2012.map(([p, k, bp]) => [
  p,
  k,
  p === 'pm25' ? [0, 35, 60, 115, 150, 250, 350, 500] : p === 'pm10' ? [0, 50, 120, 250, 350, 420, 500, 600] : bp,
]);
const tables: [ChinaStandard, typeof table2012][] = [
  ['hj633-2012', table2012],
  ['hj633-2026', table2026],
];

describe('IAQI at every breakpoint edge', () => {
  for (const [std, table] of tables)
    for (const [p, kind, bp] of table)
      it(`${std} ${p} ${kind}`, () => {
        const unit = p === 'co' ? 0.1 : 1; // the smallest step the platform publishes
        for (let i = 0; i < bp.length; i++) {
          assert.equal(iaqi(p, bp[i]!, kind, std), STEPS[i], `at ${bp[i]}`);
          if (i + 1 < bp.length) {
            // Just above: ceiling of the interpolation over one published unit, computed here in integers.
            const width = (bp[i + 1]! - bp[i]!) * (p === 'co' ? 10 : 1);
            const expected = STEPS[i]! + Math.ceil(((STEPS[i + 1]! - STEPS[i]!) * 1) / width);
            const above = p === 'co' ? (Math.round(bp[i]! * 10) + 1) / 10 : bp[i]! + unit;
            assert.equal(iaqi(p, above, kind, std), expected, `just above ${bp[i]}`);
          }
        }
      });
});

describe('exact arithmetic', () => {
  it('CO 2.2 mg/m³ (24-h) gives 55, where floating-point ceil gives 56', () => {
    assert.equal(Math.ceil(((100 - 50) / (4 - 2)) * (2.2 - 2) + 50), 56); // the trap
    assert.equal(iaqi('co', 2.2, '24h', 'hj633-2012'), 55);
    assert.equal(iaqi('co', 2.2, '24h', 'hj633-2026'), 55);
  });
  it('other classic float traps stay exact', () => {
    // 1-h CO 5.1 → 50 + ceil(50·0.1/5) = 51; PM2.5 35.1 (2012) → 50 + ceil(50·0.1/40) = 51
    assert.equal(iaqi('co', 5.1, '1h', 'hj633-2012'), 51);
    assert.equal(iaqi('pm25', 35.1, '24h', 'hj633-2012'), 51);
    assert.equal(iaqi('co', 0.3, '1h', 'hj633-2012'), 3);
  });
  it('parseMilli reads decimal strings exactly', () => {
    assert.equal(parseMilli('2.2'), 2200);
    assert.equal(parseMilli('0.1'), 100);
    assert.equal(parseMilli('35'), 35000);
    assert.equal(parseMilli('NA'), null);
    assert.equal(parseMilli('/'), null);
    assert.equal(parseMilli(''), null);
    assert.equal(parseMilli('-1'), null);
  });
  it('GB/T 8170 rounds half to even (四舍六入五成双)', () => {
    assert.equal(roundGbt8170(34_500, 1, 1000), 34_000);
    assert.equal(roundGbt8170(35_500, 1, 1000), 36_000);
    assert.equal(roundGbt8170(35_501, 1, 1000), 36_000);
    assert.equal(roundGbt8170(34_499, 1, 1000), 34_000);
    assert.equal(roundGbt8170(2_250, 1, 100), 2_200);
    assert.equal(roundGbt8170(2_350, 1, 100), 2_400);
    assert.equal(roundGbt8170(71, 2, 1000), 0); // 35.5 µg/1000 → 0
    assert.equal(roundGbt8170(3_000 * 3 + 1_500, 3, 1000), 4_000); // (9+1.5)/3 = 3.5 → 4
  });
  it('2026 rounds the concentration before the IAQI; 2012 does not', () => {
    assert.equal(iaqi('pm25', 35.4, '24h', 'hj633-2026'), 50); // → 35
    assert.equal(iaqi('pm25', 35.5, '24h', 'hj633-2026'), 52); // → 36: 50 + ceil(50/25)
    assert.equal(iaqi('pm25', 36.5, '24h', 'hj633-2026'), 52); // → 36 (half to even)
    assert.equal(iaqi('pm25', 35.4, '24h', 'hj633-2012'), 51);
    assert.equal(iaqi('co', 2.25, '24h', 'hj633-2026'), 55); // → 2.2
  });
});

describe('standard rules', () => {
  it('2012: SO2 1-h > 800 uses the 24-hour value; 2026 reports 200', () => {
    const row: HourlyConcentrations = { pm25: 10, pm10: 10, so2: 801, no2: 10, co: 0.5, o3: 10, so2_24h: 500 };
    const r12 = realtimeAqi(row, { standard: 'hj633-2012' });
    assert.equal(r12.iaqi.so2, iaqi('so2', 500, '24h', 'hj633-2012'));
    assert.ok(r12.notes.includes('so2-1h>800:used-24h'));
    assert.equal(realtimeAqi(row, { standard: 'hj633-2026' }).iaqi.so2, 200);
    assert.equal(iaqi('so2', 801, '1h', 'hj633-2012'), null);
    assert.equal(iaqi('so2', 800, '1h', 'hj633-2012'), 200);
    assert.equal(iaqi('so2', 5000, '1h', 'hj633-2026'), 200);
  });
  it('2012: O3 8-h > 800 uses the 1-hour daily maximum; 2026 reports 300', () => {
    const means = { pm25: 10, pm10: 10, so2: 10, no2: 10, co: 0.5, o3_8h: 850, o3_1h: 1100 };
    const r12 = dailyAqi(means, { standard: 'hj633-2012' });
    assert.equal(r12.iaqi.o3, 450);
    assert.ok(r12.notes.includes('o3-8h>800:used-1h'));
    const r26 = dailyAqi(means, { standard: 'hj633-2026' });
    assert.equal(r26.iaqi.o3, 300);
  });
  it('concentrations above the last breakpoint give IAQI 500', () => {
    assert.equal(iaqi('pm10', 700, '24h', 'hj633-2012'), 500);
    assert.equal(iaqi('pm25', 600, '24h', 'hj633-2026'), 500);
  });
  it('the 2026 PM breakpoints move 75 → 60 and 150 → 120', () => {
    assert.equal(iaqi('pm25', 60, '24h', 'hj633-2026'), 100);
    assert.equal(iaqi('pm25', 60, '24h', 'hj633-2012'), 82);
    assert.equal(iaqi('pm10', 120, '24h', 'hj633-2026'), 100);
    assert.equal(iaqi('pm10', 120, '24h', 'hj633-2012'), 85);
  });
  it('standardFor switches at 2026-03-01 00:00 Asia/Shanghai', () => {
    assert.equal(standardFor('2026-02-28T23:00:00+08:00'), 'hj633-2012');
    assert.equal(standardFor('2026-03-01T00:00:00+08:00'), 'hj633-2026');
    assert.equal(standardFor('2026-02-28T16:00:00Z'), 'hj633-2026');
    assert.equal(standardFor('2026-02-28T15:59:59Z'), 'hj633-2012');
    assert.equal(standardFor('2026-03-15T0800'), 'hj633-2026');
    assert.equal(standardFor('2022-01-01T10:00:00'), 'hj633-2012');
    assert.equal(realtimeAqi({ pm25: 60, pm10: 1, so2: 1, no2: 1, co: 0.1, o3: 1 }, { time: '2026-03-01T00:00:00+08:00' }).aqi, 100);
    assert.equal(realtimeAqi({ pm25: 60, pm10: 1, so2: 1, no2: 1, co: 0.1, o3: 1 }, { time: '2026-02-28T23:00:00+08:00' }).aqi, 82);
  });
});

describe('result shape: primary pollutants, levels, colours, completeness', () => {
  const full = { pm25: 0, pm10: 0, so2: 0, no2: 0, co: 0, o3: 0 };
  it('ties list every pollutant at the AQI in HJ 633 table order; none at AQI ≤ 50', () => {
    const r = realtimeAqi({ ...full, pm10: 98, pm25: 20 }, { standard: 'hj633-2012' }); // 1001A 2022-01-01T10: PM10 98 → 74
    assert.equal(r.iaqi.pm10, 74);
    const tie = realtimeAqi({ ...full, pm10: 150, pm25: 75 }, { standard: 'hj633-2012' });
    assert.deepEqual(tie.primary, ['pm10', 'pm25']);
    assert.equal(tie.aqi, 100);
    assert.deepEqual(realtimeAqi({ ...full, pm25: 35, pm10: 50 }, { standard: 'hj633-2012' }).primary, []);
  });
  it('levels, categories and colours', () => {
    const r = realtimeAqi({ ...full, pm25: 250 }, { standard: 'hj633-2012' });
    assert.equal(r.aqi, 300);
    assert.equal(r.level, 5);
    assert.deepEqual(r.category, { zh: '重度污染', en: 'Heavily Polluted' });
    assert.equal(r.color, '#99004C');
    assert.equal(realtimeAqi({ ...full, pm25: 251 }, { standard: 'hj633-2012' }).category?.zh, '严重污染');
  });
  it('completeness: a missing pollutant withholds AQI ≤ 100, publishes AQI > 100', () => {
    const low = realtimeAqi({ ...full, pm25: 50, co: null }, { standard: 'hj633-2012' });
    assert.equal(low.aqi, null);
    assert.ok(low.notes.includes('missing:co'));
    assert.equal(realtimeAqi({ ...full, pm25: 80, co: null }, { standard: 'hj633-2012' }).aqi, 107);
    // 2026: PM10 exempt by default, others not; '/' never blocks; station data overrides
    assert.equal(realtimeAqi({ ...full, pm25: 20, pm10: null }, { standard: 'hj633-2026' }).aqi, 29);
    assert.equal(realtimeAqi({ ...full, pm25: 20, pm10: null }, { standard: 'hj633-2026', exempt: [] }).aqi, null);
    assert.equal(realtimeAqi({ ...full, pm25: 20, so2: null }, { standard: 'hj633-2026' }).aqi, null);
    assert.equal(realtimeAqi({ ...full, pm25: 20, so2: null, notMonitored: ['so2'] }, { standard: 'hj633-2026' }).aqi, 29);
    assert.equal(realtimeAqi({ ...full, pm25: 20, so2: null }, { standard: 'hj633-2026', exempt: ['so2'] }).aqi, 29);
    assert.equal(realtimeAqi({ ...full, pm25: 20, so2: null }, { standard: 'hj633-2026', completeness: 'any' }).aqi, 29);
    assert.equal(realtimeAqi({}, { standard: 'hj633-2026' }).aqi, null);
  });
});

const concArb = (max: number, decimals: 0 | 1) => fc.integer({ min: 0, max: max * (decimals ? 10 : 1) }).map((n) => (decimals ? n / 10 : n));
const rowArb = fc.record({
  pm25: concArb(600, 0),
  pm10: concArb(700, 0),
  so2: concArb(900, 0),
  no2: concArb(4000, 0),
  co: concArb(160, 1),
  o3: concArb(1300, 0),
  so2_24h: concArb(2700, 0),
});
/** Rows below the level-3 breakpoints: AQI ≤ 100, where the completeness and exemption rules decide. */
const cleanRowArb = fc.record({
  pm25: concArb(75, 0),
  pm10: concArb(150, 0),
  so2: concArb(150, 0),
  no2: concArb(100, 0),
  co: concArb(4, 1),
  o3: concArb(160, 0),
  so2_24h: concArb(150, 0),
});
const stdArb = fc.constantFrom<ChinaStandard>('hj633-2012', 'hj633-2026');

describe('properties (fast-check)', () => {
  it('AQI never decreases when any one concentration rises', () => {
    fc.assert(
      fc.property(rowArb, stdArb, fc.constantFrom(...tableOrder), fc.integer({ min: 1, max: 300 }), (row, std, p, d) => {
        const a = realtimeAqi(row, { standard: std }).aqi!;
        const bumped = { ...row, [p]: p === 'co' ? (Math.round(row.co * 10) + d) / 10 : row[p] + d };
        // 2012 SO2 above 800 switches to the 24-h value: monotone only within each side of the switch.
        if (std === 'hj633-2012' && p === 'so2' && row.so2 <= 800 && bumped.so2 > 800) return true;
        return realtimeAqi(bumped, { standard: std }).aqi! >= a;
      }),
      { numRuns: 3000 },
    );
  });
  it('IAQI never decreases in the concentration for every row of both tables', () => {
    fc.assert(
      fc.property(stdArb, fc.constantFrom(...table2012.map(([p, k]) => [p, k] as const)), fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 1, max: 50 }), (std, [p, k], c, d) => {
        const s = p === 'co' ? 10 : 1;
        const a = iaqi(p, c / s, k, std);
        const b = iaqi(p, (c + d) / s, k, std);
        if (a === null || b === null) return true;
        return b >= a;
      }),
      { numRuns: 3000 },
    );
  });
  it('level boundaries 50/51, 100/101, 150/151, 200/201, 300/301', () => {
    for (const [lo, level] of [
      [50, 1],
      [100, 2],
      [150, 3],
      [200, 4],
      [300, 5],
    ] as const) {
      assert.equal(levelOf(lo), level);
      assert.equal(levelOf(lo + 1), level + 1);
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), (a) => {
        const l = levelOf(a);
        const bounds = [0, 50, 100, 150, 200, 300, Infinity];
        return a <= bounds[l]! && (l === 1 || a > bounds[l - 1]!);
      }),
    );
  });
  it('level from realtimeAqi agrees with levelOf, and primary IAQIs equal the AQI', () => {
    fc.assert(
      fc.property(rowArb, stdArb, (row, std) => {
        const r = realtimeAqi(row, { standard: std });
        if (r.aqi === null) return false;
        return r.level === levelOf(r.aqi) && r.primary.every((p) => r.iaqi[p] === r.aqi) && (r.aqi <= 50) === (r.primary.length === 0);
      }),
      { numRuns: 2000 },
    );
  });
  it('the packed hot path agrees with realtimeAqi', () => {
    fc.assert(
      fc.property(fc.oneof(rowArb, cleanRowArb), stdArb, fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (row, std, drop) => {
        const r2 = { ...row } as HourlyConcentrations;
        tableOrder.forEach((p, i) => {
          if (drop[i]) r2[p] = null;
        });
        const packed = tableOrder.map((p) => (r2[p] === null ? -1 : toMilli(r2[p]!)));
        const a = realtimeAqiPacked(packed, 0, std, toMilli(row.so2_24h));
        return (a < 0 ? null : a) === realtimeAqi(r2, { standard: std }).aqi;
      }),
      { numRuns: 3000 },
    );
  });
});

describe('daily AQI and city values', () => {
  const day = (f: (h: number) => HourlyConcentrations) => Array.from({ length: 24 }, (_, h) => f(h));
  it('dailyFromHourly: 24-hour means, O3 max 8-h mean, validity thresholds', () => {
    const hours = day((h) => ({ pm25: 70 + (h % 2), pm10: 100, so2: 10, no2: 40, co: 1.0, o3: h >= 10 && h < 18 ? 200 : 20 }));
    const { means, counts, result } = dailyFromHourly(hours, { standard: 'hj633-2012' });
    assert.deepEqual(means.pm25, { num: 70_500 * 24, den: 24 });
    assert.deepEqual(means.o3_8h, { num: 200_000 * 8, den: 8 });
    assert.equal(counts.o3_8hWindows, 17);
    assert.equal(result.iaqi.o3, iaqi('o3', 200, '8h', 'hj633-2012'));
    assert.equal(result.iaqi.pm25, 51 + 44); // 70.5: 50 + ceil(50·35.5/40) = 50 + 45 = 95
    // 19 hourly PM2.5 values → no 24-hour mean
    const sparse = hours.map((h, i) => (i < 5 ? { ...h, pm25: null } : h));
    assert.equal(dailyFromHourly(sparse).means.pm25, undefined);
    // 20 values suffice
    assert.ok(dailyFromHourly(hours.map((h, i) => (i < 4 ? { ...h, pm25: null } : h))).means.pm25);
    // an 8-h window with 5 values is invalid; fewer than 14 valid windows → no O3 8-h value
    const o3gaps = hours.map((h, i) => (i % 8 < 3 ? { ...h, o3: null } : h));
    const r = dailyFromHourly(o3gaps);
    assert.equal(r.counts.o3_8hWindows, 0);
    assert.equal(r.means.o3_8h, undefined);
  });
  it('dailyAqi uses the exact mean (no float rounding of e.g. 2.2 mg/m³ CO)', () => {
    const hours = day(() => ({ pm25: 10, pm10: 10, so2: 10, no2: 10, co: 2.2, o3: 10 }));
    assert.equal(dailyFromHourly(hours, { standard: 'hj633-2012' }).result.iaqi.co, 55);
  });
  it('city value: mean of the station concentrations, then IAQI', () => {
    const r = cityRealtimeAqi(
      [
        { pm25: 70, pm10: 100, so2: 10, no2: 20, co: 0.5, o3: 50 },
        { pm25: 81, pm10: null, so2: 10, no2: 20, co: 0.6, o3: 50 },
      ],
      { standard: 'hj633-2012' },
    );
    assert.equal(r.iaqi.pm25, iaqi('pm25', 75.5, '24h', 'hj633-2012'));
    assert.equal(r.iaqi.pm10, iaqi('pm10', 100, '24h', 'hj633-2012'));
    assert.equal(r.iaqi.co, iaqi('co', 0.55, '1h', 'hj633-2012'));
    const d = cityDailyAqi([{ pm25: 70, pm10: 10, so2: 1, no2: 1, co: 1, o3_8h: 10 }, { pm25: 81, pm10: 10, so2: 1, no2: 1, co: 1, o3_8h: 10 }], { standard: 'hj633-2012' });
    assert.equal(d.iaqi.pm25, iaqi('pm25', 75.5, '24h', 'hj633-2012'));
  });
});

describe('US EPA AQI (AirNow Technical Assistance Document, 2024 PM2.5 breakpoints)', () => {
  it('PM2.5 breakpoint edges of the 2024 table', () => {
    const cases: [number, number][] = [
      [0, 0],
      [9.0, 50],
      [9.1, 51],
      [35.4, 100],
      [35.5, 101],
      [55.4, 150],
      [55.5, 151],
      [125.4, 200],
      [125.5, 201],
      [225.4, 300],
      [225.5, 301],
      [325.4, 500],
      [400, 500],
    ];
    for (const [c, a] of cases) assert.equal(epaAqi({ pm25: c }).aqi, a, `PM2.5 ${c}`);
  });
  it('TAD worked example: PM2.5 35.9 µg/m³ → AQI 102; truncation before indexing', () => {
    assert.equal(epaAqi({ pm25: 35.9 }).aqi, 102);
    assert.equal(epaAqi({ pm25: 35.99 }).aqi, 102); // truncated to 35.9
    assert.equal(epaAqi({ pm25: 9.09 }).aqi, 50); // truncated to 9.0
  });
  it('PM10 edges', () => {
    for (const [c, a] of [
      [54, 50],
      [55, 51],
      [154, 100],
      [155, 101],
      [424, 300],
      [425, 301],
      [604, 500],
    ] as const)
      assert.equal(epaAqi({ pm10: c }).aqi, a, `PM10 ${c}`);
    assert.equal(epaAqi({ pm10: 54.9 }).aqi, 50);
  });
  it('EPA categories and colours', () => {
    const r = epaAqi({ pm25: 100 });
    assert.equal(r.category?.en, 'Unhealthy');
    assert.equal(epaAqi({ pm25: 200 }).color, '#8F3F97');
  });
  it('NowCast: steady air is its own NowCast; weight factor floored at 0.5; needs 2 of the 3 latest hours', () => {
    assert.equal(nowcast(Array(12).fill(20)), 20);
    // w = 10/40 = 0.25 → 0.5: (40 + 0.5·10) / 1.5 = 30
    assert.equal(nowcast([40, 10]), 30);
    assert.equal(nowcast([null, null, 10, 10]), null);
    assert.equal(nowcast([null, 10, 10]), 10);
    // AirNow's NowCast PM example shape: rising concentrations weigh the latest hour most
    const v = nowcast([50, 40, 30, 20, 10])!;
    assert.ok(v > 30 && v < 50);
    assert.equal(epaNowcastAqi({ pm25: Array(12).fill(35.9) }).aqi, 102);
  });
});

describe('city daily mean stays exact for many stations with 20–24 valid hours', () => {
  it('uses the least common denominator', () => {
    const stations = Array.from({ length: 40 }, (_, i) => ({ pm25: { num: 75_000 * (20 + (i % 5)), den: 20 + (i % 5) }, pm10: 10, so2: 1, no2: 1, co: 1, o3_8h: 10 }));
    const r = cityDailyAqi(stations, { standard: 'hj633-2012' });
    assert.equal(r.iaqi.pm25, 100); // exactly 75 → 100, not 101
  });
});
