import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type {
  Capabilities,
  Checkpoint,
  Connection,
  ConnectOptions,
  Dialect,
  SourceSnapshot,
} from '../connectors/connection.ts';
import type { ConnectionSettings } from '../connectors/url.ts';
import { DataBridgeError } from '../errors.ts';
import type { DatabaseSchema } from '../schema/model.ts';
import type { Value } from '../values.ts';
import { SqliteBulkLoader } from './sqlite-bulk-loader.ts';
import { CREATE_CHECKPOINT_TABLE, readCheckpoints } from './sqlite-checkpoints.ts';
import { sqliteConnector } from './sqlite-connector.ts';
import { sqliteDialect } from './sqlite-dialect.ts';
import { bindable } from './sqlite-encode.ts';
import { toDataBridgeError } from './sqlite-errors.ts';
import { openHandles, type SqliteHandles } from './sqlite-handles.ts';
import { introspectSqlite } from './sqlite-introspector.ts';
import { DEFAULT_LOCK_WAIT_MS, type LockWait, withWriteLockOf } from './sqlite-lock-wait.ts';
import { SqliteReader } from './sqlite-reader.ts';
import { confineSqliteFile } from './sqlite-server-guard.ts';
import { StatementCache } from './sqlite-statements.ts';
import { storedValue } from './sqlite-values.ts';
import { type SharedWriteLock, sharedWriteLock, type WriteLock } from './sqlite-write-lock.ts';

/** Query results as objects, with integers as numbers when safe and strings of digits otherwise. */
function plainRows(rows: unknown[]): Record<string, unknown>[] {
  return (rows as Record<string, unknown>[]).map((row) => {
    for (const key of Object.keys(row)) row[key] = storedValue(row[key]);
    return row;
  });
}

/**
 * A SQLite database file: one read handle (WAL readers see committed data and never wait) and one
 * write handle shared in turn by load sessions under a write lock, one per file for the whole process
 * (sqlite-write-lock.ts), then SQLite's own lock (sqlite-lock-wait.ts). `poolSize` does not apply:
 * better-sqlite3 is synchronous, so more handles would not read any faster.
 */
export class SqliteConnection implements Connection {
  readonly dialect: Dialect = sqliteDialect;
  readonly capabilities: Capabilities = sqliteConnector.capabilities;
  readonly displayUrl: string;
  readonly reader: SqliteReader;
  readonly loader: SqliteBulkLoader;
  readonly #handles: SqliteHandles;
  readonly #shared: SharedWriteLock;
  readonly #lock: WriteLock;
  readonly #wait: LockWait;

  private constructor(handles: SqliteHandles, lockWaitMs: number) {
    this.#handles = handles;
    this.#shared = sharedWriteLock(handles.file);
    this.#lock = this.#shared.lock;
    this.#wait = { db: handles.write, file: handles.file, waitMs: lockWaitMs };
    this.displayUrl = `sqlite:${handles.file}`;
    this.reader = new SqliteReader(handles.read, new StatementCache(handles.read));
    this.loader = new SqliteBulkLoader(
      handles.write,
      this.#lock,
      new StatementCache(handles.write),
      this.#wait,
    );
  }

  /**
   * Opens (or creates) the file `settings.database`, or `:memory:`. A file is created only when its
   * folder exists; a missing folder is `connection_failed` naming the path, and so is a file that is
   * not an SQLite database.
   */
  static async open(settings: ConnectionSettings, options: ConnectOptions = {}): Promise<SqliteConnection> {
    // On a server the file is checked here, at every opening, not only when the URL was saved: a file
    // swapped for a symlink since then must not get through.
    const file = options.sqliteFolder
      ? confineSqliteFile(settings.database, options.sqliteFolder)
      : settings.database;
    if (file !== ':memory:' && !existsSync(dirname(resolve(file)))) {
      throw new DataBridgeError(
        'connection_failed',
        `Cannot open SQLite file ${file}: the folder ${dirname(resolve(file))} does not exist`,
      );
    }
    const handles = openHandles(file, { guarded: options.sqliteFolder !== undefined });
    return new SqliteConnection(handles, options.sqliteLockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
  }

  async introspect(options?: { schemas?: readonly string[] }): Promise<DatabaseSchema> {
    try {
      return await introspectSqlite(this.#handles.read, options);
    } catch (error) {
      throw toDataBridgeError(error, { action: `Reading the schema of ${this.#handles.file}` });
    }
  }

  /**
   * Reading statements run on the read handle. Anything that writes waits for the write lock: called
   * while a load session of this connection is open, it runs once that session ends.
   */
  async query(sql: string, params: readonly Value[] = []): Promise<Record<string, unknown>[]> {
    const values = params.map(bindable);
    const { read, write } = this.#handles;
    try {
      const statement = read.prepare(sql);
      if (statement.readonly && statement.reader) {
        return plainRows(statement.safeIntegers(true).all(...values));
      }
      return await this.#lock.with(() =>
        // One statement, undone whole when SQLite finds its lock taken: safe to try again.
        withWriteLockOf(this.#wait, () => {
          const writing = write.prepare(sql);
          if (writing.reader) return plainRows(writing.safeIntegers(true).all(...values));
          writing.run(...values);
          return [];
        }),
      );
    } catch (error) {
      throw toDataBridgeError(error);
    }
  }

  async ensureCheckpointTable(): Promise<void> {
    try {
      await this.#lock.with(() =>
        withWriteLockOf(this.#wait, () => this.#handles.write.exec(CREATE_CHECKPOINT_TABLE)),
      );
    } catch (error) {
      throw toDataBridgeError(error, { action: 'Creating the checkpoint table' });
    }
  }

  async readCheckpoints(runId: string): Promise<Checkpoint[]> {
    try {
      return readCheckpoints(this.#handles.read, runId);
    } catch (error) {
      throw toDataBridgeError(error, { action: 'Reading checkpoints' });
    }
  }

  /**
   * One read transaction on the read handle, which every stream of this connection reads through:
   * all of them see one state of the file until release. In WAL mode writers go on meanwhile; in
   * rollback-journal mode SQLite makes them wait for the release (or give up with "database is
   * locked" after their busy timeout). An in-memory database has no other writer: nothing to hold.
   */
  async openSnapshot(): Promise<SourceSnapshot> {
    const { read, write } = this.#handles;
    const snapshot = { id: 'sqlite-read-transaction', kind: 'one_snapshot', withoutSnapshot: [] } as const;
    if (read === write) return { ...snapshot, release: async () => {} };
    if (read.inTransaction)
      throw new DataBridgeError('internal', 'a snapshot of this source is open already');
    try {
      read.exec('BEGIN');
      // A deferred transaction takes its snapshot at its first read.
      read.prepare('SELECT count(*) FROM main.sqlite_schema').get();
    } catch (error) {
      if (read.inTransaction) read.exec('ROLLBACK');
      throw toDataBridgeError(error, { action: `Opening a read transaction on ${this.#handles.file}` });
    }
    return {
      ...snapshot,
      release: async () => {
        if (read.open && read.inTransaction) read.exec('COMMIT');
      },
    };
  }

  async close(): Promise<void> {
    const { read, write } = this.#handles;
    this.reader.closeStreams();
    if (read !== write && read.open) read.close();
    if (write.open) write.close();
    this.#shared.forget();
  }
}
