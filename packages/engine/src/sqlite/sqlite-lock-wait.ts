import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { DataBridgeError } from '../errors.ts';
import { heldByDataBridge } from './sqlite-lock-holder.ts';

/** How long the write lock may stay with another program while nobody commits, unless told otherwise. */
export const DEFAULT_LOCK_WAIT_MS = 60_000;

const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 50;

function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
}

export interface LockWait {
  /** The write handle: its `data_version` tells whether anyone committed while it waited. */
  readonly db: Database.Database;
  readonly file: string;
  /** See `ConnectOptions.sqliteLockWaitMs`. */
  readonly waitMs: number;
}

/**
 * Runs `attempt` (a `BEGIN IMMEDIATE`, or a single writing statement, which SQLite undoes whole when
 * it finds the lock taken) until it gets SQLite's write lock. The write handle has no busy timeout:
 * SQLite's busy handler sleeps inside a synchronous call and would stop this process's event loop,
 * heartbeats and other tasks with it, so the waiting happens here, between timers.
 *
 * A lock that changes hands (another connection commits) or that DataBridge holds (see
 * sqlite-lock-holder.ts) is waited for as long as it takes: other tasks of the run are loading. A lock
 * that another program keeps for `waitMs` while nobody commits fails with a message naming the file.
 */
export async function withWriteLockOf<T>(wait: LockWait, attempt: () => T): Promise<T> {
  let pause = FIRST_PAUSE_MS;
  let version: unknown;
  let progressAt = Date.now();
  for (;;) {
    try {
      return attempt();
    } catch (error) {
      if (!isBusy(error)) throw error;
      const now = Date.now();
      const seen = dataVersion(wait.db);
      if (seen !== version || heldByDataBridge(wait.file)) {
        version = seen;
        progressAt = now;
      } else if (now - progressAt >= wait.waitMs) {
        throw lockedOut(wait, error);
      }
      await sleep(pause);
      pause = Math.min(LONGEST_PAUSE_MS, pause * 2);
    }
  }
}

/** Changes whenever another connection commits to the file; undefined if even that cannot be read. */
function dataVersion(db: Database.Database): unknown {
  try {
    return db.pragma('data_version', { simple: true });
  } catch {
    return undefined;
  }
}

function lockedOut(wait: LockWait, cause: unknown): DataBridgeError {
  const seconds = Math.round(wait.waitMs / 1000);
  return new DataBridgeError(
    'transient',
    `Cannot write to ${wait.file}: another program has held its write lock for ${seconds} s without committing. ` +
      'Close the program that has the file open in a transaction (a SQLite browser, a shell with BEGIN), ' +
      'or give the target a file of its own, then retry the run',
    { cause },
  );
}
