import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { createToken, type Role, type Scope } from '../../src/platform/auth.ts';
import { openPlatform, seedPlatform, createApp, type Platform } from '../../src/server.ts';
import type { App } from '../../src/http/app.ts';

/** Which database the integration suite runs on: `XIETONG_TEST_DB=pglite|postgres` (set by scripts/run-tests.mjs). */
export const testDb = (process.env.XIETONG_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';
export const pgAdminUrl = process.env.XIETONG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestEnv = {
  config: Config;
  platform: Platform;
  app: App;
  token(role: Role, scope?: Partial<Scope>, label?: string): Promise<string>;
  close(): Promise<void>;
};

/** A fresh, empty database of the selected kind: a temp PGlite directory or a new PostgreSQL database. */
export async function freshDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (testDb === 'postgres') {
    const name = `xt_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgAdminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(pgAdminUrl);
    u.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: u.toString() },
      async drop() {
        const c = new pg.Client({ connectionString: pgAdminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xt-test-'));
  return { env: { XIETONG_DATA_DIR: path.join(dir, 'db') }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function startTestEnv(opts: { env?: Record<string, string>; now?: () => Date; seed?: boolean } = {}): Promise<TestEnv> {
  const dbEnv = await freshDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', ...dbEnv.env, ...opts.env });
  const platform = await openPlatform(config, 'integration test', opts.now ? { now: opts.now } : {});
  if (opts.seed !== false) await seedPlatform(platform);
  const app = await createApp(config, platform, { logger: false });
  await app.ready();
  return {
    config,
    platform,
    app,
    async token(role, scope = {}, label) {
      const r = await createToken(platform.handle.db, {
        role,
        scope: { cityId: scope.cityId ?? null, departmentId: scope.departmentId ?? null },
        label: label ?? `${role} test`,
        createdBy: null,
      });
      return r.token;
    },
    async close() {
      await app.close();
      await platform.close();
      await dbEnv.drop();
    },
  };
}

export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export function readJson<T>(rel: string): T {
  return JSON.parse(fs.readFileSync(path.join(projectRoot, rel), 'utf8')) as T;
}
