import fs from 'node:fs';
import crypto from 'node:crypto';
import { type Config } from './platform/config.ts';
import { openDb, type DbHandle } from './platform/db.ts';
import { migrateToLatest } from './platform/migrate.ts';
import { ChangeFeed } from './platform/changes.ts';
import { ResponseCache } from './platform/response-cache.ts';
import { allMigrations } from './migrations.ts';
import { buildApp, type App } from './http/app.ts';
import { platformRoutes } from './http/platform.routes.ts';
import { geoRoutes, readCities, seedCities } from './geo/geo.routes.ts';
import { PlanService, PlanStore, planFile, planRoutes, type PlanTables } from './plan/index.ts';
import { TransitPlanner, TransitService, TransitStore, transitRoutes, type TransitDb } from './transit/index.ts';
import { AirMqttSubscriber, AirService, AirStore, airRoutes, loadAirDemo, type AirDb } from './air/index.ts';
import { AirAqi, airAqiRoutes } from './air/air.aqi.ts';
import { loadWarningRules } from './air/warnings/evaluate.ts';
import { ForecastService, ForecastStore, forecastRoutes, loadForecastModel, type ForecastDb } from './air/forecasts/index.ts';
import { LinkageService, LinkageStore, linkageRoutes, type LinkageTables } from './air/linkage/index.ts';
import type { Principal } from './platform/auth.ts';
import { projectRoot } from './platform/config.ts';
import path from 'node:path';

export const version: string = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
export const planDataPath = path.join(projectRoot, 'data', 'plan', 'plan.json');
export const jjjFeedsDir = path.join(projectRoot, 'data', 'jjj');
export const airDemoDir = path.join(projectRoot, 'data', 'air');
export const illustrativeLabel = { zh: '示意时刻表，依据公开报道的运行时间编制', en: 'illustrative schedule built from published travel times' };
const seedPrincipal: Principal = { tokenId: 'system-seed', label: 'bundled dataset', role: 'admin', scope: { cityId: null, departmentId: null } };

export type Platform = {
  handle: DbHandle;
  changes: ChangeFeed;
  cache: ResponseCache;
  plan: PlanService;
  transit: TransitService;
  planner: TransitPlanner;
  air: AirService;
  aqi: AirAqi;
  forecasts: ForecastService;
  /** The MQTT subscriber of `xietong serve` when XIETONG_MQTT_URL is set. */
  airMqtt: AirMqttSubscriber | null;
  /** Joint warnings and regional linkage; `start()` (in `xietong serve`) runs its MQTT and webhook delivery. */
  linkage: LinkageService;
  close(): Promise<void>;
};

/**
 * Opens storage, runs migrations and wires the domain services. On PostgreSQL a serving process listens for
 * other processes' changes (caches, warning streams); a one-shot CLI command passes `listen: false` and
 * opens no listening connection.
 */
export async function openPlatform(config: Config, command: string, opts: { now?: () => Date; listen?: boolean } = {}): Promise<Platform> {
  const handle = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, command });
  try {
    await migrateToLatest(handle.db, allMigrations);
  } catch (e) {
    await handle.close();
    throw e;
  }
  const changes = new ChangeFeed();
  const cache = new ResponseCache(changes);
  if (config.databaseUrl && opts.listen !== false) {
    try {
      await changes.listen(config.databaseUrl);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }
  const announce = (table: string) => changes.announce(table);
  const plan = new PlanService(new PlanStore(handle.db.withTables<PlanTables>()), opts.now, announce);
  const transit = new TransitService(new TransitStore(handle.db as unknown as TransitDb), announce);
  const planner = new TransitPlanner(transit, config.walkRadius, opts.now);
  const air = new AirService(new AirStore(handle.db as unknown as AirDb), announce);
  const aqi = new AirAqi(air.store);
  const forecasts = new ForecastService(new ForecastStore(handle.db as unknown as ForecastDb), aqi, loadForecastModel(path.join(airDemoDir, 'forecast-model.json')), opts.now);
  const linkage = new LinkageService(new LinkageStore(handle.db.withTables<LinkageTables>()), {
    ...(opts.now ? { now: opts.now } : {}),
    announce,
    changes,
    mqtt: config.mqtt ? { url: config.mqtt.url, prefix: config.warningTopicPrefix } : null,
    delivery: { maxAttempts: config.webhookMaxAttempts, timeoutMs: config.webhookTimeoutMs, allowPrivateNetworks: config.webhookAllowPrivate },
    heartbeatMs: config.sseHeartbeatMs,
  });
  const platform: Platform = {
    handle,
    changes,
    cache,
    plan,
    transit,
    planner,
    air,
    aqi,
    forecasts,
    airMqtt: null,
    linkage,
    async close() {
      await platform.airMqtt?.stop();
      platform.airMqtt = null;
      await linkage.close();
      await changes.close();
      await handle.close();
    },
  };
  return platform;
}

