/**
 * Warning rules as versioned data (data/air/warning-rules.json), validated here. Pure: parsing takes the
 * already-read JSON value; reading the file is the caller's job (service or test).
 *
 * A level applies when ANY of its clauses holds; a clause holds when ALL its conditions hold (disjunctive
 * normal form — enough for every rule text found so far, and flat enough to show on the warning board).
 */
import { z } from 'zod';

export const WARNING_LEVELS = ['none', 'yellow', 'orange', 'red'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];
/** Rank for ordering: none 0 < yellow 1 < orange 2 < red 3. */
export function levelRank(level: WarningLevel): number {
  return WARNING_LEVELS.indexOf(level);
}

export const LEVEL_NAMES: Record<WarningLevel, { zh: string; en: string }> = {
  none: { zh: '无预警', en: 'no warning' },
  yellow: { zh: '黄色预警', en: 'yellow warning' },
  orange: { zh: '橙色预警', en: 'orange warning' },
  red: { zh: '红色预警', en: 'red warning' },
};

export type WarningAction = 'issue' | 'raise' | 'lower' | 'lift';

/** The action that moves a city from `previous` to `next`: none → level issue, up raise, down lower, → none lift; null when nothing changes. */
export function warningAction(previous: WarningLevel, next: WarningLevel): WarningAction | null {
  if (previous === next) return null;
  if (next === 'none') return 'lift';
  if (previous === 'none') return 'issue';
  return levelRank(next) > levelRank(previous) ? 'raise' : 'lower';
}

const text = z.object({ zh: z.string().min(1), en: z.string().min(1) });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const conditionSchema = z.object({
  id: z.string().min(1),
  /** Only metric so far: the rolling 24-hour mean AQI, hour by hour (see engine.ts for how forecasts enter). */
  metric: z.literal('rolling24hAqi'),
  comparison: z.enum(['gt', 'gte']),
  /** Integer: thresholds that decide a class are never floats. */
  threshold: z.number().int().min(0).max(500),
  minDurationHours: z.number().int().min(1),
});
export type Condition = z.infer<typeof conditionSchema>;

export const clauseSchema = z.object({
  id: z.string().min(1),
  label: text,
  allOf: z.array(conditionSchema).min(1),
});
export type Clause = z.infer<typeof clauseSchema>;

export const levelRuleSchema = z.object({
  level: z.enum(['yellow', 'orange', 'red']),
  anyOf: z.array(clauseSchema).min(1),
});
export type LevelRule = z.infer<typeof levelRuleSchema>;

export const ruleSetSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    version: z.string().min(1),
    validFrom: isoDate,
    validFromConfirmed: z.boolean(),
    region: text,
    title: text,
    source: text.extend({ references: z.array(z.string()), confirmed: z.string() }),
    levels: z.array(levelRuleSchema).min(1),
  })
  .superRefine((rs, ctx) => {
    const seen = new Set<string>();
    rs.levels.forEach((l, i) => {
      if (seen.has(l.level)) ctx.addIssue({ code: 'custom', path: ['levels', i, 'level'], message: `duplicate level ${l.level}` });
      seen.add(l.level);
    });
  });
export type RuleSet = z.infer<typeof ruleSetSchema>;

export const warningRulesSchema = z
  .object({ schemaVersion: z.literal(1), ruleSets: z.array(ruleSetSchema).min(1) })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.ruleSets.forEach((rs, i) => {
      const key = `${rs.id}@${rs.version}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['ruleSets', i, 'id'], message: `duplicate rule set ${key}` });
      seen.add(key);
    });
  });
export type WarningRules = z.infer<typeof warningRulesSchema>;

/** Validates the parsed JSON document; throws a ZodError listing every bad field. */
export function parseWarningRules(json: unknown): WarningRules {
  return warningRulesSchema.parse(json);
}

/**
 * The rule set of an id in force on a date (YYYY-MM-DD): the version with the latest validFrom ≤ date.
 * Returns undefined when none is in force yet.
 */
export function ruleSetFor(rules: WarningRules, id: string, date: string): RuleSet | undefined {
  let best: RuleSet | undefined;
  for (const rs of rules.ruleSets) {
    if (rs.id !== id || rs.validFrom > date) continue;
    if (!best || rs.validFrom > best.validFrom) best = rs;
  }
  return best;
}
