import { z } from 'zod';

export const i18nText = (max = 2000) =>
  z.object({ zh: z.string().trim().min(1).max(max), en: z.string().trim().min(1).max(max) }).strict();

export const idSlug = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,79}$/, 'lowercase letters, digits, . _ - (1–80)');
const isoDate = z.iso.date();

export const projectStatuses = ['not_started', 'on_track', 'at_risk', 'off_track', 'done'] as const;
export type ProjectStatus = (typeof projectStatuses)[number];
export const directions = ['increase', 'decrease', 'maintain', 'achieve'] as const;
export const lightColors = ['green', 'yellow', 'red', 'none'] as const;

export const milestoneInput = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
    order: z.number().int().min(0).max(10_000).optional(),
    name: i18nText(300),
    plannedDate: isoDate.nullable(),
    doneDate: isoDate.nullable(),
    weight: z.number().int().min(1).max(100).default(1),
  })
  .strict();
export type MilestoneInput = z.infer<typeof milestoneInput>;

const milestoneList = z.array(milestoneInput).max(200).superRefine((ms, ctx) => {
  const seen = new Set<string>();
  ms.forEach((m, i) => {
    if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate milestone id ${m.id}` });
    seen.add(m.id);
  });
});

const projectFields = {
  number: z.string().trim().min(1).max(20).nullable().describe('numbering in the plan, e.g. "3.5"; null for projects named only in its prose'),
  name: i18nText(300),
  description: i18nText(4000),
  category: idSlug,
  cityId: idSlug,
  ownerDepartment: idSlug,
  status: z.enum(projectStatuses),
  milestones: milestoneList,
  note: z.string().max(2000).nullable(),
};

export const projectCreate = z
  .object({
    id: idSlug,
    ...projectFields,
    number: projectFields.number.default(null),
    status: projectFields.status.default('not_started'),
    milestones: projectFields.milestones.default([]),
    note: projectFields.note.default(null),
  })
  .strict();
export type ProjectCreate = z.infer<typeof projectCreate>;

export const projectPatch = z
  .object({
    ...Object.fromEntries(Object.entries(projectFields).map(([k, v]) => [k, v.optional()])),
    version: z.number().int().min(1).optional(),
  } as { [K in keyof typeof projectFields]: z.ZodOptional<(typeof projectFields)[K]> } & { version: z.ZodOptional<z.ZodNumber> })
  .strict();
export type ProjectPatch = z.infer<typeof projectPatch>;

export const indicatorInput = z
  .object({
    id: idSlug,
    order: z.number().int().min(0).max(10_000).optional(),
    name: i18nText(300),
    unit: i18nText(50),
    target: z.number().finite().nullable(),
    targetText: i18nText(1000).nullable(),
    direction: z.enum(directions),
    engine: z.string().regex(/^[a-z][a-z0-9_.-]{0,79}$/),
  })
  .strict();

const goalFields = {
  pillarId: idSlug,
  order: z.number().int().min(0).max(10_000),
  name: i18nText(300),
  description: i18nText(4000),
  sourceQuote: z.string().max(4000),
  indicators: z.array(indicatorInput).max(50),
};

export const goalCreate = z
  .object({ id: idSlug, ...goalFields, order: goalFields.order.default(0), sourceQuote: goalFields.sourceQuote.default(''), indicators: goalFields.indicators.default([]) })
  .strict();
export type GoalCreate = z.infer<typeof goalCreate>;

export const goalPatch = z
  .object({
    pillarId: goalFields.pillarId.optional(),
    order: goalFields.order.optional(),
    name: goalFields.name.optional(),
    description: goalFields.description.optional(),
    sourceQuote: goalFields.sourceQuote.optional(),
    indicators: goalFields.indicators.optional(),
    version: z.number().int().min(1).optional(),
  })
  .strict();
export type GoalPatch = z.infer<typeof goalPatch>;

const text = z.object({ zh: z.string(), en: z.string() });

export const indicatorView = z
  .object({
    id: z.string(),
    goalId: z.string(),
    order: z.number(),
    name: text,
    unit: text,
    target: z.number().nullable(),
    targetText: text.nullable(),
    direction: z.enum(directions),
    engine: z.string(),
    value: z.number().nullable().describe('null = not yet measured (尚未测量)'),
    measuredAt: z.string().nullable(),
  })
  .meta({ id: 'Indicator' });
export type IndicatorView = z.infer<typeof indicatorView>;

export const goalView = z
  .object({
    id: z.string(),
    pillarId: z.string(),
    order: z.number(),
    name: text,
    description: text,
    sourceQuote: z.string(),
    indicators: z.array(indicatorView),
    version: z.number(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Goal' });
export type GoalView = z.infer<typeof goalView>;

export const milestoneView = z.object({
  id: z.string(),
  order: z.number(),
  name: text,
  plannedDate: z.string().nullable(),
  doneDate: z.string().nullable(),
  weight: z.number(),
});

export const lightView = z.object({
  color: z.enum(lightColors),
  behindPoints: z.number().nullable(),
  plannedPct: z.number().nullable(),
  actualPct: z.number().nullable(),
  reason: text,
  asOf: z.string(),
});

export const projectView = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    name: text,
    description: text,
    category: z.string(),
    cityId: z.string(),
    ownerDepartment: z.string(),
    status: z.enum(projectStatuses),
    light: lightView,
    milestones: z.array(milestoneView),
    note: z.string().nullable(),
    version: z.number(),
    updatedAt: z.string(),
  })
  .meta({ id: 'KeyProject' });
export type ProjectView = z.infer<typeof projectView>;

export const namedItem = z.object({ id: z.string(), name: text });
export const pillarView = z.object({ id: z.string(), order: z.number(), name: text, summary: text }).meta({ id: 'Pillar' });

export const lightRuleSchema = z
  .object({
    id: idSlug,
    yellowFromPoints: z.number().int().min(0).max(100),
    redAbovePoints: z.number().int().min(0).max(100),
    consecutiveYellowsForRed: z.number().int().min(1).max(24),
    evaluationPeriod: z.literal('month'),
    description: text,
  })
  .refine((r) => r.redAbovePoints >= r.yellowFromPoints, { path: ['redAbovePoints'], message: 'must be ≥ yellowFromPoints' });
export type LightRuleData = z.infer<typeof lightRuleSchema>;

/** The bundled plan file (data/plan/plan.json). */
export const planFile = z.object({
  version: z.number().int(),
  source: z.string(),
  lightRule: lightRuleSchema,
  departments: z.array(z.object({ id: idSlug, name: i18nText() })),
  categories: z.array(z.object({ id: idSlug, name: i18nText() })),
  pillars: z.array(z.object({ id: idSlug, order: z.number().int(), name: i18nText(), summary: i18nText(4000) })),
  goals: z.array(goalCreate.extend({ order: z.number().int() })),
  keyProjects: z.array(projectCreate.extend({ note: z.string().nullable().optional() })),
});
export type PlanFile = z.infer<typeof planFile>;
