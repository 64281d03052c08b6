import { resolve } from 'node:path';
import { maskPassword, parseConnectionUrl } from '@databridge/engine';
import { type Kysely, sql } from 'kysely';
import { StoreError } from './errors.ts';
import { migrateStore } from './migrate.ts';
import { connectPostgres } from './postgres-connect.ts';
import type { StoreDialect } from './schema/column-types.ts';
import type { Database } from './schema/database.ts';
import { createSecretBox, type SecretBox } from './secret-box.ts';
import { connectSqlite } from './sqlite-connect.ts';

export interface StoreOptions {
  /** `postgres://…` (DATABASE_URL). Unset or empty: an SQLite file in `dataDir`. */
  readonly databaseUrl?: string | undefined;
  /** The data folder, e.g. `.databridge/`; the SQLite store is `<dataDir>/databridge.sqlite`. */
  readonly dataDir: string;
  /** SESSION_SECRET: at least 32 characters; connection URLs are encrypted under a key derived from it. */
  readonly sessionSecret: string;
}

/** An open metadata store. Every repository function takes one as its first argument. */
export interface Store {
  /** The query builder; a repository may be handed a transaction's in its place. */
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  readonly secrets: SecretBox;
  /** Where the metadata lives, safe to print: the masked URL or the SQLite file. */
  readonly location: string;
  /** The migrations this open applied, oldest first; empty when the schema was already current. */
  readonly appliedMigrations: readonly string[];
  close(): Promise<void>;
}

export const SQLITE_FILE_NAME = 'databridge.sqlite';

/**
 * Opens the metadata store and migrates it (one store per process is enough: it pools its
 * connections) to the current schema. Throws `bad_input` for a short
 * SESSION_SECRET or a DATABASE_URL that is not PostgreSQL, `unavailable` when the database does not
 * answer, `migration_failed` when the schema cannot be brought up to date.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = await connectStore(options);
  try {
    const migrate = () => migrateStore(store.db, store.dialect);
    const applied = store.dialect === 'sqlite' ? await oneAtATime(store.location, migrate) : await migrate();
    return { ...store, appliedMigrations: applied };
  } catch (error) {
    await store.close();
    throw error;
  }
}

const sqliteMigrations = new Map<string, Promise<unknown>>();

/**
 * Two opens of one SQLite file in one process take turns migrating: better-sqlite3 waits for the
 * file's write lock synchronously, which would stall the event loop the first open needs to finish.
 */
function oneAtATime<T>(file: string, work: () => Promise<T>): Promise<T> {
  const turn = (sqliteMigrations.get(file) ?? Promise.resolve()).then(work, work);
  sqliteMigrations.set(file, turn);
  const done = () => {
    if (sqliteMigrations.get(file) === turn) sqliteMigrations.delete(file);
  };
  turn.then(done, done);
  return turn;
}

/** Opens the store without migrating it (tests and tools that migrate step by step). */
export async function connectStore(options: StoreOptions): Promise<Store> {
  const secrets = createSecretBox(options.sessionSecret);
  const url = options.databaseUrl?.trim();
  const dialect: StoreDialect = url ? 'postgres' : 'sqlite';
  if (url && parseConnectionUrl(url).dialect !== 'postgres') {
    throw new StoreError('bad_input', `DATABASE_URL must be a postgres:// URL, not "${maskPassword(url)}"`);
  }
  const location = url ? maskPassword(url) : resolve(options.dataDir, SQLITE_FILE_NAME);
  let db: Kysely<Database> | undefined;
  try {
    db = url ? connectPostgres(url) : connectSqlite(location);
    await sql`select 1`.execute(db);
  } catch (cause) {
    await db?.destroy();
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new StoreError('unavailable', `Cannot open the metadata store at ${location}: ${reason}`, {
      cause,
    });
  }
  const open = db;
  return { db: open, dialect, secrets, location, appliedMigrations: [], close: () => open.destroy() };
}

/** One small query on the metadata database: resolves when it answers, throws what the driver threw when not. */
export async function pingStore(store: Store): Promise<void> {
  await store.db.selectFrom('connections').select('id').limit(1).execute();
}
