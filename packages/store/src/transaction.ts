import type { Store } from './open-store.ts';

/**
 * Runs `work` in one transaction: every repository call made with the store it is handed commits
 * together or not at all. Inside a transaction already, `work` joins it. On SQLite the store's
 * single connection is held until it ends.
 */
export function inTransaction<T>(store: Store, work: (store: Store) => Promise<T>): Promise<T> {
  if (store.db.isTransaction) return work(store);
  return store.db.transaction().execute((trx) => work({ ...store, db: trx }));
}
