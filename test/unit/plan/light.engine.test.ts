import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluateLight, previousCheckpoint, type LightRule, type ScheduledMilestone } from '../../../src/plan/engine/light.engine.ts';

const rule: LightRule = { yellowFromPoints: 10, redAbovePoints: 30, consecutiveYellowsForRed: 2, evaluationPeriod: 'month' };
const ms = (planned: string | null, done: string | null = null, weight = 1): ScheduledMilestone => ({ plannedDate: planned, doneDate: done, weight });
const rank = { none: -1, green: 0, yellow: 1, red: 2 } as const;

/**
 * Reference: walks the calendar month by month from the first planned date, keeping fractions as
 * [numerator, denominator] and comparing by cross-multiplication — written separately from the engine.
 */
function reference(list: ScheduledMilestone[], asOf: string, r: LightRule): 'green' | 'yellow' | 'red' | 'none' {
  const planned = list.filter((m) => m.plannedDate);
  if (!planned.length) return 'none';
  const total = planned.reduce((s, m) => s + m.weight, 0);
  const colourAt = (d: string) => {
    const p = planned.filter((m) => m.plannedDate! <= d).reduce((s, m) => s + m.weight, 0);
    const done = planned.filter((m) => m.doneDate && m.doneDate <= d).reduce((s, m) => s + m.weight, 0);
    const behind: [number, number] = [(p - done) * 100, total]; // percentage points as a fraction
    if (behind[0] > r.redAbovePoints * behind[1]) return 'red';
    if (behind[0] >= r.yellowFromPoints * behind[1]) return 'yellow';
    return 'green';
  };
  const now = colourAt(asOf);
  if (now !== 'yellow') return now;
  // Month ends strictly before asOf's month, newest first.
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  let streak = 1;
  for (let k = 1; streak < r.consecutiveYellowsForRed; k++) {
    const monthIndex = y * 12 + (m - 1) - k; // the month k before asOf's
    const yy = Math.floor(monthIndex / 12);
    const mm = (monthIndex % 12) + 1;
    const last = new Date(Date.UTC(yy, mm, 0)).getUTCDate();
    const d = `${String(yy).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
    if (colourAt(d) === 'green') break;
    streak++;
  }
  return streak >= r.consecutiveYellowsForRed ? 'red' : 'yellow';
}

describe('status light engine', () => {
  it('has no light without planned milestones', () => {
    assert.equal(evaluateLight([], '2026-01-01', rule).color, 'none');
    assert.equal(evaluateLight([ms(null, '2025-01-01')], '2026-01-01', rule).color, 'none');
  });

  it('puts the thresholds exactly where the rule says: 10 points yellow (inclusive), beyond 30 red', () => {
    // Ten equal milestones all due; k of them not done → k·10 points behind.
    const due = (k: number) => Array.from({ length: 10 }, (_, i) => ms('2026-01-10', i < 10 - k ? '2026-01-05' : null));
    // Evaluated on 2026-01-31 the previous checkpoint (2025-12-31) had nothing due: green, so no streak.
    assert.equal(evaluateLight(due(0), '2026-01-31', rule).color, 'green');
    assert.equal(evaluateLight(due(1), '2026-01-31', rule).color, 'yellow');
    assert.equal(evaluateLight(due(1), '2026-01-31', rule).behindPoints, 10);
    assert.equal(evaluateLight(due(3), '2026-01-31', rule).color, 'yellow');
    assert.equal(evaluateLight(due(4), '2026-01-31', rule).color, 'red');
    // 9.99… points must not become yellow, 30.00…1 must be red: 1 of 11 behind is 9.09; 7 of 70 is exactly 10.
    const eleven = Array.from({ length: 11 }, (_, i) => ms('2026-01-10', i ? '2026-01-05' : null));
    assert.equal(evaluateLight(eleven, '2026-01-31', rule).color, 'green');
    const seventy = Array.from({ length: 70 }, (_, i) => ms('2026-01-10', i >= 7 ? '2026-01-05' : null));
    assert.equal(evaluateLight(seventy, '2026-01-31', rule).color, 'yellow');
    // Weights: 1 of weight 3 behind out of 10 = 30 points (yellow); out of 9 = 33.3 (red).
    assert.equal(evaluateLight([ms('2026-01-10', null, 3), ms('2026-01-10', '2026-01-01', 7)], '2026-01-31', rule).color, 'yellow');
    assert.equal(evaluateLight([ms('2026-01-10', null, 3), ms('2026-01-10', '2026-01-01', 6)], '2026-01-31', rule).color, 'red');
  });

  it('turns red after two consecutive yellow evaluations', () => {
    const list = [ms('2026-02-15'), ...Array.from({ length: 4 }, () => ms('2026-02-15', '2026-02-01')), ...Array.from({ length: 5 }, () => ms('2027-01-01'))];
    // 10 points behind from 02-15 on.
    assert.equal(evaluateLight(list, '2026-02-20', rule).color, 'yellow', 'first month: previous checkpoint 01-31 was green');
    assert.equal(evaluateLight(list, '2026-02-28', rule).color, 'yellow', 'the February checkpoint itself is the first yellow');
    assert.equal(evaluateLight(list, '2026-03-05', rule).color, 'red', 'February was yellow and now still yellow');
    const three = { ...rule, consecutiveYellowsForRed: 3 };
    assert.equal(evaluateLight(list, '2026-03-05', three).color, 'yellow');
    assert.equal(evaluateLight(list, '2026-04-01', three).color, 'red');
  });

  it('month-end checkpoints handle leap years and year ends', () => {
    assert.equal(previousCheckpoint('2024-03-15'), '2024-02-29');
    assert.equal(previousCheckpoint('2025-03-31'), '2025-02-28');
    assert.equal(previousCheckpoint('2026-01-01'), '2025-12-31');
  });

  const dateArb = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  const milestoneArb = fc.record({
    plannedDate: fc.option(dateArb, { nil: null, freq: 5 }),
    doneDate: fc.option(dateArb, { nil: null }),
    weight: fc.integer({ min: 1, max: 5 }),
  });
  const ruleArb = fc
    .record({ yellowFromPoints: fc.integer({ min: 0, max: 60 }), span: fc.integer({ min: 0, max: 40 }), consecutiveYellowsForRed: fc.integer({ min: 1, max: 4 }) })
    .map((r) => ({ yellowFromPoints: r.yellowFromPoints, redAbovePoints: r.yellowFromPoints + r.span, consecutiveYellowsForRed: r.consecutiveYellowsForRed, evaluationPeriod: 'month' as const }));

  it('agrees with the month-by-month reference on random schedules and rules', () => {
    fc.assert(
      fc.property(fc.array(milestoneArb, { maxLength: 12 }), dateArb, ruleArb, (list, asOf, r) => {
        assert.equal(evaluateLight(list, asOf, r).color, reference(list, asOf, r));
      }),
      { numRuns: 2000 },
    );
  });

  it('finishing a milestone never makes the light worse', () => {
    fc.assert(
      fc.property(fc.array(milestoneArb, { minLength: 1, maxLength: 10 }), dateArb, fc.nat(), (list, asOf, pick) => {
        const i = pick % list.length;
        if (list[i]!.doneDate && list[i]!.doneDate! <= asOf) return;
        const better = list.map((m, j) => (j === i ? { ...m, doneDate: asOf } : m));
        assert.ok(rank[evaluateLight(better, asOf, rule).color] <= rank[evaluateLight(list, asOf, rule).color]);
      }),
      { numRuns: 1000 },
    );
  });
});
