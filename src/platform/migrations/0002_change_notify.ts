import { sql, type Kysely } from 'kysely';
import { notifyFunctionSql } from '../changes.ts';

/** The trigger function domains attach to tables whose changes invalidate response caches. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(notifyFunctionSql).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS xietong_notify_change()`.execute(db);
}
