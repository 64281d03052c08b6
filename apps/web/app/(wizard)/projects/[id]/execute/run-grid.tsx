'use client';

import type { ProjectGrid, TaskDetail } from '@databridge/queue';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../../../../../lib/api-client.ts';
import { formatDuration } from '../../../../_components/monitor/monitor-format.ts';

/** Cell colours by state, as Airflow's Grid colours them where it can. */
const STATE_COLOURS: Record<string, string> = {
  pending: '#e2e8f0',
  queued: '#94a3b8',
  running: '#0ea5e9',
  paused: '#a78bfa',
  completed: '#10b981',
  failed: '#ef4444',
  skipped: '#f9a8d4',
  cancelled: '#f59e0b',
  interrupted: '#fb923c',
};
const ENDED = new Set(['completed', 'failed', 'cancelled']);

type Opened =
  | { state: 'loading'; title: string }
  | { state: 'ready'; title: string; detail: TaskDetail; executionId: string }
  | { state: 'failed'; title: string; message: string };

/**
 * The Grid: the project's last runs (columns, oldest on the left, each with its trigger and logical
 * date) by the run's tasks (rows), each cell coloured by the task's state in that run. A load task's
 * cell opens its last attempt, duration, rows, error and log lines. Refreshes while a run is active.
 */
