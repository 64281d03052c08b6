'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../../../../lib/api-client.ts';
import { ExecutionHistory } from '../../../../_components/monitor/execution-history.tsx';
import { ExecutionLog } from '../../../../_components/monitor/execution-log.tsx';
import {
  type ExecutionStatusView,
  type HistoryPage,
  isActive,
  type MetricsSample,
  type StageView,
} from '../../../../_components/monitor/execution-types.ts';
import { LiveExecution } from '../../../../_components/monitor/live-execution.tsx';
import { StageList } from '../../../../_components/monitor/stage-list.tsx';
import { SyncState } from '../../../../_components/monitor/sync-state.tsx';
import { ThroughputChart } from '../../../../_components/monitor/throughput-chart.tsx';
import { useExecutionEvents } from '../../../../_components/monitor/use-execution-events.ts';
import { useLiveResource } from '../../../../_components/monitor/use-live-resource.ts';
import { Notice, PageTitle } from '../../../../_components/ui.tsx';
import { stepHeading } from '../_wizard/steps.ts';
import { useWizard } from '../_wizard/wizard-context.tsx';

/** How often the history is read again while nothing runs, to notice runs started elsewhere. */
const IDLE_POLL_MS = 5000;

/** Newer pages replace what they hold; older rows already loaded stay below them. */
function mergeHistory(
  fresh: readonly ExecutionStatusView[],
  current: readonly ExecutionStatusView[],
): ExecutionStatusView[] {
  const ids = new Set(fresh.map((e) => e.executionId));
  return [...fresh, ...current.filter((e) => !ids.has(e.executionId))];
}

