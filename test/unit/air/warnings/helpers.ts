import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWarningRules, type RuleSet } from '../../../../src/air/warnings/rules.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const rulesJson: unknown = JSON.parse(fs.readFileSync(path.join(root, 'data/air/warning-rules.json'), 'utf8'));
export const rules = parseWarningRules(rulesJson);
export function ruleSet(id: string): RuleSet {
  const rs = rules.ruleSets.find((r) => r.id === id);
  if (!rs) throw new Error(`no rule set ${id}`);
  return rs;
}
export const regional = ruleSet('jjj-regional-2018');
export const hebei = ruleSet('hebei-2024');

/** Concatenates blocks [value, hours]. */
export function series(...blocks: [number | null, number][]): (number | null)[] {
  return blocks.flatMap(([v, n]) => new Array<number | null>(n).fill(v));
}
