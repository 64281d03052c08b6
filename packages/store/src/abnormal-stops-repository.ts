import type { Store } from './open-store.ts';

/**
 * Counts one more death of the process that drove the execution (found `running` at the next start)
 * and returns the new count.
 */
export async function countAbnormalStop(store: Store, executionId: string): Promise<number> {
  await store.db
    .updateTable('executions')
    .set((eb) => ({ abnormal_stops: eb('abnormal_stops', '+', 1) }))
    .where('id', '=', executionId)
    .execute();
  return abnormalStopsOf(store, executionId);
}

/** How many times the process driving the execution died since a person last resumed it. */
export async function abnormalStopsOf(store: Store, executionId: string): Promise<number> {
  const row = await store.db
    .selectFrom('executions')
    .select('abnormal_stops')
    .where('id', '=', executionId)
    .executeTakeFirst();
  return Number(row?.abnormal_stops ?? 0);
}

/** A person resumed it: the server may again resume it once by itself after a crash. */
export async function clearAbnormalStops(store: Store, executionId: string): Promise<void> {
  await store.db.updateTable('executions').set({ abnormal_stops: 0 }).where('id', '=', executionId).execute();
}
