import type { Selectable } from 'kysely';
import type { Store } from './open-store.ts';
import type { MetricsSamplesTable } from './schema/database.ts';
import { readTime, type TimeInput, toIso } from './values.ts';

/** A point on an execution's progress chart. */
export interface MetricsSample {
  readonly time: string;
  readonly rowsProcessed: number;
  readonly failedRows: number;
  /** The execution's throughput at that time (docs/throughput.md). */
  readonly rowsPerSecond: number;
  /** The execution's attempt that wrote it (1, then 2 after a retry...). */
  readonly attempt: number;
  /** Rows that attempt had written since its first sample. */
  readonly attemptRows: number;
  /** How long that attempt's tasks had been running since its first sample, pauses left out. */
  readonly runningMs: number;
}

export interface NewMetricsSample {
  /** Defaults to now. */
  readonly time?: TimeInput;
  readonly rowsProcessed: number;
  readonly failedRows: number;
  readonly rowsPerSecond: number;
  /** Default 1; with attemptRows and runningMs, default 0. */
  readonly attempt?: number;
  readonly attemptRows?: number;
  readonly runningMs?: number;
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
      attempt: sample.attempt ?? 1,
      attempt_rows: sample.attemptRows ?? 0,
      running_ms: sample.runningMs ?? 0,
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

/** The execution's newest sample. */
export async function lastMetricsSample(
  store: Store,
  executionId: string,
): Promise<MetricsSample | undefined> {
  const row = await store.db
    .selectFrom('metrics_samples')
    .selectAll()
    .where('execution_id', '=', executionId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toSample(row);
}

/**
 * The chart's points: rows written per second between one sample and the next, at least `windowMs`
 * apart (default 1 s), worked out from every sample before thinning to `maxPoints` (default 500).
 * Where no sample came for longer than `gapMs` (a pause, the wait before a retry) the rate drops to
 * zero for that span instead of averaging it away.
 */
export async function listRatePoints(
  store: Store,
  executionId: string,
  options: { maxPoints?: number; windowMs?: number; gapMs: number },
): Promise<MetricsSample[]> {
  const rows = await store.db
    .selectFrom('metrics_samples')
    .selectAll()
    .where('execution_id', '=', executionId)
    .orderBy('id')
    .execute();
  const samples = rows.map(toSample);
  const points: MetricsSample[] = [];
  let from = samples[0];
  if (from) points.push({ ...from, rowsPerSecond: 0 });
  for (const sample of samples.slice(1)) {
    if (!from) break;
    const ms = Date.parse(sample.time) - Date.parse(from.time);
    if (ms > options.gapMs) {
      // Nothing ran in between: zero from just after the last sample to just before this one.
      points.push({ ...from, time: new Date(Date.parse(from.time) + 1).toISOString(), rowsPerSecond: 0 });
      points.push({ ...sample, time: new Date(Date.parse(sample.time) - 1).toISOString(), rowsPerSecond: 0 });
      from = sample;
      continue;
    }
    if (ms < (options.windowMs ?? 1000)) continue;
    const rate = Math.max(0, ((sample.rowsProcessed - from.rowsProcessed) / ms) * 1000);
    points.push({ ...sample, rowsPerSecond: Math.round(rate * 10) / 10 });
    from = sample;
  }
  // The newest sample always ends the chart (its caption reads the throughput from it).
  const newest = samples.at(-1);
  if (newest && from && newest !== from) {
    const ms = Date.parse(newest.time) - Date.parse(from.time);
    const rate = ms > 0 ? Math.max(0, ((newest.rowsProcessed - from.rowsProcessed) / ms) * 1000) : 0;
    points.push({ ...newest, rowsPerSecond: Math.round(rate * 10) / 10 });
  }
  return thin(points, Math.max(2, options.maxPoints ?? 500));
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
    attempt: Number(row.attempt),
    attemptRows: Number(row.attempt_rows),
    runningMs: Number(row.running_ms),
  };
}
