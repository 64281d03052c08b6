'use client';

import { useState } from 'react';
import { StatusBadge } from '../ui.tsx';
import { CleanseCounts } from './cleanse-counts.tsx';
import { type CountsColumn, CountsTable } from './counts-table.tsx';
import type { StageView, TaskView } from './execution-types.ts';
import { formatClock, formatDuration, formatRows, secondsBetween, stageLabel } from './monitor-format.ts';
import { StagedExtract } from './staged-extract.tsx';
import { useNow } from './use-now.ts';

const STAGE_MARKS: Record<StageView['status'], string> = {
  pending: 'border-slate-300 bg-white text-slate-600',
  running: 'border-brand bg-brand text-ink',
  completed: 'border-accent bg-accent text-ink',
  failed: 'border-red-600 bg-red-600 text-white',
  skipped: 'border-slate-300 bg-slate-100 text-slate-500',
  queued: 'border-brand bg-white text-slate-600',
  paused: 'border-amber-400 bg-amber-50 text-amber-900',
  interrupted: 'border-amber-400 bg-amber-50 text-amber-900',
  cancelled: 'border-slate-400 bg-slate-200 text-slate-700',
};

/**
 * A stage's duration: the store's once it ended, the time so far while it runs. A stage an execution
 * left running when it stopped (cancelled) has no duration: it never ended.
 */
function stageDuration(stage: StageView, now: number, live: boolean): number | null {
  if (stage.duration !== null) return stage.duration;
  return live && stage.status === 'running' ? secondsBetween(stage.startTime, null, now) : null;
}

/**
 * The six stages of an execution in order, each with its status, start and end time and duration;
 * a stage with tasks (one per table mapping or key range) opens to show them. The transform stage of
 * a staged execution shows its cleanse counts.
 */
