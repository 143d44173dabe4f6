import fs from 'node:fs';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, type Generated, type ColumnType } from 'kysely';
import { DataDirLock } from './db-lock.ts';

// DATE stays a 'YYYY-MM-DD' string (no time-zone shift); NUMERIC and BIGINT counts become numbers.
pg.types.setTypeParser(1082, (v: string) => v);
pg.types.setTypeParser(1700, (v: string) => Number(v));
pg.types.setTypeParser(20, (v: string) => Number(v));

export type Json = ColumnType<unknown, string, string>;

/** Tables owned by the platform itself; each domain adds its own with `db.withTables<…>()`. */
export type PlatformTables = {
  auth_token: {
    id: string;
    label: string | null;
    role: string;
    city_id: string | null;
    department_id: string | null;
    token_hash: string;
    created_at: Generated<Date>;
    created_by: string | null;
    revoked_at: Date | null;
  };
  audit_log: {
    id: Generated<number>;
    at: Generated<Date>;
    actor_token_id: string | null;
    actor_label: string | null;
    actor_role: string | null;
    action: string;
    entity_type: string;
    entity_id: string;
    before: Json | null;
    after: Json | null;
    request_id: string | null;
  };
  city: {
    id: string;
    name_zh: string;
    name_en: string;
    province: string;
    lat: number;
    lon: number;
    population_m: number | null;
  };
  app_meta: { key: string; value: string };
};

export type Db = Kysely<PlatformTables>;

export type DbHandle = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data lives: the PGlite directory or the PostgreSQL URL without password. */
  location: string;
  lock: DataDirLock | null;
  close(): Promise<void>;
};

export type OpenDbOptions = {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Shown to anyone who finds the data directory locked. */
  command: string;
  poolSize?: number;
};

export async function openDb(opts: OpenDbOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle connection closed by the server (restart, failover, pg_terminate_backend) must not take the
    // process down: the pool drops that client and opens a new one on the next query.
    pool.on('error', (err) => process.emitWarning(`PostgreSQL idle connection lost: ${err.message}`));
    const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) });
    const u = new URL(opts.databaseUrl);
    u.password = '';
    return { db, kind: 'postgres', location: u.toString(), lock: null, close: () => db.destroy() };
  }
  const lock = DataDirLock.acquire(opts.dataDir, opts.command);
  try {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const pglite = await PGlite.create({ dataDir: opts.dataDir });
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 } as pg.PoolConfig);
    const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'pglite',
      location: opts.dataDir,
      lock,
      async close() {
        await db.destroy();
        await pglite.close();
        lock.release();
      },
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}
