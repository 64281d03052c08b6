import { appendMetricsSample, type Store, updateProgress } from '@databridge/store';
import { sql } from 'kysely';

/**
 * Recomputes an execution's counters from its task runs (which every worker writes for its own
 * tasks) and appends a point to its throughput chart. Any process may call it; the sums make the
 * result the same whoever does.
 */
export async function refreshExecutionProgress(store: Store, executionId: string): Promise<void> {
  const row = await store.db
    .selectFrom('task_runs')
    .select([
      sql<number>`coalesce(sum(rows_written), 0)`.as('written'),
      sql<number>`coalesce(sum(rows_rejected), 0)`.as('rejected'),
      sql<string | Date | null>`min(started_at)`.as('first_start'),
    ])
    .where('execution_id', '=', executionId)
    .executeTakeFirstOrThrow();
  const written = Number(row.written);
  const rejected = Number(row.rejected);
  const started = row.first_start ? new Date(row.first_start).getTime() : Number.NaN;
  const seconds = Number.isFinite(started) ? (Date.now() - started) / 1000 : 0;
  const throughput = seconds > 0 ? Math.round((written / seconds) * 10) / 10 : 0;
  await updateProgress(store, executionId, {
    recordsProcessed: written,
    failedRecords: rejected,
    throughput,
  });
  await appendMetricsSample(store, executionId, {
    rowsProcessed: written,
    failedRows: rejected,
    rowsPerSecond: throughput,
  });
}
