import { sql, type Kysely, type Selectable, type Transaction, type Generated, type ColumnType } from 'kysely';
import type { PlatformTables } from '../platform/db.ts';

type Text = { zh: string; en: string };
type JsonText = ColumnType<Text, string, string>;

export type PlanTables = {
  plan_pillar: { id: string; ord: number; name: JsonText; summary: JsonText };
  plan_category: { id: string; name: JsonText };
  plan_department: { id: string; name: JsonText };
  plan_goal: {
    id: string;
    pillar_id: string;
    ord: number;
    name: JsonText;
    description: JsonText;
    source_quote: string;
    version: Generated<number>;
    updated_at: Generated<Date>;
  };
  plan_indicator: {
    id: string;
    goal_id: string;
    ord: number;
    name: JsonText;
    unit: JsonText;
    target: number | null;
    target_text: ColumnType<Text | null, string | null, string | null>;
    direction: string;
    engine: string;
    value: number | null;
    measured_at: Date | null;
  };
  plan_project: {
    id: string;
    number: string | null;
    name: JsonText;
    description: JsonText;
    category: string;
    city_id: string;
    owner_department: string;
    status: string;
    note: string | null;
    version: Generated<number>;
    updated_at: Generated<Date>;
  };
  plan_milestone: {
    project_id: string;
    id: string;
    ord: number;
    name: JsonText;
    planned_date: string | null;
    done_date: string | null;
    weight: number;
  };
  plan_light_rule: {
    id: string;
    yellow_from_points: number;
    red_above_points: number;
    consecutive_yellows_for_red: number;
    evaluation_period: string;
    description: JsonText;
    active: boolean;
  };
};

export type PlanDb = Kysely<PlatformTables & PlanTables>;
export type PlanTx = Transaction<PlatformTables & PlanTables> | PlanDb;

export type GoalRow = Selectable<PlanTables['plan_goal']>;
export type IndicatorRow = Selectable<PlanTables['plan_indicator']>;
export type ProjectRow = Selectable<PlanTables['plan_project']>;
export type MilestoneRow = Selectable<PlanTables['plan_milestone']>;

const j = (v: unknown) => JSON.stringify(v);

export type IndicatorWrite = {
  id: string;
  order: number;
  name: Text;
  unit: Text;
  target: number | null;
  targetText: Text | null;
  direction: string;
  engine: string;
};

export type MilestoneWrite = { id: string; order: number; name: Text; plannedDate: string | null; doneDate: string | null; weight: number };

/** Every query of the plan domain; no business rules here. */
export class PlanStore {
  constructor(readonly db: PlanDb) {}

  listPillars(tx: PlanTx = this.db) {
    return tx.selectFrom('plan_pillar').selectAll().orderBy('ord').execute();
  }
  listCategories(tx: PlanTx = this.db) {
    return tx.selectFrom('plan_category').selectAll().orderBy('id').execute();
  }
  listDepartments(tx: PlanTx = this.db) {
    return tx.selectFrom('plan_department').selectAll().orderBy('id').execute();
  }
  async exists(tx: PlanTx, table: 'plan_pillar' | 'plan_category' | 'plan_department' | 'city', id: string): Promise<boolean> {
    const r = await tx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
    return r !== undefined;
  }

  async listGoals(tx: PlanTx, pillarId?: string) {
    let q = tx.selectFrom('plan_goal').selectAll();
    if (pillarId) q = q.where('pillar_id', '=', pillarId);
    const goals = await q.orderBy('ord').orderBy('id').execute();
    if (goals.length === 0) return { goals, indicators: [] as IndicatorRow[] };
    const indicators = await tx
      .selectFrom('plan_indicator')
      .selectAll()
      .where('goal_id', 'in', goals.map((g) => g.id))
      .orderBy('goal_id')
      .orderBy('ord')
      .execute();
    return { goals, indicators };
  }

  getGoal(tx: PlanTx, id: string, forUpdate = false) {
    let q = tx.selectFrom('plan_goal').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }
  listIndicators(tx: PlanTx, goalId: string) {
    return tx.selectFrom('plan_indicator').selectAll().where('goal_id', '=', goalId).orderBy('ord').execute();
  }

  async insertGoal(tx: PlanTx, g: { id: string; pillarId: string; order: number; name: Text; description: Text; sourceQuote: string }) {
    await tx
      .insertInto('plan_goal')
      .values({ id: g.id, pillar_id: g.pillarId, ord: g.order, name: j(g.name), description: j(g.description), source_quote: g.sourceQuote })
      .execute();
  }

