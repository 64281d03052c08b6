import type { Selectable } from 'kysely';
import type { Store } from './open-store.ts';
import type { MetricsSamplesTable } from './schema/database.ts';
import { readTime, type TimeInput, toIso } from './values.ts';

/** A point on an execution's progress chart. */
export interface MetricsSample {
  readonly time: string;
  readonly rowsProcessed: number;
  readonly failedRows: number;
  readonly rowsPerSecond: number;
}

export interface NewMetricsSample {
  /** Defaults to now. */
  readonly time?: TimeInput;
  readonly rowsProcessed: number;
  readonly failedRows: number;
  readonly rowsPerSecond: number;
}

export async function appendMetricsSample(
  store: Store,
  executionId: string,
  sample: NewMetricsSample,
): Promise<void> {
  await store.db
    .insertInto('metrics_samples')
    .values({
      execution_id: executionId,
      time: toIso(sample.time ?? Date.now()),
      rows_processed: sample.rowsProcessed,
      failed_rows: sample.failedRows,
      rows_per_second: sample.rowsPerSecond,
    })
    .execute();
}

/**
 * An execution's samples, oldest first, thinned evenly to at most `maxPoints` (default 500; the
 * first and last always kept) so a chart of a run of hours stays light. `since` keeps later ones only.
 */
export async function listMetricsSamples(
  store: Store,
  executionId: string,
  options: { since?: TimeInput; maxPoints?: number } = {},
): Promise<MetricsSample[]> {
  let query = store.db.selectFrom('metrics_samples').selectAll().where('execution_id', '=', executionId);
  if (options.since !== undefined) query = query.where('time', '>', toIso(options.since));
  const rows = await query.orderBy('id').execute();
  return thin(rows, Math.max(2, options.maxPoints ?? 500)).map(toSample);
}

function thin<T>(rows: T[], max: number): T[] {
  if (rows.length <= max) return rows;
  const step = (rows.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => rows[Math.round(i * step)]!);
}

function toSample(row: Selectable<MetricsSamplesTable>): MetricsSample {
  return {
    time: readTime(row.time),
    rowsProcessed: row.rows_processed,
    failedRows: row.failed_rows,
    rowsPerSecond: row.rows_per_second,
  };
}
