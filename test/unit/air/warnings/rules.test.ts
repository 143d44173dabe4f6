import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ZodError } from 'zod';
import { WARNING_LEVELS, levelRank, parseWarningRules, ruleSetFor } from '../../../../src/air/warnings/rules.ts';
import { rules, rulesJson } from './helpers.ts';

describe('warning rules data', () => {
  it('the bundled file validates and holds both rule sets with all three levels', () => {
    assert.deepEqual(rules.ruleSets.map((r) => r.id).sort(), ['hebei-2024', 'jjj-regional-2018']);
    for (const rs of rules.ruleSets) {
      assert.deepEqual(rs.levels.map((l) => l.level).sort(), ['orange', 'red', 'yellow']);
      assert.ok(rs.source.zh.length > 20 && rs.source.en.length > 20);
    }
  });

  it('encodes the regional red rule as (>200 96 h AND >300 48 h) OR reaching 500', () => {
    const red = rules.ruleSets.find((r) => r.id === 'jjj-regional-2018')!.levels.find((l) => l.level === 'red')!;
    assert.equal(red.anyOf.length, 2);
    assert.deepEqual(red.anyOf[0]!.allOf.map((c) => [c.comparison, c.threshold, c.minDurationHours]), [['gt', 200, 96], ['gt', 300, 48]]);
    assert.deepEqual(red.anyOf[1]!.allOf.map((c) => [c.comparison, c.threshold, c.minDurationHours]), [['gte', 500, 1]]);
  });

  it('rejects a float threshold, an unknown comparison and a duplicate level, listing every bad field', () => {
    const bad = structuredClone(rulesJson) as any;
    bad.ruleSets[0].levels[0].anyOf[0].allOf[0].threshold = 200.5;
    bad.ruleSets[0].levels[1].anyOf[0].allOf[0].comparison = 'above';
    bad.ruleSets[1].levels[1].level = 'yellow';
    try {
      parseWarningRules(bad);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof ZodError);
      const paths = e.issues.map((i) => i.path.join('.'));
      assert.ok(paths.includes('ruleSets.0.levels.0.anyOf.0.allOf.0.threshold'), paths.join(' '));
      assert.ok(paths.includes('ruleSets.0.levels.1.anyOf.0.allOf.0.comparison'), paths.join(' '));
      assert.ok(paths.includes('ruleSets.1.levels.1.level'), paths.join(' '));
    }
  });

  it('picks the version in force on a date', () => {
    const extra = structuredClone(rulesJson) as any;
    extra.ruleSets.push({ ...structuredClone(extra.ruleSets[1]), version: '2025.1', validFrom: '2025-10-01' });
    const r = parseWarningRules(extra);
    assert.equal(ruleSetFor(r, 'hebei-2024', '2024-01-01'), undefined);
    assert.equal(ruleSetFor(r, 'hebei-2024', '2025-09-30')!.version, '2024.1');
    assert.equal(ruleSetFor(r, 'hebei-2024', '2025-10-01')!.version, '2025.1');
  });

  it('orders levels none < yellow < orange < red', () => {
    assert.deepEqual(WARNING_LEVELS.map(levelRank), [0, 1, 2, 3]);
  });
});
