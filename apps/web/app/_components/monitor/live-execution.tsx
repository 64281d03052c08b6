'use client';

import { formatTime } from '../../../lib/format.ts';
import { Notice } from '../ui.tsx';
import { InActionBar } from './bar-slot.tsx';
import { errorLabel } from './error-labels.ts';
import { ExecutionArtefactsList } from './execution-artefacts.tsx';
import { ExecutionControls } from './execution-controls.tsx';
import { ExecutionProgress } from './execution-progress.tsx';
import { isActive, isTerminal } from './execution-types.ts';
import type { ExecutionEvents, StreamState } from './use-execution-events.ts';

const STREAM_LABELS: Record<StreamState, string> = {
  idle: '',
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  ended: 'finished',
  failed: 'not live',
};

const STREAM_DOTS: Record<StreamState, string> = {
  idle: 'bg-slate-300',
  connecting: 'bg-amber-400',
  live: 'bg-accent',
  reconnecting: 'bg-amber-400',
  ended: 'bg-slate-400',
  failed: 'bg-red-600',
};

/**
 * The execution being watched: its status and start, whether the live stream is connected, its
 * controls and report, its progress and counters, and its error once it failed.
 */
export function LiveExecution(props: { executionId: string; events: ExecutionEvents; canRun: boolean }) {
  const { events } = props;
  const view = events.view?.executionId === props.executionId ? events.view : null;
  return (
    <section
      aria-labelledby="live-title"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <div className="min-w-0">
          <h2 id="live-title" className="text-lg font-semibold">
            {view && isActive(view.status) ? 'Running now' : 'Execution'}
            <span className="ml-2 break-all font-mono text-xs font-normal text-slate-600">
              {props.executionId}
            </span>
          </h2>
          <p className="text-xs text-slate-600">
            {view?.startTime ? `Started ${formatTime(view.startTime)}` : 'Waiting to start'}
            {view && view.attempt > 1 ? `, attempt ${view.attempt}` : ''}
            {events.stream !== 'idle' ? (
              <span className="ml-2 inline-flex items-center gap-1" data-stream={events.stream}>
                <span
                  aria-hidden="true"
                  className={`inline-block h-2 w-2 rounded-full ${STREAM_DOTS[events.stream]}`}
                />
                <span>
                  <span className="sr-only">Live updates: </span>
                  {STREAM_LABELS[events.stream]}
                </span>
              </span>
            ) : null}
          </p>
        </div>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          {view ? (
            <InActionBar>
              <ExecutionControls view={view} onChange={events.accept} allowed={props.canRun} />
            </InActionBar>
          ) : null}
          {view?.reportUrl ? (
            <a
              href={view.reportUrl}
              target="_blank"
              rel="noopener"
              className="inline-flex items-center gap-1 rounded-md border border-brand-strong bg-brand px-2.5 py-1 text-sm font-semibold text-ink hover:bg-cyan-300"
            >
              Open the report<span className="sr-only"> (opens in a new tab)</span>
              <span aria-hidden="true">↗</span>
            </a>
          ) : view && isTerminal(view.status) ? (
            <span className="text-xs text-slate-600">Writing the report…</span>
          ) : null}
        </div>
      </div>
      {view ? (
        <ExecutionProgress view={view} />
      ) : (
        <p role="status" className="text-sm text-slate-600">
          Connecting to the execution…
        </p>
      )}
      {view?.error && view.status !== 'cancelled' ? (
        <Notice tone="error">
          <strong data-code={view.error.code}>{errorLabel(view.error.code)}</strong>: {view.error.message}
        </Notice>
      ) : null}
      {view ? <ExecutionArtefactsList view={view} /> : null}
      {events.problem ? <Notice tone="warning">Live updates: {events.problem}</Notice> : null}
    </section>
  );
}