/** Step 6: start (from the bottom bar), then watch, control and look back on the project's executions. */
export function ExecutionMonitor(props: {
  projectId: string;
  initialHistory: HistoryPage;
  requested: string | null;
  pageSize: number;
  /** False for a role that may only look (viewer): the controls stay off. */
  canRun: boolean;
  /** Editors and admins: the reset-state control of incremental mappings. */
  canEdit: boolean;
}) {
  const { project, noteExecution } = useWizard();
  const [history, setHistory] = useState(props.initialHistory.executions);
  const [cursor, setCursor] = useState(props.initialHistory.nextCursor);
  const [loadingMore, setLoadingMore] = useState(false);
  const [historyProblem, setHistoryProblem] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(
    props.requested ?? props.initialHistory.executions[0]?.executionId ?? null,
  );
  // The monitor follows the newest execution until the user picks an older one.
  const following = useRef(props.requested === null);
  const newestKnown = useRef(props.initialHistory.executions[0]?.executionId ?? null);

  const select = useCallback((executionId: string, follow: boolean) => {
    following.current = follow;
    setSelectedId(executionId);
    const url = new URL(window.location.href);
    if (follow) url.searchParams.delete('execution');
    else url.searchParams.set('execution', executionId);
    window.history.replaceState(window.history.state, '', url);
  }, []);

  const takeFirstPage = useCallback(
    (page: HistoryPage) => {
      setHistory((current) => mergeHistory(page.executions, current));
      const first = page.executions[0];
      if (first) noteExecution(first.executionId, first.status);
      const newest = first?.executionId ?? null;
      if (newest && newest !== newestKnown.current) {
        newestKnown.current = newest;
        if (following.current) select(newest, true);
      }
    },
    [select, noteExecution],
  );

  // The server reads the history again on each navigation here (the bottom bar's Start navigates).
  useEffect(() => {
    if (props.requested === null) following.current = true;
    takeFirstPage(props.initialHistory);
  }, [props.initialHistory, props.requested, takeFirstPage]);

  const events = useExecutionEvents(selectedId);
  const view = events.view?.executionId === selectedId ? events.view : null;
  const active = isActive(view?.status);

  // Runs started elsewhere (a schedule, the CLI, another tab) show up while this one is quiet.
  useEffect(() => {
    if (active) return;
    const timer = setInterval(() => {
      api<HistoryPage>(
        `/api/executions?projectId=${encodeURIComponent(props.projectId)}&limit=${props.pageSize}`,
      )
        .then(takeFirstPage)
        .catch(() => {
          // the next tick tries again
        });
    }, IDLE_POLL_MS);
    return () => clearInterval(timer);
  }, [active, props.projectId, props.pageSize, takeFirstPage]);

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    setHistoryProblem(null);
    try {
      const page = await api<HistoryPage>(
        `/api/executions?projectId=${encodeURIComponent(props.projectId)}&limit=${props.pageSize}&cursor=${encodeURIComponent(cursor)}`,
      );
      setHistory((current) => mergeHistory(current, page.executions));
      setCursor(page.nextCursor);
    } catch (error) {
      setHistoryProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setLoadingMore(false);
    }
  };

  // Every change of the status (counters included, the uncommitted rows of a replace load too) reads
  // the stages, the chart and the log again.
  const trigger = view
    ? `${view.status}:${view.attempt}:${view.recordsProcessed}:${view.recordsUncommitted}:${view.failedRecords}:${events.stream}`
    : '';
  const base = selectedId ? `/api/executions/${encodeURIComponent(selectedId)}` : null;
  const stages = useLiveResource<{ stages: StageView[] }>(base && `${base}/stages`, trigger, 750);
  const metrics = useLiveResource<{ samples: MetricsSample[] }>(base && `${base}/metrics`, trigger, 2000);

  // The history keeps the last status seen live, also after another execution is chosen.
  useEffect(() => {
    if (!view) return;
    setHistory((current) => current.map((e) => (e.executionId === view.executionId ? view : e)));
    // The sidebar's step 6 and the header's count follow the newest execution as it changes.
    noteExecution(view.executionId, view.status, false);
  }, [view, noteExecution]);
  const mappingLabel = useCallback(
    (mappingId: string) => {
      const mapping = project.spec.mappings[Number(mappingId.replace(/^m/, '')) - 1];
      return mapping ? `${mapping.source} → ${mapping.target}` : mappingId;
    },
    [project.spec.mappings],
  );

  const incremental = project.spec.mappings.some((m) => m.sync !== undefined && m.sync.mode !== 'full');

  return (
    // `relative`: the screen-reader-only texts (absolutely positioned) stay inside the scrolling
    // content instead of stretching the window, which must not scroll.
    <div className="relative mx-auto max-w-6xl space-y-6">
      <PageTitle
        title={stepHeading('execute')}
        description="Start the migration with the button below; its progress, stages and log update here as it runs."
      />
      {selectedId === null ? (
        <Notice tone="info">
          Nothing has run yet. Press <strong>Start migration</strong> below: the run’s progress appears here
          as it happens.
        </Notice>
      ) : (
        <>
          <LiveExecution executionId={selectedId} events={events} canRun={props.canRun} />

          <section aria-labelledby="stages-title">
            <h2 id="stages-title" className="mb-2 text-lg font-semibold">
              Stages
            </h2>
            {stages.value ? (
              <StageList
                stages={stages.value.stages}
                mappingLabel={mappingLabel}
                live={active || view?.status === 'paused'}
              />
            ) : stages.error ? (
              <Notice tone="error">{stages.error}</Notice>
            ) : (
              <p className="text-sm text-slate-600">Loading the stages…</p>
            )}
          </section>

          {incremental ? (
            <section aria-labelledby="sync-title">
              <h2 id="sync-title" className="mb-2 text-lg font-semibold">
                Incremental loads
              </h2>
              <SyncState
                projectId={props.projectId}
                executionId={selectedId}
                ended={view !== null && !active && view.status !== 'paused'}
                canEdit={props.canEdit}
              />
            </section>
          ) : null}

          <section aria-labelledby="chart-title">
            <h2 id="chart-title" className="mb-2 text-lg font-semibold">
              Throughput
            </h2>
            <div className="rounded-lg border border-slate-200 bg-white p-3">
              <ThroughputChart samples={metrics.value?.samples ?? []} />
            </div>
          </section>

          <section aria-labelledby="log-title">
            <h2 id="log-title" className="mb-2 text-lg font-semibold">
              Log
            </h2>
            <ExecutionLog executionId={selectedId} trigger={trigger} />
          </section>
        </>
      )}

      <section aria-labelledby="history-title">
        <h2 id="history-title" className="mb-2 text-lg font-semibold">
          Execution history
        </h2>
        {historyProblem ? <Notice tone="error">{historyProblem}</Notice> : null}
        <ExecutionHistory
          executions={history}
          selectedId={selectedId}
          onSelect={(executionId) => select(executionId, executionId === history[0]?.executionId)}
          hasMore={cursor !== null}
          loadingMore={loadingMore}
          onLoadMore={loadMore}
        />
      </section>
    </div>
  );
}
