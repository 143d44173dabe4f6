import { AppError, notFound, type FieldError } from '../platform/errors.ts';
import { dateInZone } from '../platform/time.ts';
import { assertInScope, type Principal } from '../platform/auth.ts';
import { appendAudit } from '../platform/audit.ts';
import { evaluateLight, type LightRule } from './engine/light.engine.ts';
import type { GoalCreate, GoalPatch, GoalView, MilestoneInput, PlanFile, ProjectCreate, ProjectPatch, ProjectView } from './model.ts';
import type { GoalRow, IndicatorRow, MilestoneRow, PlanDb, PlanStore, PlanTx, ProjectRow } from './plan.store.ts';

/** The plan is Shijiazhuang's: goals are in its city scope. */
export const PLAN_CITY = 'shijiazhuang';

export function shanghaiDate(d: Date): string {
  return dateInZone(d.getTime(), 'Asia/Shanghai');
}

const fieldErr = (field: string, zh: string, en: string): FieldError => ({ field, message: { zh, en } });

function goalView(g: GoalRow, inds: IndicatorRow[]): GoalView {
  return {
    id: g.id,
    pillarId: g.pillar_id,
    order: g.ord,
    name: g.name,
    description: g.description,
    sourceQuote: g.source_quote,
    version: g.version,
    updatedAt: new Date(g.updated_at).toISOString(),
    indicators: inds.map((i) => ({
      id: i.id,
      goalId: i.goal_id,
      order: i.ord,
      name: i.name,
      unit: i.unit,
      target: i.target,
      targetText: i.target_text,
      direction: i.direction as GoalView['indicators'][number]['direction'],
      engine: i.engine,
      value: i.value,
      measuredAt: i.measured_at ? new Date(i.measured_at).toISOString() : null,
    })),
  };
}

function milestoneViews(ms: MilestoneRow[]) {
  return ms.map((m) => ({ id: m.id, order: m.ord, name: m.name, plannedDate: m.planned_date, doneDate: m.done_date, weight: m.weight }));
}

export type ProjectFilter = { category?: string | undefined; city?: string | undefined; status?: string | undefined; department?: string | undefined; light?: string | undefined; asOf?: string | undefined };

export class PlanService {
  constructor(
    private store: PlanStore,
    private now: () => Date = () => new Date(),
    /** Called after a committed write with the table it changed (response caches listen). */
    private announce: (table: string) => void = () => {},
  ) {}

  private async write<T>(table: string, fn: (tx: PlanTx) => Promise<T>): Promise<T> {
    const out = await this.db.transaction().execute(fn);
    this.announce(table);
    return out;
  }

  private get db(): PlanDb {
    return this.store.db;
  }

  today(): string {
    return shanghaiDate(this.now());
  }

  async lightRule(tx: PlanTx = this.db): Promise<LightRule> {
    const r = await this.store.activeLightRule(tx);
    if (!r) return { yellowFromPoints: 10, redAbovePoints: 30, consecutiveYellowsForRed: 2, evaluationPeriod: 'month' };
    return {
      yellowFromPoints: r.yellow_from_points,
      redAbovePoints: r.red_above_points,
      consecutiveYellowsForRed: r.consecutive_yellows_for_red,
      evaluationPeriod: 'month',
    };
  }

  async pillars() {
    return (await this.store.listPillars()).map((p) => ({ id: p.id, order: p.ord, name: p.name, summary: p.summary }));
  }
  async categories() {
    return (await this.store.listCategories()).map((c) => ({ id: c.id, name: c.name }));
  }
  async departments() {
    return (await this.store.listDepartments()).map((c) => ({ id: c.id, name: c.name }));
  }

  async listGoals(pillarId?: string): Promise<GoalView[]> {
    const { goals, indicators } = await this.store.listGoals(this.db, pillarId);
    const byGoal = new Map<string, IndicatorRow[]>();
    for (const i of indicators) {
      const list = byGoal.get(i.goal_id);
      if (list) list.push(i);
      else byGoal.set(i.goal_id, [i]);
    }
    return goals.map((g) => goalView(g, byGoal.get(g.id) ?? []));
  }

