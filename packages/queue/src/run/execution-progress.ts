import {
  appendMetricsSample,
  executionAttempt,
  lastMetricsSample,
  type Store,
  sumTaskRunRows,
  updateProgress,
} from '@databridge/store';
import { nextThroughput } from './throughput.ts';

/**
 * Recomputes an execution's counters from its task runs (which every worker writes for its own
 * tasks) and its throughput (throughput.ts). While tasks run (`sample`, the default) it appends a
 * point to its progress chart; at the end it only reads the last one, so the time the report takes
 * does not count as running time. Any process may call it; the sums make the result the same
 * whoever does.
 */
export async function refreshExecutionProgress(
  store: Store,
  executionId: string,
  options: { readonly sample?: boolean } = {},
): Promise<void> {
  const { written, uncommitted, rejected } = await sumTaskRunRows(store, executionId);
  const attempt = (await executionAttempt(store, executionId)) ?? 1;
  const previous = await lastMetricsSample(store, executionId);
  let throughput: number;
  if (options.sample === false) {
    throughput = previous?.attempt === attempt ? previous.rowsPerSecond : 0;
  } else {
    const next = nextThroughput(previous, { time: Date.now(), rowsProcessed: written, attempt });
    throughput = next.rowsPerSecond;
    await appendMetricsSample(store, executionId, {
      rowsProcessed: written,
      failedRows: rejected,
      rowsPerSecond: next.rowsPerSecond,
      attempt,
      attemptRows: next.attemptRows,
      runningMs: next.runningMs,
    });
  }
  await updateProgress(store, executionId, {
    recordsProcessed: written,
    recordsUncommitted: uncommitted,
    failedRecords: rejected,
    throughput,
  });
}
