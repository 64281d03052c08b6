'use client';

import type { ReactNode } from 'react';
import { StatusBadge } from '../ui.tsx';
import { type ExecutionStatusView, isActive, progressPercent } from './execution-types.ts';
import { formatDuration, formatPercent, formatRate, formatRows, secondsBetween } from './monitor-format.ts';
import { useNow } from './use-now.ts';

const BAR_COLOURS: Record<ExecutionStatusView['status'], string> = {
  pending: 'bg-brand',
  running: 'bg-brand',
  paused: 'bg-amber-400',
  queued: 'bg-brand',
  cancelling: 'bg-slate-400',
  interrupted: 'bg-amber-400',
  completed: 'bg-accent',
  failed: 'bg-red-600',
  cancelled: 'bg-slate-400',
};

/** What a screen reader hears when the run changes: its status, and its progress in tenths. */
function announcement(view: ExecutionStatusView, percent: number): string {
  switch (view.status) {
    case 'completed':
      return `Execution completed: ${formatRows(view.recordsProcessed)} rows loaded, ${formatRows(view.failedRecords)} failed.`;
    case 'failed':
      return `Execution failed${view.error ? `: ${view.error.message}` : ''}.`;
    case 'cancelled':
      return 'Execution cancelled.';
    case 'paused':
      return `Execution paused at ${percent}%.`;
    default:
      return `Execution ${view.status}, ${Math.floor(percent / 10) * 10}% done.`;
  }
}

/**
 * The live progress of one execution: a progress bar over the rows handled, and its counters (rows
 * processed of the total, failed rows, success rate, throughput, elapsed time).
 */
export function ExecutionProgress({ view }: { view: ExecutionStatusView }) {
  const now = useNow(isActive(view.status) || view.status === 'paused');
  const percent = progressPercent(view);
  const elapsed = secondsBetween(view.startTime, view.endTime, now);
  const total = view.recordsTotal > 0 ? formatRows(view.recordsTotal) : '?';
  const estimate = view.recordsTotalIsEstimate;
  const rowsText = `${formatRows(view.recordsProcessed)} of ${estimate ? '~' : ''}${total} rows`;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <StatusBadge status={view.status} />
        <span id="execution-progress-label" className="text-sm font-semibold">
          Progress
        </span>
        <span className="ml-auto text-sm font-bold tabular-nums" aria-hidden="true">
          {percent}%
        </span>
      </div>
      <div
        role="progressbar"
        aria-labelledby="execution-progress-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%: ${rowsText}${estimate ? ' (the total is an estimate)' : ''}`}
        data-status={view.status}
        className="h-4 w-full overflow-hidden rounded-full border border-slate-300 bg-slate-100"
      >
        <div
          className={`h-full rounded-full transition-[width] duration-500 ${BAR_COLOURS[view.status]}`}
          style={{ width: `${percent}%` }}
        />
      </div>
      <p className="sr-only" role="status" aria-live="polite" aria-atomic="true">
        {announcement(view, percent)}
      </p>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-5">
        <Metric label="Rows processed" testId="rows">
          <span className="tabular-nums">{formatRows(view.recordsProcessed)}</span>
          <span className="text-sm font-normal text-slate-600">
            {' '}
            of {estimate ? <abbr title="estimated from the source's statistics">~</abbr> : null}
            {total}
          </span>
          {estimate ? (
            <span className="block text-xs font-normal text-amber-800">total is an estimate</span>
          ) : null}
          {view.recordsUncommitted > 0 ? (
            <span className="block text-xs font-normal text-amber-800" data-testid="rows-uncommitted">
              + {formatRows(view.recordsUncommitted)} sent, uncommitted
            </span>
          ) : null}
        </Metric>
        <Metric label="Failed rows" testId="failed" tone={view.failedRecords > 0 ? 'bad' : undefined}>
          <span className="tabular-nums">{formatRows(view.failedRecords)}</span>
        </Metric>
        <Metric label="Success rate" testId="success-rate">
          <span className="tabular-nums">{formatPercent(view.successRate)}</span>
        </Metric>
        <Metric label="Throughput" testId="throughput">
          <span className="tabular-nums">{formatRate(view.throughput)}</span>
        </Metric>
        <Metric label="Elapsed" testId="elapsed">
          <span className="tabular-nums">{formatDuration(elapsed)}</span>
        </Metric>
      </dl>
    </div>
  );
}

function Metric(props: { label: string; testId: string; tone?: 'bad'; children: ReactNode }) {
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{props.label}</dt>
      <dd
        data-metric={props.testId}
        className={`text-lg font-bold ${props.tone === 'bad' ? 'text-red-700' : 'text-ink'}`}
      >
        {props.children}
      </dd>
    </div>
  );
}
