import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  type Connection,
  confineSqliteFile,
  isMetadataStoreRefusal,
  messageOf,
  openConnection,
  parseConnectionUrl,
  type SqliteFolder,
} from '@databridge/engine';
import type { ServerEnv } from '../env.ts';
import { ServiceError } from './service-error.ts';

/**
 * The folder the server opens SQLite files in, as the engine checks it at every opening. The data
 * folder itself is refused too whenever DATABRIDGE_SQLITE_DIR lies around it (`/srv` holding
 * `/srv/.databridge`): the store and the session secret are never a connection.
 */
export function sqliteFolderOf(env: ConfinementEnv): SqliteFolder {
  if (!env.sqliteDir) throw new ServiceError('internal', 'the server has no SQLite folder configured');
  const files = join(env.dataDir ?? '', 'files');
  const rel = relative(files, env.sqliteDir);
  const insideFiles = env.dataDir !== undefined && !rel.startsWith('..') && !isAbsolute(rel);
  return {
    folder: env.sqliteDir,
    except: insideFiles || env.dataDir === undefined ? [] : [env.dataDir],
    howToChange: 'set DATABRIDGE_SQLITE_DIR to change it',
    // A PostgreSQL store is refused as a connection, as the SQLite store file is.
    ...(env.databaseUrl ? { postgresStoreUrl: env.databaseUrl } : {}),
  };
}

/** What the confinement of a server's connections is made from. */
type ConfinementEnv = Pick<ServerEnv, 'sqliteDir' | 'dataDir'> & {
  readonly databaseUrl?: string | undefined;
};

/**
 * A 400 naming `field` unless `url` is a server's database or an SQLite file inside the allowed
 * folder. Checked when a connection is saved and before every opening; the engine checks again as it
 * opens the file. Returns the confinement to open the URL with: for an SQLite URL, and for any URL
 * while the store is PostgreSQL (the engine then refuses the store's database as it connects);
 * undefined otherwise.
 */
export function checkSqliteLocation(
  env: ConfinementEnv,
  url: string,
  field: string,
): SqliteFolder | undefined {
  const settings = parseConnectionUrl(url);
  if (settings.dialect !== 'sqlite') return env.databaseUrl ? sqliteFolderOf(env) : undefined;
  const folder = sqliteFolderOf(env);
  try {
    confineSqliteFile(settings.database, folder);
  } catch (error) {
    throw new ServiceError('bad_input', `${field}: ${messageOf(error)}`, { cause: error, field });
  }
  return folder;
}

/**
 * A 400 naming `field` when a PostgreSQL `url` being saved leads to the server's own PostgreSQL
 * store. Only a URL naming the store's database is looked at (one short connection, 5 s at most); a
 * server that cannot be reached now is left to the check at every opening.
 */
export async function checkNotTheStore(env: ConfinementEnv, url: string, field: string): Promise<void> {
  if (!env.databaseUrl) return;
  const settings = parseConnectionUrl(url);
  if (settings.dialect !== 'postgres') return;
  if (settings.database !== parseConnectionUrl(env.databaseUrl).database) return;
  let connection: Connection | undefined;
  let timedOut = false;
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 5_000, 'timeout').unref());
  try {
    const opening = openConnection(url, { poolSize: 1, sqliteFolder: sqliteFolderOf(env) });
    // An opening that arrives after the wait is closed then.
    opening.then((late) => (timedOut ? late.close() : undefined)).catch(() => {});
    const opened = await Promise.race([opening, timeout]);
    if (opened === 'timeout') timedOut = true;
    else connection = opened;
  } catch (error) {
    if (isMetadataStoreRefusal(error)) {
      throw new ServiceError('bad_input', `${field}: ${messageOf(error)}`, { cause: error, field });
    }
  } finally {
    await connection?.close().catch(() => {});
  }
}

