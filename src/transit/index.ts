/** Public face of the transit domain: GTFS feeds, the regional network and the journey planner. */
export { transitMigrations } from './migrations.ts';
export { TransitStore, type TransitDb } from './transit.store.ts';
export { TransitService, assertTransitWriter, type ImportResult } from './transit.service.ts';
export { TransitPlanner, planToGeoJson, type PlanQuery, type PlanResult } from './transit.planner.ts';
export { transitRoutes } from './transit.routes.ts';
export { readFeed, formatReport, feedIdFromPath } from './gtfs/reader.ts';
