import Database from 'better-sqlite3';
import { toDataBridgeError } from './sqlite-errors.ts';
import { guardStatements } from './sqlite-server-guard.ts';

/** The two better-sqlite3 handles of one connection; the same handle twice for `:memory:`. */
export interface SqliteHandles {
  readonly file: string;
  readonly read: Database.Database;
  readonly write: Database.Database;
}

function configureWriter(db: Database.Database): void {
  // Reading the schema fails here, not later, when the file is no database (SQLITE_NOTADB).
  db.prepare('SELECT count(*) FROM main.sqlite_schema').get();
  // Durable at every checkpoint of WAL; a power cut may lose the last commits, but a batch and its
  // run checkpoint commit together, so a resumed run neither skips nor repeats rows.
  db.pragma('synchronous = NORMAL');
  // Loading runs with foreign keys off: SQLite checks them row by row, not at commit, and putting
  // tables in dependency order (and cycles aside) is the runner's job, not the loader's.
  db.pragma('foreign_keys = OFF');
  // No busy handler on the writer: it would sleep inside a synchronous call and stop the event loop
  // (the holder of the lock may be a task of this very process). sqlite-lock-wait.ts waits instead.
  db.pragma('busy_timeout = 0');
}

/**
 * WAL lets the read handle read committed data while a load transaction is open. It persists in the
 * file, so it is switched on by the first load, never by merely opening a source (reading a file
 * must not change it).
 */
export function enableWal(db: Database.Database): void {
  if (db.memory) return;
  db.pragma('journal_mode = WAL');
}

/**
 * Opens the write handle first (it creates a missing file in an existing folder), then a read-only
 * handle on the same file.
 */
export function openHandles(file: string, options: { guarded?: boolean } = {}): SqliteHandles {
  const opened: Database.Database[] = [];
  try {
    const write = new Database(file);
    opened.push(write);
    configureWriter(write);
    if (options.guarded) guardStatements(write);
    // One in-memory database, one handle: unsafe mode lets it load while a stream of it is open.
    if (write.memory) return { file, read: write.unsafeMode(true), write };
    const read = new Database(file, { readonly: true });
    opened.push(read);
    read.pragma('busy_timeout = 5000');
    // Reads walk a table in key order once; the file's pages are in the system's cache anyway. A
    // 2 MB page cache holds the b-tree's inner pages; better-sqlite3's 16 MB default only grew each
    // reader's memory (the benchmark's 3M-row load with two loader threads: 236 MB peak against
    // 188 MB, in the same time).
    read.pragma('cache_size = -2000');
    if (options.guarded) guardStatements(read);
    return { file, read, write };
  } catch (error) {
    for (const db of opened.reverse()) db.close();
    throw toDataBridgeError(error, { file });
  }
}