  async getGoal(id: string, tx: PlanTx = this.db): Promise<GoalView> {
    const g = await this.store.getGoal(tx, id);
    if (!g) throw notFound('entity.goal', id);
    return goalView(g, await this.store.listIndicators(tx, id));
  }

  private async checkGoalRefs(tx: PlanTx, goalId: string, pillarId: string | undefined, indicatorIds: string[] | undefined) {
    const errors: FieldError[] = [];
    if (pillarId !== undefined && !(await this.store.exists(tx, 'plan_pillar', pillarId))) {
      errors.push(fieldErr('pillarId', `重点领域不存在：${pillarId}`, `unknown pillar: ${pillarId}`));
    }
    if (indicatorIds) {
      const seen = new Map<string, number>();
      indicatorIds.forEach((id, i) => {
        if (seen.has(id)) errors.push(fieldErr(`indicators.${i}.id`, `指标编号重复：${id}`, `duplicate indicator id: ${id}`));
        seen.set(id, i);
      });
      for (const o of await this.store.indicatorOwners(tx, indicatorIds)) {
        if (o.goal_id !== goalId) {
          errors.push(fieldErr(`indicators.${seen.get(o.id)}.id`, `指标编号已属于目标 ${o.goal_id}`, `indicator id already belongs to goal ${o.goal_id}`));
        }
      }
    }
    if (errors.length) throw new AppError('validation', 400, 'error.validation', {}, errors);
  }

  async createGoal(p: Principal, input: GoalCreate, requestId?: string): Promise<GoalView> {
    assertInScope(p, { cityId: PLAN_CITY, departmentId: null }, input.id);
    return this.write('plan_goal', async (tx) => {
      if (await this.store.getGoal(tx, input.id)) throw new AppError('conflict', 409, 'error.conflict.exists', { what: 'entity.goal', id: input.id });
      await this.checkGoalRefs(tx, input.id, input.pillarId, input.indicators.map((i) => i.id));
      await this.store.insertGoal(tx, input);
      await this.store.replaceIndicators(tx, input.id, input.indicators.map((i, n) => ({ ...i, order: i.order ?? n + 1 })));
      const after = await this.getGoal(input.id, tx);
      await appendAudit(tx, { principal: p, action: 'create', entityType: 'plan.goal', entityId: input.id, before: null, after, requestId: requestId ?? null });
      return after;
    });
  }

  async patchGoal(p: Principal, id: string, patch: GoalPatch, requestId?: string): Promise<GoalView> {
    assertInScope(p, { cityId: PLAN_CITY, departmentId: null }, id);
    return this.write('plan_goal', async (tx) => {
      const row = await this.store.getGoal(tx, id, true);
      if (!row) throw notFound('entity.goal', id);
      if (patch.version !== undefined && patch.version !== row.version) {
        throw new AppError('conflict', 409, 'error.conflict.version', { current: row.version, given: patch.version });
      }
      const before = goalView(row, await this.store.listIndicators(tx, id));
      await this.checkGoalRefs(tx, id, patch.pillarId, patch.indicators?.map((i) => i.id));
      await this.store.updateGoal(tx, id, {
        pillarId: patch.pillarId ?? before.pillarId,
        order: patch.order ?? before.order,
        name: patch.name ?? before.name,
        description: patch.description ?? before.description,
        sourceQuote: patch.sourceQuote ?? before.sourceQuote,
      });
      if (patch.indicators) {
        await this.store.replaceIndicators(tx, id, patch.indicators.map((i, n) => ({ ...i, order: i.order ?? n + 1 })));
      }
      const after = await this.getGoal(id, tx);
      await appendAudit(tx, { principal: p, action: 'update', entityType: 'plan.goal', entityId: id, before, after, requestId: requestId ?? null });
      return after;
    });
  }

  async deleteGoal(p: Principal, id: string, requestId?: string): Promise<void> {
    assertInScope(p, { cityId: PLAN_CITY, departmentId: null }, id);
    await this.write('plan_goal', async (tx) => {
      const row = await this.store.getGoal(tx, id, true);
      if (!row) throw notFound('entity.goal', id);
      const before = goalView(row, await this.store.listIndicators(tx, id));
      await this.store.deleteGoal(tx, id);
      await appendAudit(tx, { principal: p, action: 'delete', entityType: 'plan.goal', entityId: id, before, after: null, requestId: requestId ?? null });
    });
  }

