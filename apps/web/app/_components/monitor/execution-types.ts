// The shapes the execution API answers with, as the browser sees them (types only: nothing of the
// server packages reaches the bundle).
import type { ExecutionStatusView, StageView, TaskView } from '@databridge/queue';
import type { LogEntry, LogLevel, MetricsSample } from '@databridge/store';

export type { ExecutionStatusView, LogEntry, LogLevel, MetricsSample, StageView, TaskView };
export type ExecutionStatus = ExecutionStatusView['status'];

export interface HistoryPage {
  readonly executions: ExecutionStatusView[];
  readonly nextCursor: string | null;
}

/** Statuses an execution leaves by itself; the others wait for a person (or are over). */
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['pending', 'queued', 'running', 'cancelling'];
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['completed', 'failed', 'cancelled'];

export function isActive(status: ExecutionStatus | undefined): boolean {
  return status !== undefined && ACTIVE_STATUSES.includes(status);
}

export function isTerminal(status: ExecutionStatus | undefined): boolean {
  return status !== undefined && TERMINAL_STATUSES.includes(status);
}

/** Share of the rows handled (loaded or rejected), 0-100; 100 once the execution completed. */
export function progressPercent(view: ExecutionStatusView): number {
  if (view.status === 'completed') return 100;
  if (view.recordsTotal <= 0) return 0;
  const handled = view.recordsProcessed + view.failedRecords;
  // An estimated total can be below the real count: hold at 99% until the execution says it is done.
  return Math.min(99, Math.floor((handled / view.recordsTotal) * 100));
}