export function StageList(props: {
  stages: readonly StageView[];
  /** `Album → album` for a task's mapping id (`m1`…), as the project's spec names it. */
  mappingLabel: (mappingId: string) => string;
  /** True while the execution runs (or is paused): running stages and tasks count their time. */
  live: boolean;
}) {
  const now = useNow(props.live && props.stages.some((s) => s.status === 'running'));
  const [open, setOpen] = useState<Record<string, boolean>>({});
  return (
    <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {props.stages.map((stage, index) => {
        const expanded = open[stage.stageId] ?? false;
        const panelId = `stage-${stage.stageId}-tasks`;
        const duration = stageDuration(stage, now, props.live);
        const done = stage.tasks.filter((t) => t.status === 'completed').length;
        return (
          <li key={stage.stageId} data-stage={stage.stageId} data-status={stage.status}>
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
              <span
                aria-hidden="true"
                className={`grid h-7 w-7 shrink-0 place-items-center rounded-full border-2 text-xs font-bold ${STAGE_MARKS[stage.status]}`}
              >
                {stage.status === 'completed' ? '✓' : stage.status === 'failed' ? '!' : index + 1}
              </span>
              <span className="w-36 shrink-0 font-semibold">{stageLabel(stage.stageId)}</span>
              <span className="w-24 shrink-0">
                <StatusBadge status={stage.status} />
              </span>
              <span className="text-xs tabular-nums text-slate-600">
                <span className="sr-only">started </span>
                {formatClock(stage.startTime)}
                <span aria-hidden="true"> → </span>
                <span className="sr-only"> ended </span>
                {formatClock(stage.endTime)}
              </span>
              <span className="text-xs font-semibold tabular-nums text-slate-800">
                <span className="sr-only">duration </span>
                {formatDuration(duration)}
              </span>
              {stage.tasks.length > 0 ? (
                <button
                  type="button"
                  className="ml-auto rounded px-2 py-1 text-sm font-semibold text-cyan-800 hover:bg-brand-soft"
                  aria-expanded={expanded}
                  aria-controls={panelId}
                  onClick={() => setOpen((o) => ({ ...o, [stage.stageId]: !expanded }))}
                >
                  <span aria-hidden="true">{expanded ? '▾' : '▸'} </span>
                  {done}/{stage.tasks.length} task{stage.tasks.length === 1 ? '' : 's'}
                  <span className="sr-only"> of {stageLabel(stage.stageId)}</span>
                </button>
              ) : null}
            </div>
            {stage.extract ? (
              <div className="overflow-x-auto border-t border-slate-100 bg-slate-50 px-3 py-2">
                <StagedExtract extract={stage.extract} mappingLabel={props.mappingLabel} />
              </div>
            ) : null}
            {stage.cleanse ? (
              <div className="overflow-x-auto border-t border-slate-100 bg-slate-50 px-3 py-2">
                <CleanseCounts cleanse={stage.cleanse} mappingLabel={props.mappingLabel} />
              </div>
            ) : null}
            {stage.tasks.length > 0 && expanded ? (
              <div id={panelId} className="overflow-x-auto border-t border-slate-100 bg-slate-50 px-3 py-2">
                <TaskTable
                  tasks={stage.tasks}
                  mappingLabel={props.mappingLabel}
                  now={props.live ? now : null}
                />
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

const TASK_COLUMNS: readonly CountsColumn[] = [
  { key: 'table', header: 'Table' },
  { key: 'status', header: 'Status' },
  { key: 'written', header: 'Rows written', numeric: true },
  { key: 'rejected', header: 'Rejected', numeric: true },
  { key: 'times', header: 'Started → ended' },
  { key: 'duration', header: 'Duration', numeric: true },
];

function TaskTable(props: {
  tasks: readonly TaskView[];
  mappingLabel: (mappingId: string) => string;
  /** The time running tasks count to; null once the execution stopped. */
  now: number | null;
}) {
  return (
    <CountsTable columns={TASK_COLUMNS} bodyClassName="divide-y divide-slate-200">
      {props.tasks.map((task) => (
        <tr key={task.taskId} data-task={task.taskId}>
          <td className="px-2 py-1">
            <span className="font-mono">{props.mappingLabel(task.mappingId)}</span>
            {task.taskId !== task.mappingId ? (
              <span className="ml-1 text-slate-500">{partOf(task, props.tasks)}</span>
            ) : null}
            {task.attempt > 1 ? <span className="ml-1 text-amber-800">try {task.attempt}</span> : null}
            {task.error ? <p className="mt-0.5 text-red-700">{task.error}</p> : null}
          </td>
          <td className="px-2 py-1">
            <StatusBadge status={task.status} />
          </td>
          <td className="px-2 py-1 text-right tabular-nums">
            {formatRows(task.rowsWritten)}
            {task.rowsTotal !== null ? (
              <span className="text-slate-500"> / {formatRows(task.rowsTotal)}</span>
            ) : null}
            {task.rowsUncommitted > 0 ? (
              <span
                className="block text-xs text-amber-800"
                data-testid="task-uncommitted"
                title="Sent in one transaction that commits when the table is loaded"
              >
                + {formatRows(task.rowsUncommitted)} uncommitted
              </span>
            ) : null}
          </td>
          <td className={`px-2 py-1 text-right tabular-nums ${task.rowsRejected > 0 ? 'text-red-700' : ''}`}>
            {formatRows(task.rowsRejected)}
          </td>
          <td className="px-2 py-1 tabular-nums">
            {formatClock(task.startTime)} → {formatClock(task.endTime)}
          </td>
          <td className="px-2 py-1 text-right tabular-nums">
            {formatDuration(
              task.duration ??
                (task.status === 'running' && props.now !== null
                  ? secondsBetween(task.startTime, null, props.now)
                  : null),
            )}
          </td>
        </tr>
      ))}
    </CountsTable>
  );
}

const NATURAL = new Intl.Collator('en', { numeric: true });

/** "part 2 of 4" for a key range of a split table (its task id, `m11.p2`, means nothing to people). */
function partOf(task: TaskView, tasks: readonly TaskView[]): string {
  const parts = tasks
    .filter((t) => t.mappingId === task.mappingId)
    .map((t) => t.taskId)
    .sort(NATURAL.compare);
  return `part ${parts.indexOf(task.taskId) + 1} of ${parts.length}`;
}
