/** Public face of the plan domain: goals, indicators, key projects and their status lights. */
export { planMigrations } from './migrations.ts';
export { PlanService, PLAN_CITY, shanghaiDate } from './plan.service.ts';
export { PlanStore, type PlanTables } from './plan.store.ts';
export { planRoutes } from './plan.routes.ts';
export { planFile, type PlanFile } from './model.ts';
export { evaluateLight, type LightRule } from './engine/light.engine.ts';