export function RunGrid({ projectId, canRun }: { projectId: string; canRun: boolean }) {
  const [grid, setGrid] = useState<ProjectGrid | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [opened, setOpened] = useState<Opened | null>(null);

  const load = useCallback(async () => {
    try {
      setGrid(await api<ProjectGrid>(`/api/projects/${encodeURIComponent(projectId)}/grid?limit=10`));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }, [projectId]);

  useEffect(() => {
    void load();
  }, [load]);
  const active = grid?.executions.some((e) => !ENDED.has(e.status)) ?? false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [active, load]);

  async function open(executionId: string, taskId: string, title: string) {
    setOpened({ state: 'loading', title });
    try {
      const detail = await api<TaskDetail>(
        `/api/executions/${encodeURIComponent(executionId)}/task?task=${encodeURIComponent(taskId)}`,
      );
      setOpened({ state: 'ready', title, detail, executionId });
    } catch (e) {
      setOpened({ state: 'failed', title, message: e instanceof ApiError ? e.message : String(e) });
    }
  }

  return (
    <section aria-labelledby="grid-title" className="mt-6 rounded border border-slate-200 p-4">
      <div className="flex items-center justify-between">
        <h2 id="grid-title" className="text-base font-semibold">
          Grid: runs by task
        </h2>
        <button type="button" className="text-sm text-cyan-800 underline" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error ? <p className="mt-2 text-sm text-red-700">{error}</p> : null}
      {grid && grid.executions.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No run yet.</p>
      ) : null}
      {grid && grid.executions.length > 0 ? (
        <div className="mt-3 overflow-x-auto">
          <table className="border-separate border-spacing-1 text-xs" data-testid="run-grid">
            <thead>
              <tr>
                <th scope="col" className="text-left font-semibold">
                  Task
                </th>
                {grid.executions.map((e, i) => (
                  <th key={e.executionId} scope="col" className="px-1 text-left align-bottom font-normal">
                    <span className="block font-semibold">Run {i + 1}</span>
                    <span className="block">{e.trigger}</span>
                    <span className="block font-mono" title="logical date">
                      {(e.logicalDate ?? e.createdAt).slice(0, 16).replace('T', ' ')}
                    </span>
                    <span className="block" data-testid="grid-execution-status">
                      {e.status}
                    </span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {grid.rows.map((row) => (
                <tr key={row.id}>
                  <th
                    scope="row"
                    className={`pr-2 text-left font-mono ${row.kind === 'stage' ? 'font-semibold' : 'pl-3 font-normal'}`}
                  >
                    {row.id}
                  </th>
                  {grid.executions.map((e, i) => {
                    const state = grid.cells[row.id]?.[e.executionId];
                    const label = `${row.id}, run ${i + 1}: ${state ?? 'no such task'}`;
                    const style = {
                      background: state ? STATE_COLOURS[state] : 'transparent',
                      border: state ? 'none' : '1px dashed #cbd5e1',
                    };
                    return (
                      <td key={e.executionId}>
                        {row.taskId && state ? (
                          <button
                            type="button"
                            aria-label={label}
                            title={label}
                            className="block h-5 w-8 rounded-sm"
                            style={style}
                            onClick={() => void open(e.executionId, row.taskId!, `${row.id}, run ${i + 1}`)}
                          />
                        ) : (
                          <span
                            role="img"
                            aria-label={label}
                            title={label}
                            className="block h-5 w-8 rounded-sm"
                            style={style}
                          />
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <ul className="mt-2 flex flex-wrap gap-3 text-xs text-slate-700" aria-label="States">
            {Object.entries(STATE_COLOURS).map(([state, colour]) => (
              <li key={state} className="flex items-center gap-1">
                <span
                  aria-hidden="true"
                  className="inline-block h-3 w-4 rounded-sm"
                  style={{ background: colour }}
                />
                {state}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {opened ? (
        <TaskPanel
          opened={opened}
          canRun={canRun}
          onClose={() => setOpened(null)}
          onCleared={() => void load()}
        />
      ) : null}
    </section>
  );
}

function TaskPanel(props: { opened: Opened; canRun: boolean; onClose: () => void; onCleared: () => void }) {
  const { opened, onClose } = props;
  const [clearing, setClearing] = useState<string | null>(null);
  const clearable =
    props.canRun &&
    opened.state === 'ready' &&
    ['failed', 'cancelled', 'interrupted'].includes(opened.detail.task.status);
  async function clear() {
    if (opened.state !== 'ready') return;
    setClearing('Clearing…');
    try {
      const cleared = await api<{ rerun: string[] }>(
        `/api/executions/${encodeURIComponent(opened.executionId)}/clear`,
        { method: 'POST', body: { task: opened.detail.task.taskId } },
      );
      setClearing(`Cleared: ${cleared.rerun.length} task(s) run again; completed tasks keep their rows.`);
      props.onCleared();
    } catch (e) {
      setClearing(e instanceof ApiError ? e.message : String(e));
    }
  }
  return (
    <section
      aria-label={`Task ${opened.title}`}
      className="mt-4 rounded border border-slate-300 bg-slate-50 p-3"
    >
      <div className="flex items-center justify-between">
        <h3 className="font-mono text-sm font-semibold">{opened.title}</h3>
        <button type="button" className="text-sm underline" onClick={onClose}>
          Close
        </button>
      </div>
      {opened.state === 'loading' ? <p className="text-sm">Loading…</p> : null}
      {opened.state === 'failed' ? <p className="text-sm text-red-700">{opened.message}</p> : null}
      {opened.state === 'ready' ? (
        <>
          <p className="mt-1 text-sm">
            {opened.detail.task.status}, attempt {opened.detail.task.attempt},{' '}
            {formatDuration(opened.detail.task.duration)},{' '}
            {opened.detail.task.rowsWritten.toLocaleString('en-US')} rows written,{' '}
            {opened.detail.task.rowsRejected.toLocaleString('en-US')} rejected
          </p>
          {opened.detail.task.error ? (
            <p className="mt-1 text-sm text-red-800">Error: {opened.detail.task.error}</p>
          ) : null}
          {clearable ? (
            <button
              type="button"
              className="mt-2 rounded border border-slate-400 px-2 py-1 text-sm"
              onClick={() => void clear()}
            >
              Clear: run this task and what follows again
            </button>
          ) : null}
          {clearing ? (
            <p role="status" className="mt-1 text-sm">
              {clearing}
            </p>
          ) : null}
          <ol className="mt-2 max-h-60 space-y-0.5 overflow-y-auto font-mono text-xs" aria-label="Log lines">
            {opened.detail.log.map((line, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: log lines are listed once, in order
              <li key={i}>
                {line.time.slice(11, 19)} {line.level.toUpperCase()} {line.message}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
