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
  async with<T>(work: () => T): Promise<T> {
    const release = await this.acquire();
    try {
      return work();
    } finally {
      release();
    }
  }
}
