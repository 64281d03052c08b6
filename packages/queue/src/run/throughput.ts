import type { MetricsSample } from '@databridge/store';

/**
 * A running task writes its progress every second (run-execution-task.ts); two samples further
 * apart than this bracket a time when nothing ran (a pause, the wait before a retry), which does not
 * count as running time. Generous, so that a slow batch is not taken for a pause.
 */
export const RUNNING_GAP_MS = 5_000;

export interface ThroughputState {
  readonly attempt: number;
  /** Rows this attempt wrote since its first sample. */
  readonly attemptRows: number;
  /** How long this attempt's tasks have run since its first sample, pauses left out. */
  readonly runningMs: number;
  /** attemptRows per second of runningMs: DataBridge's one throughput (docs/throughput.md). */
  readonly rowsPerSecond: number;
}

/**
 * The throughput after a new progress sample: rows written in this attempt divided by this
 * attempt's running time (paused time and the gap between attempts excluded). The first sample of
 * an attempt starts both at zero; the rate is 0 until a second one.
 */
export function nextThroughput(
  previous: MetricsSample | undefined,
  sample: { readonly time: number; readonly rowsProcessed: number; readonly attempt: number },
): ThroughputState {
  if (!previous || previous.attempt !== sample.attempt) {
    return { attempt: sample.attempt, attemptRows: 0, runningMs: 0, rowsPerSecond: 0 };
  }
  const ms = sample.time - Date.parse(previous.time);
  const runningMs = previous.runningMs + (ms > 0 && ms <= RUNNING_GAP_MS ? ms : 0);
  // Deltas, not differences from the first sample: counts that go back (a rolled-back batch) net out.
  const attemptRows = previous.attemptRows + (sample.rowsProcessed - previous.rowsProcessed);
  const rowsPerSecond = runningMs > 0 ? Math.round((Math.max(0, attemptRows) / runningMs) * 10_000) / 10 : 0;
  return { attempt: sample.attempt, attemptRows, runningMs, rowsPerSecond };
}
