import * as platform0001 from './platform/migrations/0001_platform.ts';
import * as platform0002 from './platform/migrations/0002_change_notify.ts';
import type { NamedMigrations } from './platform/migrate.ts';
import { planMigrations } from './plan/index.ts';
import { transitMigrations } from './transit/index.ts';
import { airMigrations } from './air/index.ts';
import { linkageMigrations } from './air/linkage/index.ts';
import { forecastMigrations } from './air/forecasts/index.ts';

/** Every migration of the platform and its domains, in name order. */
export const allMigrations: NamedMigrations = {
  '0001_platform': platform0001,
  '0002_change_notify': platform0002,
  ...planMigrations,
  ...transitMigrations,
  ...airMigrations,
  ...linkageMigrations,
  ...forecastMigrations,
};