  private projectView(p: ProjectRow, ms: MilestoneRow[], rule: LightRule, asOf: string): ProjectView {
    const milestones = milestoneViews(ms);
    const light = evaluateLight(milestones, asOf, rule);
    return {
      id: p.id,
      number: p.number,
      name: p.name,
      description: p.description,
      category: p.category,
      cityId: p.city_id,
      ownerDepartment: p.owner_department,
      status: p.status as ProjectView['status'],
      light: { ...light, asOf },
      milestones,
      note: p.note,
      version: p.version,
      updatedAt: new Date(p.updated_at).toISOString(),
    };
  }

  async listProjects(f: ProjectFilter): Promise<ProjectView[]> {
    const asOf = f.asOf ?? this.today();
    const rule = await this.lightRule();
    const { projects, milestones } = await this.store.listProjects(this.db, { category: f.category, cityId: f.city, status: f.status, department: f.department });
    const byProject = new Map<string, MilestoneRow[]>();
    for (const m of milestones) {
      const list = byProject.get(m.project_id);
      if (list) list.push(m);
      else byProject.set(m.project_id, [m]);
    }
    const views = projects.map((p) => this.projectView(p, byProject.get(p.id) ?? [], rule, asOf));
    const filtered = f.light ? views.filter((v) => v.light.color === f.light) : views;
    return filtered.sort((a, b) => compareNumbers(a.number, b.number) || a.id.localeCompare(b.id));
  }

  async getProject(id: string, tx: PlanTx = this.db, asOf?: string): Promise<ProjectView> {
    const p = await this.store.getProject(tx, id);
    if (!p) throw notFound('entity.keyProject', id);
    return this.projectView(p, await this.store.listMilestones(tx, id), await this.lightRule(tx), asOf ?? this.today());
  }

  private async checkProjectRefs(tx: PlanTx, v: { category?: string | undefined; cityId?: string | undefined; ownerDepartment?: string | undefined; milestones?: MilestoneInput[] | undefined }) {
    const errors: FieldError[] = [];
    if (v.category !== undefined && !(await this.store.exists(tx, 'plan_category', v.category))) {
      errors.push(fieldErr('category', `项目类别不存在：${v.category}`, `unknown category: ${v.category}`));
    }
    if (v.cityId !== undefined && !(await this.store.exists(tx, 'city', v.cityId))) {
      errors.push(fieldErr('cityId', `城市不存在：${v.cityId}`, `unknown city: ${v.cityId}`));
    }
    if (v.ownerDepartment !== undefined && !(await this.store.exists(tx, 'plan_department', v.ownerDepartment))) {
      errors.push(fieldErr('ownerDepartment', `部门不存在：${v.ownerDepartment}`, `unknown department: ${v.ownerDepartment}`));
    }
    const today = this.today();
    v.milestones?.forEach((m, i) => {
      if (m.doneDate && m.doneDate > today) {
        errors.push(fieldErr(`milestones.${i}.doneDate`, `完成日期 ${m.doneDate} 晚于今天（${today}）`, `done date ${m.doneDate} is after today (${today})`));
      }
    });
    if (errors.length) throw new AppError('validation', 400, 'error.validation', {}, errors);
  }

  async createProject(p: Principal, input: ProjectCreate, requestId?: string): Promise<ProjectView> {
    assertInScope(p, { cityId: input.cityId, departmentId: input.ownerDepartment }, input.id);
    return this.write('plan_project', async (tx) => {
      if (await this.store.getProject(tx, input.id)) throw new AppError('conflict', 409, 'error.conflict.exists', { what: 'entity.keyProject', id: input.id });
      await this.checkProjectRefs(tx, input);
      await this.store.insertProject(tx, input);
      await this.store.replaceMilestones(tx, input.id, input.milestones.map((m, n) => ({ ...m, order: m.order ?? n + 1 })));
      const after = await this.getProject(input.id, tx);
      await appendAudit(tx, { principal: p, action: 'create', entityType: 'plan.keyProject', entityId: input.id, before: null, after, requestId: requestId ?? null });
      return after;
    });
  }

