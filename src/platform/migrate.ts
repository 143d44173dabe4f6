import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';

export type NamedMigrations = Record<string, Migration>;

/** Runs every pending migration (names sort in order: '0001_…', '0100_…'); throws with the failing name. */
export async function migrateToLatest(db: Kysely<any>, migrations: NamedMigrations): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'xietong_migration',
    migrationLockTableName: 'xietong_migration_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? '?';
    throw new Error(`Migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}
