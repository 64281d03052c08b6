import { realpathSync } from 'node:fs';

/**
 * SQLite has one writer per database file. Load sessions and writing statements take this lock
 * first, so parallel tasks queue here in arrival order instead of failing with SQLITE_BUSY (or
 * blocking the event loop in the busy handler, since better-sqlite3 is synchronous).
 */
export class WriteLock {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves, once every earlier holder has released it, to the function that releases the lock. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const granted = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => released);
    return granted;
  }

  /** Runs `work` while holding the lock. */
  async with<T>(work: () => T | Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** A process-wide write lock of one file, shared by every connection of this process that opened it. */
export interface SharedWriteLock {
  readonly lock: WriteLock;
  /** Called when the connection closes; the lock is forgotten once no connection holds the file. */
  forget(): void;
}

const locks = new Map<string, { lock: WriteLock; users: number }>();

/**
 * The write lock of `file` for this whole process. Each task of a queue executor opens its own
 * connection: a lock per connection would let two of them race for SQLite's lock, and the loser's
 * wait blocks the event loop that the winner needs to commit. Keyed by the real path, so two
 * spellings of one file (relative, through a symlink) share one lock. `:memory:` is private to its
 * connection, so it gets a lock of its own.
 */
export function sharedWriteLock(file: string): SharedWriteLock {
  if (file === ':memory:' || file === '') return { lock: new WriteLock(), forget() {} };
  const key = realpathSync(file);
  let entry = locks.get(key);
  if (!entry) {
    entry = { lock: new WriteLock(), users: 0 };
    locks.set(key, entry);
  }
  entry.users++;
  const shared = entry;
  let forgotten = false;
  return {
    lock: shared.lock,
    forget() {
      if (forgotten) return;
      forgotten = true;
      if (--shared.users === 0 && locks.get(key) === shared) locks.delete(key);
    },
  };
}