  async updateGoal(tx: PlanTx, id: string, g: { pillarId: string; order: number; name: Text; description: Text; sourceQuote: string }) {
    await tx
      .updateTable('plan_goal')
      .set({
        pillar_id: g.pillarId,
        ord: g.order,
        name: j(g.name),
        description: j(g.description),
        source_quote: g.sourceQuote,
        version: sql`version + 1`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Replaces a goal's indicators, keeping measured values of indicators whose id stays. */
  async replaceIndicators(tx: PlanTx, goalId: string, list: IndicatorWrite[]) {
    const ids = list.map((i) => i.id);
    let del = tx.deleteFrom('plan_indicator').where('goal_id', '=', goalId);
    if (ids.length) del = del.where('id', 'not in', ids);
    await del.execute();
    for (const i of list) {
      const row = {
        goal_id: goalId,
        ord: i.order,
        name: j(i.name),
        unit: j(i.unit),
        target: i.target,
        target_text: i.targetText ? j(i.targetText) : null,
        direction: i.direction,
        engine: i.engine,
      };
      await tx
        .insertInto('plan_indicator')
        .values({ id: i.id, ...row, value: null, measured_at: null })
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    }
  }

  /** Indicator ids that belong to another goal (ids are global). */
  async indicatorOwners(tx: PlanTx, ids: string[]) {
    if (!ids.length) return [];
    return tx.selectFrom('plan_indicator').select(['id', 'goal_id']).where('id', 'in', ids).execute();
  }

  async deleteGoal(tx: PlanTx, id: string) {
    await tx.deleteFrom('plan_goal').where('id', '=', id).execute();
  }

  async listProjects(tx: PlanTx, f: { category?: string | undefined; cityId?: string | undefined; status?: string | undefined; department?: string | undefined }) {
    let q = tx.selectFrom('plan_project').selectAll();
    if (f.category) q = q.where('category', '=', f.category);
    if (f.cityId) q = q.where('city_id', '=', f.cityId);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.department) q = q.where('owner_department', '=', f.department);
    const projects = await q.execute();
    const milestones = projects.length
      ? await tx
          .selectFrom('plan_milestone')
          .selectAll()
          .where('project_id', 'in', projects.map((p) => p.id))
          .orderBy('project_id')
          .orderBy('ord')
          .execute()
      : [];
    return { projects, milestones };
  }

  getProject(tx: PlanTx, id: string, forUpdate = false) {
    let q = tx.selectFrom('plan_project').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }
  listMilestones(tx: PlanTx, projectId: string) {
    return tx.selectFrom('plan_milestone').selectAll().where('project_id', '=', projectId).orderBy('ord').execute();
  }

  async insertProject(
    tx: PlanTx,
    p: { id: string; number: string | null; name: Text; description: Text; category: string; cityId: string; ownerDepartment: string; status: string; note: string | null },
  ) {
    await tx
      .insertInto('plan_project')
      .values({
        id: p.id,
        number: p.number,
        name: j(p.name),
        description: j(p.description),
        category: p.category,
        city_id: p.cityId,
        owner_department: p.ownerDepartment,
        status: p.status,
        note: p.note,
      })
      .execute();
  }

  async updateProject(
    tx: PlanTx,
    id: string,
    p: { number: string | null; name: Text; description: Text; category: string; cityId: string; ownerDepartment: string; status: string; note: string | null },
  ) {
    await tx
      .updateTable('plan_project')
      .set({
        number: p.number,
        name: j(p.name),
        description: j(p.description),
        category: p.category,
        city_id: p.cityId,
        owner_department: p.ownerDepartment,
        status: p.status,
        note: p.note,
        version: sql`version + 1`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
  }

  async replaceMilestones(tx: PlanTx, projectId: string, list: MilestoneWrite[]) {
    await tx.deleteFrom('plan_milestone').where('project_id', '=', projectId).execute();
    if (!list.length) return;
    await tx
      .insertInto('plan_milestone')
      .values(
        list.map((m) => ({
          project_id: projectId,
          id: m.id,
          ord: m.order,
          name: j(m.name),
          planned_date: m.plannedDate,
          done_date: m.doneDate,
          weight: m.weight,
        })),
      )
      .execute();
  }

  async deleteProject(tx: PlanTx, id: string) {
    await tx.deleteFrom('plan_project').where('id', '=', id).execute();
  }

  activeLightRule(tx: PlanTx = this.db) {
    return tx.selectFrom('plan_light_rule').selectAll().where('active', '=', true).executeTakeFirst();
  }

  async upsertLightRule(tx: PlanTx, r: { id: string; yellowFromPoints: number; redAbovePoints: number; consecutiveYellowsForRed: number; evaluationPeriod: string; description: Text }) {
    await tx.updateTable('plan_light_rule').set({ active: false }).where('id', '!=', r.id).execute();
    const row = {
      yellow_from_points: r.yellowFromPoints,
      red_above_points: r.redAbovePoints,
      consecutive_yellows_for_red: r.consecutiveYellowsForRed,
      evaluation_period: r.evaluationPeriod,
      description: j(r.description),
      active: true,
    };
    await tx.insertInto('plan_light_rule').values({ id: r.id, ...row }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
  }

  async insertNamed(tx: PlanTx, table: 'plan_category' | 'plan_department', items: { id: string; name: Text }[]) {
    for (const it of items) {
      await tx.insertInto(table).values({ id: it.id, name: j(it.name) }).onConflict((oc) => oc.column('id').doUpdateSet({ name: j(it.name) })).execute();
    }
  }

  async insertPillars(tx: PlanTx, items: { id: string; order: number; name: Text; summary: Text }[]) {
    for (const p of items) {
      const row = { ord: p.order, name: j(p.name), summary: j(p.summary) };
      await tx.insertInto('plan_pillar').values({ id: p.id, ...row }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
    }
  }
}
