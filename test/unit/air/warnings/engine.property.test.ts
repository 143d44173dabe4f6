import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildTimeline, evaluateTimeline, evaluateWarning, type CityInput } from '../../../../src/air/warnings/engine.ts';
import { levelRank, type RuleSet } from '../../../../src/air/warnings/rules.ts';
import { hebei, regional } from './helpers.ts';

const START = '2017-01-01T00:00+08:00';
const DATES = ['2017-01-06', '2017-01-07', '2017-01-08', '2017-01-09'];

// Hourly AQI (some missing) over 5 days, daily forecasts for up to 4 following days, and per-item raises.
const scenario = fc
  .record({
    values: fc.array(fc.option(fc.integer({ min: 0, max: 500 }), { freq: 12 }), { minLength: 24, maxLength: 120 }),
    forecast: fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 4 }),
    raiseH: fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 120, maxLength: 120 }),
    raiseD: fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 4, maxLength: 4 }),
    atHour: fc.integer({ min: 0, max: 140 }),
    base: fc.integer({ min: 150, max: 320 }),
  })
  // Bias towards episodes: shift values around `base` so that the thresholds are often crossed.
  .map((s) => ({ ...s, values: s.values.map((v) => (v == null ? null : Math.min(500, Math.round(s.base + (v - 250) / 3)))) }));

const input = (values: (number | null)[], forecast: number[]): CityInput => ({
  hourly: { kind: 'aqi', start: START, values, observedHours: Math.min(values.length, 72) },
  dailyForecast: forecast.map((aqi, i) => ({ date: DATES[i]!, aqi })),
});
const atOf = (h: number) => new Date(Date.parse(START) + h * 3_600_000).toISOString().slice(0, 16) + 'Z';

for (const rs of [regional, hebei]) {
  describe(`properties under ${rs.id}`, () => {
    it('raising every value (hourly and forecast) never lowers the level', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const before = evaluateWarning(input(s.values, s.forecast), rs, { at: atOf(s.atHour) }).level;
          const raisedH = s.values.map((v, i) => (v == null ? null : Math.min(500, v + s.raiseH[i]!)));
          const raisedD = s.forecast.map((v, i) => Math.min(500, v + s.raiseD[i]!));
          const after = evaluateWarning(input(raisedH, raisedD), rs, { at: atOf(s.atHour) }).level;
          assert.ok(levelRank(after) >= levelRank(before), `${before} → ${after}`);
        }),
        { numRuns: 300 },
      );
    });

    it('the level is the highest level whose own rule holds (levels are ordered, lower rules do not mask higher ones)', () => {
      const single = (level: 'yellow' | 'orange' | 'red'): RuleSet => ({ ...rs, levels: rs.levels.filter((l) => l.level === level) });
      fc.assert(
        fc.property(scenario, (s) => {
          const tl = buildTimeline(input(s.values, s.forecast));
          const at = atOf(s.atHour);
          const got = evaluateTimeline(tl, rs, at).level;
          const each = (['yellow', 'orange', 'red'] as const).filter((l) => evaluateTimeline(tl, single(l), at).level === l);
          const expected = each.length ? each[each.length - 1]! : 'none';
          assert.equal(got, expected);
        }),
        { numRuns: 300 },
      );
    });

    it('adding look-forward hours never lowers the level', () => {
      fc.assert(
        fc.property(scenario, fc.integer({ min: 1, max: 100 }), (s, h) => {
          const tl = buildTimeline(input(s.values, s.forecast));
          const at = atOf(s.atHour);
          assert.ok(levelRank(evaluateTimeline(tl, rs, at, h + 1).level) >= levelRank(evaluateTimeline(tl, rs, at, h).level));
        }),
        { numRuns: 200 },
      );
    });
  });
}

describe('nesting of the duration rules', () => {
  it('regional: whenever orange or red applies through a duration clause, yellow alone also holds', () => {
    const yellowOnly: RuleSet = { ...regional, levels: regional.levels.filter((l) => l.level === 'yellow') };
    fc.assert(
      fc.property(scenario, (s) => {
        const tl = buildTimeline(input(s.values, s.forecast));
        const r = evaluateTimeline(tl, regional, atOf(s.atHour));
        if (r.level === 'none' || r.clause?.id === 'red-reach-500') return;
        assert.equal(evaluateTimeline(tl, yellowOnly, atOf(s.atHour)).level, 'yellow');
      }),
      { numRuns: 300 },
    );
  });
});
