'use client';

import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import { buttonClass, inputClass, Notice } from '../ui.tsx';
import type { LogEntry, LogLevel } from './execution-types.ts';
import { formatClock } from './monitor-format.ts';

const PAGE_SIZE = 50;

const LEVEL_OPTIONS: readonly { value: LogLevel; label: string }[] = [
  { value: 'debug', label: 'Everything (debug and up)' },
  { value: 'info', label: 'Info and up' },
  { value: 'warning', label: 'Warnings and errors' },
  { value: 'error', label: 'Errors only' },
];

const LEVEL_LOOKS: Record<LogLevel, string> = {
  debug: 'border-slate-300 bg-slate-100 text-slate-700',
  info: 'border-brand bg-brand-soft text-cyan-900',
  warning: 'border-amber-300 bg-amber-50 text-amber-900',
  error: 'border-red-300 bg-red-50 text-red-800',
};

interface LogPage {
  readonly entries: LogEntry[];
  readonly nextCursor: string | null;
}

function merge(current: readonly LogEntry[], incoming: readonly LogEntry[]): LogEntry[] {
  const byId = new Map(current.map((e) => [e.id, e]));
  for (const e of incoming) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => b.id - a.id);
}

/**
 * The execution's log, newest first, a page at a time, filtered by level ("warning" shows warnings
 * and errors). While the execution runs, each `trigger` change (at most every two seconds) fetches
 * the newest entries; older pages load on request. A stack trace opens under its entry.
 */
export function ExecutionLog(props: { executionId: string; trigger: unknown }) {
  const id = useId();
  const [level, setLevel] = useState<LogLevel>('info');
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const query = `/api/executions/${encodeURIComponent(props.executionId)}/logs?level=${level}&limit=${PAGE_SIZE}`;
  const queryRef = useRef(query);
  queryRef.current = query;
  const lastRefresh = useRef(0);

  const read = useCallback(async (path: string) => {
    const page = await api<LogPage>(path);
    return path.startsWith(queryRef.current) ? page : null;
  }, []);

  // A new execution or level starts from the newest page.
  useEffect(() => {
    setEntries([]);
    setCursor(null);
    setProblem(null);
    setLoading(true);
    lastRefresh.current = Date.now();
    read(query)
      .then((page) => {
        if (!page) return;
        setEntries(page.entries);
        setCursor(page.nextCursor);
      })
      .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)))
      .finally(() => setLoading(false));
  }, [query, read]);

  // While it runs: the newest page again, merged in front of what is shown.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `trigger` asks for a fresh read on purpose
  useEffect(() => {
    const wait = Math.max(0, lastRefresh.current + 2000 - Date.now());
    const timer = setTimeout(() => {
      lastRefresh.current = Date.now();
      read(query)
        .then((page) => {
          if (page) setEntries((current) => merge(current, page.entries));
        })
        .catch(() => {
          // the next trigger tries again; the list shown stays
        });
    }, wait);
    return () => clearTimeout(timer);
  }, [props.trigger]);

  const older = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await read(`${query}&cursor=${encodeURIComponent(cursor)}`);
      if (page) {
        setEntries((current) => merge(current, page.entries));
        setCursor(page.nextCursor);
      }
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setLoading(false);
    }
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-56">
          <label htmlFor={`${id}-level`} className="mb-1 block text-sm font-medium text-slate-800">
            Log level
          </label>
          <select
            id={`${id}-level`}
            className={inputClass()}
            value={level}
            onChange={(e) => setLevel(e.target.value as LogLevel)}
          >
            {LEVEL_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <p className="pb-2 text-sm text-slate-600" aria-live="polite">
          {entries.length} entr{entries.length === 1 ? 'y' : 'ies'} shown
          {cursor ? ', older ones on request' : ''}
        </p>
      </div>
      {problem ? <Notice tone="error">{problem}</Notice> : null}
      <section
        aria-label="Log entries"
        className="max-h-96 overflow-y-auto rounded-lg border border-slate-200 bg-white"
      >
        {entries.length === 0 ? (
          <p className="p-4 text-sm text-slate-600">
            {loading ? 'Loading the log…' : 'No entries at this level.'}
          </p>
        ) : (
          <ol className="divide-y divide-slate-100 font-mono text-xs">
            {entries.map((entry) => (
              <li key={entry.id} className="px-3 py-1.5" data-level={entry.level}>
                <div className="flex flex-wrap items-baseline gap-x-2">
                  <time dateTime={entry.time} className="tabular-nums text-slate-500">
                    {formatClock(entry.time)}
                  </time>
                  <span
                    className={`inline-flex w-16 justify-center rounded border px-1 text-[11px] font-semibold uppercase ${LEVEL_LOOKS[entry.level]}`}
                  >
                    {entry.level}
                  </span>
                  <span className="min-w-0 flex-1 whitespace-pre-wrap break-words font-sans text-sm text-ink">
                    {entry.message}
                  </span>
                </div>
                {entry.fields && Object.keys(entry.fields).length > 0 ? (
                  <p className="mt-0.5 break-all pl-[4.5rem] text-slate-600">
                    {JSON.stringify(entry.fields)}
                  </p>
                ) : null}
                {entry.stack ? (
                  <details className="mt-1 pl-[4.5rem]">
                    <summary className="cursor-pointer font-sans text-xs font-semibold text-red-800">
                      Stack trace
                    </summary>
                    <pre className="mt-1 max-h-64 overflow-auto whitespace-pre rounded bg-slate-900 p-2 text-[11px] text-slate-100">
                      {entry.stack}
                    </pre>
                  </details>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </section>
      {cursor ? (
        <button type="button" className={buttonClass('secondary', 'sm')} disabled={loading} onClick={older}>
          {loading ? 'Loading…' : 'Load older entries'}
        </button>
      ) : null}
    </div>
  );
}
