import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as Tables } from './schema/database.ts';

/**
 * The embedded store: one SQLite file. WAL lets the web server read while an executor writes;
 * foreign keys are off in SQLite unless asked for, and the cascades depend on them.
 */
export function connectSqlite(file: string): Kysely<Tables> {
  mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file, { timeout: 10_000 });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  return new Kysely<Tables>({ dialect: new SqliteDialect({ database }) });
}