  async patchProject(p: Principal, id: string, patch: ProjectPatch, requestId?: string): Promise<ProjectView> {
    return this.write('plan_project', async (tx) => {
      const row = await this.store.getProject(tx, id, true);
      if (!row) throw notFound('entity.keyProject', id);
      // Both where the record is and where it would go must be inside the editor's scope.
      assertInScope(p, { cityId: row.city_id, departmentId: row.owner_department }, id);
      assertInScope(p, { cityId: patch.cityId ?? row.city_id, departmentId: patch.ownerDepartment ?? row.owner_department }, id);
      if (patch.version !== undefined && patch.version !== row.version) {
        throw new AppError('conflict', 409, 'error.conflict.version', { current: row.version, given: patch.version });
      }
      const before = await this.getProject(id, tx);
      await this.checkProjectRefs(tx, patch);
      await this.store.updateProject(tx, id, {
        number: patch.number ?? before.number,
        name: patch.name ?? before.name,
        description: patch.description ?? before.description,
        category: patch.category ?? before.category,
        cityId: patch.cityId ?? before.cityId,
        ownerDepartment: patch.ownerDepartment ?? before.ownerDepartment,
        status: patch.status ?? before.status,
        note: patch.note !== undefined ? patch.note : before.note,
      });
      if (patch.milestones) {
        await this.store.replaceMilestones(tx, id, patch.milestones.map((m, n) => ({ ...m, order: m.order ?? n + 1 })));
      }
      const after = await this.getProject(id, tx);
      await appendAudit(tx, { principal: p, action: 'update', entityType: 'plan.keyProject', entityId: id, before, after, requestId: requestId ?? null });
      return after;
    });
  }

  async deleteProject(p: Principal, id: string, requestId?: string): Promise<void> {
    await this.write('plan_project', async (tx) => {
      const row = await this.store.getProject(tx, id, true);
      if (!row) throw notFound('entity.keyProject', id);
      assertInScope(p, { cityId: row.city_id, departmentId: row.owner_department }, id);
      const before = await this.getProject(id, tx);
      await this.store.deleteProject(tx, id);
      await appendAudit(tx, { principal: p, action: 'delete', entityType: 'plan.keyProject', entityId: id, before, after: null, requestId: requestId ?? null });
    });
  }

  /**
   * Loads the bundled plan into an empty registry (first start). Existing records are left alone so
   * that edits made through the API survive restarts and upgrades.
   */
  async seed(plan: PlanFile): Promise<{ goals: number; projects: number }> {
    return this.write('*', async (tx) => {
      await this.store.insertNamed(tx, 'plan_category', plan.categories);
      await this.store.insertNamed(tx, 'plan_department', plan.departments);
      await this.store.insertPillars(tx, plan.pillars);
      if (!(await this.store.activeLightRule(tx))) await this.store.upsertLightRule(tx, plan.lightRule);
      let goals = 0;
      let projects = 0;
      for (const g of plan.goals) {
        if (await this.store.getGoal(tx, g.id)) continue;
        await this.store.insertGoal(tx, g);
        await this.store.replaceIndicators(tx, g.id, g.indicators.map((i, n) => ({ ...i, order: i.order ?? n + 1 })));
        goals++;
      }
      for (const kp of plan.keyProjects) {
        if (await this.store.getProject(tx, kp.id)) continue;
        await this.store.insertProject(tx, { ...kp, note: kp.note ?? null });
        await this.store.replaceMilestones(tx, kp.id, kp.milestones.map((m, n) => ({ ...m, order: m.order ?? n + 1 })));
        projects++;
      }
      return { goals, projects };
    });
  }
}

/** Orders plan numbers like "2", "3.5", "3.10" numerically part by part; unnumbered projects last. */
export function compareNumbers(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? -1;
    const y = pb[i] ?? -1;
    if (x !== y) return (Number.isNaN(x) ? 0 : x) - (Number.isNaN(y) ? 0 : y);
  }
  return 0;
}
