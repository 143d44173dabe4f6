/** Public face of the warning linkage (区域联动): joint warnings, notifications over SSE, MQTT and webhooks, acknowledgements, the board. */
export { linkageMigrations } from './migrations.ts';
export { LinkageStore, type LinkageDb, type LinkageTables } from './linkage.store.ts';
export { LinkageService, type LinkageOptions } from './linkage.service.ts';
export { linkageRoutes } from './linkage.routes.ts';
export { actionFor, warningLevels, type WarningLevel, type WarningAction } from './model.ts';
