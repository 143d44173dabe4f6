export { forecastMigrations } from './migrations.ts';
export { ForecastStore, type ForecastTables, type ForecastDb } from './forecast.store.ts';
export { ForecastService, loadForecastModel } from './forecast.service.ts';
export { forecastRoutes } from './forecast.routes.ts';
