'use client';

import { formatTime } from '../../../lib/format.ts';
import { TableHead } from '../data-table.tsx';
import { RowAction } from '../row-actions.tsx';
import { buttonClass, StatusBadge } from '../ui.tsx';
import type { ExecutionStatusView } from './execution-types.ts';
import { formatDuration, formatPercent, formatRate, formatRows, secondsBetween } from './monitor-format.ts';

/**
 * A project's executions, newest first, with their metrics; choosing one shows it in the monitor.
 * More pages load on request.
 */
export function ExecutionHistory(props: {
  executions: readonly ExecutionStatusView[];
  selectedId: string | null;
  onSelect: (executionId: string) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  if (props.executions.length === 0) {
    return <p className="text-sm text-slate-600">No execution yet.</p>;
  }
  return (
    <div className="space-y-2">
      <div className="max-h-80 overflow-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Executions of this project, newest first</caption>
          <TableHead
            sticky
            columns={[
              'Started',
              'Status',
              { label: 'Rows', align: 'right' },
              { label: 'Failed', align: 'right' },
              { label: 'Success', align: 'right' },
              { label: 'Throughput', align: 'right' },
              { label: 'Duration', align: 'right' },
              { label: 'Monitor', hidden: true },
            ]}
          />
          <tbody className="divide-y divide-slate-200">
            {props.executions.map((e) => {
              const selected = e.executionId === props.selectedId;
              return (
                <tr
                  key={e.executionId}
                  data-execution={e.executionId}
                  aria-current={selected ? 'true' : undefined}
                  className={selected ? 'bg-brand-soft' : ''}
                >
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                    {formatTime(e.startTime)}
                    {e.attempt > 1 ? (
                      <span className="ml-1 text-xs text-slate-600">(attempt {e.attempt})</span>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={e.status} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatRows(e.recordsProcessed)}</td>
                  <td
                    className={`px-3 py-2 text-right tabular-nums ${e.failedRecords > 0 ? 'text-red-700' : ''}`}
                  >
                    {formatRows(e.failedRecords)}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatPercent(e.successRate)}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {formatRate(e.throughput)}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {e.endTime ? formatDuration(secondsBetween(e.startTime, e.endTime, Date.now())) : '—'}
                  </td>
                  <td className="px-3 py-2 text-right">
                    {selected ? (
                      <span className="text-xs font-semibold text-cyan-900">Shown above</span>
                    ) : (
                      <RowAction
                        verb="Monitor"
                        target={`the execution started ${formatTime(e.startTime)}`}
                        onClick={() => props.onSelect(e.executionId)}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {props.hasMore ? (
        <button
          type="button"
          className={buttonClass('secondary', 'sm')}
          disabled={props.loadingMore}
          onClick={props.onLoadMore}
        >
          {props.loadingMore ? 'Loading…' : 'Older executions'}
        </button>
      ) : null}
    </div>
  );
}
