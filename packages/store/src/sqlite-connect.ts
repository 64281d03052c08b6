import { dirname } from 'node:path';
import { makePrivateDir, makePrivateFile } from '@databridge/engine';
import Database from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type Driver, Kysely, SqliteDialect } from 'kysely';
import type { Database as Tables } from './schema/database.ts';

/**
 * The embedded store: one SQLite file. WAL lets the web server read while an executor writes;
 * foreign keys are off in SQLite unless asked for, and the cascades depend on them.
 */
export function connectSqlite(file: string): Kysely<Tables> {
  // The store holds password hashes and encrypted credentials: 0600 in a 0700 folder.
  makePrivateDir(dirname(file));
  makePrivateFile(file);
  const database = new Database(file, { timeout: 10_000 });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  return new Kysely<Tables>({ dialect: new ImmediateSqliteDialect({ database }) });
}

/**
 * Transactions that take the write lock when they begin (`BEGIN IMMEDIATE`). A deferred transaction
 * that reads and then writes fails at once with "database is locked" when another process wrote in
 * between (WAL cannot upgrade a stale read snapshot, and does not wait): the server, a scheduler and
 * workers on one SQLite file do exactly that. An immediate one waits its turn (the 10 s timeout).
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}