/** A database file in the SQLite folder, as the connection form lists them. */
export interface SqliteFileView {
  readonly name: string;
  /** Absolute path, as a connection's `file`. */
  readonly path: string;
  readonly bytes: number;
  readonly modifiedAt: string;
}

const DATABASE_NAME = /\.(sqlite3?|db)$/i;

/** The `.sqlite`, `.sqlite3` and `.db` files of the SQLite folder (created, 0700, when missing), by name. */
export function listSqliteFiles(env: Pick<ServerEnv, 'sqliteDir'>): {
  folder: string;
  files: SqliteFileView[];
} {
  const folder = configuredFolder(env);
  const files: SqliteFileView[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isFile() || !DATABASE_NAME.test(entry.name)) continue;
    const stat = statSync(join(folder, entry.name));
    files.push({
      name: entry.name,
      path: join(folder, entry.name),
      bytes: stat.size,
      modifiedAt: stat.mtime.toISOString(),
    });
  }
  return { folder, files: files.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** Upload limit: 1 GiB, enough for a file a browser can send and well below a full disk. */
export const MAX_SQLITE_UPLOAD_BYTES = 1024 ** 3;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Writes an uploaded SQLite database into the SQLite folder as `name` (mode 0600). Refused: a name
 * with a path part or without a `.sqlite`/`.sqlite3`/`.db` ending, an existing file (`conflict`), a
 * body over `maxBytes` (default 1 GiB) or one that is not an SQLite database. Nothing is left behind
 * on a refusal.
 */
export async function saveSqliteUpload(
  env: Pick<ServerEnv, 'sqliteDir'>,
  name: string,
  body: AsyncIterable<Uint8Array>,
  maxBytes = MAX_SQLITE_UPLOAD_BYTES,
): Promise<SqliteFileView> {
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,199}$/.test(name) || name.includes('..')) {
    throw new ServiceError(
      'bad_input',
      'name: use a plain file name (letters, digits, spaces, dots, dashes, underscores; no folder)',
    );
  }
  if (!DATABASE_NAME.test(name)) {
    throw new ServiceError('bad_input', 'name: must end with .sqlite, .sqlite3 or .db');
  }
  const folder = configuredFolder(env);
  const path = join(folder, name);
  let written = 0;
  let head = Buffer.alloc(0);
  async function* bounded(source: AsyncIterable<Uint8Array>) {
    for await (const chunk of source) {
      written += chunk.byteLength;
      if (written > maxBytes) {
        throw new ServiceError(
          'bad_input',
          `body: the file is larger than ${Math.round(maxBytes / 1024 ** 2)} MB`,
        );
      }
      if (head.length < SQLITE_HEADER.length) head = Buffer.concat([head, Buffer.from(chunk)]);
      yield chunk;
    }
  }
  let handle: FileHandle;
  try {
    // `wx`: never replaces a file, and fails on a link planted under the name. Opened before any
    // byte is read, so a refusal below always finds the file to remove.
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ServiceError(
        'conflict',
        `name: ${name} already exists in ${folder}; pick it from the list or rename the upload`,
      );
    }
    throw new ServiceError('internal', 'the upload could not be written', { cause: error });
  }
  try {
    await pipeline(bounded(body), handle.createWriteStream());
  } catch (error) {
    await handle.close().catch(() => {});
    unlinkQuietly(path);
    throw error instanceof ServiceError
      ? error
      : new ServiceError('internal', 'the upload could not be written', { cause: error });
  }
  if (!head.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER)) {
    unlinkQuietly(path);
    throw new ServiceError('bad_input', 'body: the file is not an SQLite database');
  }
  const stat = statSync(path);
  return { name, path, bytes: stat.size, modifiedAt: stat.mtime.toISOString() };
}

/** The SQLite folder, created (0700) when missing. */
function configuredFolder(env: Pick<ServerEnv, 'sqliteDir'>): string {
  if (!env.sqliteDir) throw new ServiceError('internal', 'the server has no SQLite folder configured');
  const folder = resolve(env.sqliteDir);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  return folder;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