export type SeedReport = { cities: number; goals: number; projects: number; feeds: string[]; skipped: boolean; air?: { stations: number; observations: number } };

/** Loads the bundled regional dataset: at first start, or on demand with `force`. */
export async function seedPlatform(p: Platform, force = false): Promise<SeedReport> {
  const db = p.handle.db;
  const done = await db.selectFrom('app_meta').select('value').where('key', '=', 'seed.version').executeTakeFirst();
  if (done && !force) return { cities: 0, goals: 0, projects: 0, feeds: [], skipped: true };
  const cities = readCities();
  await seedCities(db, cities);
  const parsed = planFile.safeParse(JSON.parse(fs.readFileSync(planDataPath, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${planDataPath} is invalid:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const r = await p.plan.seed(parsed.data);
  // The illustrative regional rail network: each folder of data/jjj is one operator's feed.
  const feeds: string[] = [];
  const stored = new Set((await p.transit.listFeeds()).map((f) => f.id));
  for (const dir of fs.readdirSync(jjjFeedsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    if (stored.has(dir)) continue;
    const out = await p.transit.importFeed(seedPrincipal, path.join(jjjFeedsDir, dir), { feedId: dir, label: illustrativeLabel, sourceName: `data/jjj/${dir}` });
    if (!out.imported) throw new Error(`bundled feed data/jjj/${dir} is invalid: ${out.report.errors} errors`);
    feeds.push(dir);
  }
  // The bundled air-quality slice: stations, the two national snapshots, the December 2016 Beijing episode.
  const airStored = await p.air.store.listStations({ limit: 1, offset: 0 });
  const air = airStored.total === 0 ? await loadAirDemo(p.air, seedPrincipal, airDemoDir) : undefined;
  await db
    .insertInto('app_meta')
    .values({ key: 'seed.version', value: String(parsed.data.version) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(parsed.data.version) }))
    .execute();
  return { cities: cities.length, ...r, feeds, skipped: false, ...(air ? { air } : {}) };
}

export async function createApp(config: Config, p: Platform, opts: { localSecret?: string | null; logger?: boolean } = {}): Promise<App> {
  return buildApp(
    { config, db: p.handle.db, dbKind: p.handle.kind, version, localSecret: opts.localSecret ?? null, ...(opts.logger !== undefined ? { logger: opts.logger } : {}) },
    [
      (app, d) => platformRoutes(d.db, d.verifier)(app),
      (app, d) => geoRoutes(d.db)(app),
      (app) => planRoutes(p.plan, p.cache)(app),
      (app) => transitRoutes(p.transit, p.planner, config.feedUploadLimit)(app),
      (app) => airRoutes(p.air, { bodyLimit: config.airBodyLimit, maxRows: config.airMaxRows, mqtt: () => p.airMqtt })(app),
      (app) => airAqiRoutes(p.aqi)(app),
      (app) => forecastRoutes(p.forecasts, p.aqi, loadWarningRules(path.join(airDemoDir, 'warning-rules.json')), { bodyLimit: config.airBodyLimit, maxRows: config.airMaxRows })(app),
      (app) => linkageRoutes(p.linkage)(app),
    ],
  );
}

export type RunningServer = { app: App; platform: Platform; url: string; stop(): Promise<void> };

/** `xietong serve`: storage, migrations, first-start seed, HTTP. */
export async function startServer(config: Config): Promise<RunningServer> {
  const platform = await openPlatform(config, `xietong serve (port ${config.port})`);
  let app: App | null = null;
  try {
    if (config.seed === 'auto') await seedPlatform(platform);
    // In embedded mode the CLI on this machine writes through the API with a secret only it can read.
    const localSecret = platform.handle.lock ? `xtl_${crypto.randomBytes(32).toString('base64url')}` : null;
    app = await createApp(config, platform, { localSecret });
    if (config.mqtt) {
      const sub = new AirMqttSubscriber(platform.air, config.mqtt, app.log);
      platform.airMqtt = sub;
      await sub.start();
    }
    platform.linkage.start(app.log);
    await app.listen({ port: config.port, host: config.host });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
    if (platform.handle.lock && localSecret) {
      const secretFile = `${platform.handle.lock.lockPath.replace(/\.lock$/, '')}.control`;
      fs.writeFileSync(secretFile, localSecret, { mode: 0o600 });
      platform.handle.lock.update({ serverUrl: url, controlSecretFile: secretFile });
    }
    const running = app;
    return {
      app: running,
      platform,
      url,
      async stop() {
        // Stop taking MQTT messages first: what arrived is committed and acknowledged before the pool closes.
        await platform.airMqtt?.stop();
        platform.airMqtt = null;
        await running.close();
        await platform.close();
      },
    };
  } catch (e) {
    if (app) await app.close().catch(() => {});
    await platform.close();
    throw e;
  }
}
