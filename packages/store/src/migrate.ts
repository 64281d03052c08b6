import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely';
import { StoreError } from './errors.ts';
import { migrationsFor } from './migrations/migrations.ts';
import type { StoreDialect } from './schema/column-types.ts';

/**
 * Brings the schema up to date (or to the migration named `to`) and returns the names of the
 * migrations this call applied, oldest first: none when the schema was already current.
 *
 * Two processes starting at once never both migrate. On PostgreSQL Kysely's migrator holds a
 * session advisory lock and runs the pending migrations in one transaction; on SQLite the whole run
 * happens inside `BEGIN IMMEDIATE`, which takes the file's write lock (the other process waits up to
 * the busy timeout) and rolls back whole if a migration fails.
 */
export async function migrateStore<DB>(
  db: Kysely<DB>,
  dialect: StoreDialect,
  options: { to?: string } = {},
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor(dialect) } });
  const run = () => (options.to ? migrator.migrateTo(options.to) : migrator.migrateToLatest());
  const outcome = dialect === 'sqlite' ? await withSqliteWriteLock(db, run) : await run();
  if (outcome.error) {
    const failed = outcome.results?.find((r) => r.status === 'Error')?.migrationName;
    const detail = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    throw new StoreError(
      'migration_failed',
      `Cannot bring the metadata store up to date${failed ? ` (migration ${failed})` : ''}: ${detail}`,
      { cause: outcome.error },
    );
  }
  return (outcome.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function withSqliteWriteLock<DB>(
  db: Kysely<DB>,
  run: () => Promise<MigrationResultSet>,
): Promise<MigrationResultSet> {
  await sql`begin immediate`.execute(db);
  let outcome: MigrationResultSet;
  try {
    outcome = await run();
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  }
  await sql.raw(outcome.error ? 'rollback' : 'commit').execute(db);
  return outcome;
}
