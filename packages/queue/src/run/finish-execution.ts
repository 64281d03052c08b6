import {
  dropRunState,
  isDataBridgeError,
  markStage,
  messageOf,
  type RunOutcome,
  type RunSession,
  reportRun,
  reportUnstartedRun,
  type StageProgress,
  type TableProgress,
} from '@databridge/engine';
import {
  type Execution,
  type ExecutionStatus,
  getExecution,
  getProject,
  listStageRuns,
  listTaskRuns,
  type RunStatus,
  type Store,
  updateExecution,
  upsertTaskRuns,
} from '@databridge/store';
import { refreshExecutionProgress } from './execution-progress.ts';
import { executionSpec } from './execution-spec.ts';
import type { RunDeps } from './open-execution-session.ts';
import { setStage } from './stage-state.ts';
import { storeArtefacts } from './store-artefacts.ts';

/** The run's stages and tables as the store recorded them, in the engine's terms, for its report. */
export async function progressFromStore(store: Store, session: RunSession) {
  const time = (iso: string | null) => (iso ? Date.parse(iso) : null);
  const stages = (await listStageRuns(store, session.runId)).map(
    (s): StageProgress => ({
      id: s.stageId,
      status: s.status,
      startedAt: time(s.startedAt),
      endedAt: time(s.endedAt),
    }),
  );
  const tasks = await listTaskRuns(store, session.runId);
  const record = await session.options.state.getRun(session.runId);
  const tables = session.plan.mappings.map((m): TableProgress => {
    const own = tasks.filter((t) => t.mappingId === m.id);
    const starts = own.map((t) => time(t.startedAt)).filter((t): t is number => t !== null);
    const ends = own.map((t) => time(t.endedAt)).filter((t): t is number => t !== null);
    const failed = own.some((t) => t.status === 'failed');
    const done = own.length > 0 && own.every((t) => t.status === 'completed');
    return {
      mappingId: m.id,
      source: `${m.source.schema}.${m.source.name}`,
      target: `${m.target.schema}.${m.target.name}`,
      stage: m.stage,
      rowsTotal: record?.rowsTotal[m.id]?.rows ?? 0,
      rowsTotalIsEstimate: record?.rowsTotal[m.id]?.estimate ?? false,
      rowsRead: own.reduce((n, t) => n + t.rowsRead, 0),
      rowsWritten: own.reduce((n, t) => n + t.rowsWritten, 0),
      rowsRejected: own.reduce((n, t) => n + t.rowsRejected, 0),
      readMs: 0,
      writeMs: 0,
      startedAt: starts.length ? Math.min(...starts) : null,
      endedAt: done && ends.length ? Math.max(...ends) : null,
      status: failed ? 'failed' : done ? 'completed' : (own[0]?.status ?? 'pending'),
    };
  });
  return { stages, tables };
}

/**
 * The report stage of an execution that ended: writes report.json and report.html, records the
 * summary and the final status. Stages that never ran are marked skipped. A completed execution
 * only becomes `completed` here, after its report exists.
 */
export async function finishExecution(
  store: Store,
  session: RunSession,
  outcome: Exclude<RunOutcome, 'paused'>,
  failure: unknown,
  deps?: Pick<RunDeps, 'store' | 'artefacts' | 'artefactRetry' | 'reportsDir' | 'artefactWriter'>,
  /** Writes the log lines this process still holds to the metadata store (see storeArtefacts). */
  flushLog?: () => Promise<void>,
): Promise<ExecutionStatus> {
  const id = session.runId;
  // The same lines as the CLI's report stage (walk-steps.ts).
  const reportStage = (status: 'running' | 'completed') =>
    markStage(session, (stageId, to) => setStage(store, id, stageId, to), 'report', status);
  await reportStage('running');
  await settleUnfinished(store, id, outcome);
  await refreshExecutionProgress(store, id, { sample: false });
  const { stages, tables } = await progressFromStore(store, session);
  const execution = await getExecution(store, id);
  const startedAt = execution?.startedAt ? new Date(execution.startedAt) : new Date();
  const summary = await reportRun(session, {
    outcome,
    failure,
    startedAt,
    stages,
    tables,
    final: true,
    // The monitor's own figure (throughput.ts), so that the report and the tile agree.
    rowsPerSecond: Math.round(execution?.throughput ?? 0),
  });
  // Validated and reported: the checkpoints a resume would need may go (nothing foreign left behind).
  if (outcome === 'completed') await dropRunState(session.target, session.runId, session.log);
  await session.settleStaging(outcome);
  await reportStage('completed');
  const error = failure
    ? { errorCode: isDataBridgeError(failure) ? failure.code : 'internal', errorMessage: messageOf(failure) }
    : {};
  // A pause that arrives while the report is written is too late to matter: the run is over. A cancel
  // that arrives then keeps its status; the summary is recorded either way.
  // Nothing of the run may still hold a database session once it says it has ended.
  await session.close();
  // Stored before the status says ended: whoever reads the ended run's report finds it (or the reason).
  const artefacts = deps
    ? await storeArtefacts(deps, id, { log: session.log, ...(flushLog ? { flushLog } : {}) })
    : undefined;
  const recorded = artefacts ? { ...summary, artefacts } : summary;
  const from: ExecutionStatus[] =
    outcome === 'completed'
      ? ['running', 'paused']
      : outcome === 'cancelled'
        ? ['cancelling', 'cancelled']
        : ['running', 'paused', 'failed'];
  const finished = await updateExecution(
    store,
    id,
    { status: outcome, endedAt: new Date(), summary: recorded, ...error },
    { from },
  );
  if (finished) return outcome;
  const now = await updateExecution(store, id, { endedAt: new Date(), summary: recorded });
  return now?.status ?? outcome;
}

/**
 * The stages and tasks of an ending execution that did not finish, moved to the state that says why:
 * never started, `skipped`; stopped on the way, `cancelled` by a cancel, `interrupted` when a sibling
 * failed the run (a retry resumes them from their checkpoints); the failed one says so already.
 */
async function settleUnfinished(
  store: Store,
  executionId: string,
  outcome: 'completed' | 'failed' | 'cancelled',
) {
  const stopped = outcome === 'cancelled' ? 'cancelled' : 'interrupted';
  for (const s of await listStageRuns(store, executionId)) {
    if (s.stageId === 'report' || FINAL.includes(s.status)) continue;
    // A load stage still running when a task of another failed the run was interrupted, not failed.
    const status =
      s.status === 'pending'
        ? 'skipped'
        : outcome === 'cancelled'
          ? 'cancelled'
          : s.status === 'running'
            ? 'interrupted'
            : 'failed';
    await setStage(store, executionId, s.stageId, status);
  }
  const tasks = (await listTaskRuns(store, executionId)).filter((t) => !FINAL.includes(t.status));
  const now = new Date();
  await upsertTaskRuns(
    store,
    executionId,
    tasks.map((t) => ({
      ...t,
      status: t.startedAt === null ? ('skipped' as const) : stopped,
      endedAt: t.endedAt ?? now,
    })),
  );
}

const FINAL: readonly RunStatus[] = ['completed', 'failed', 'skipped', 'cancelled'];

/**
 * Ends an execution that could not even open its session (a spec that no longer fits, a bad SQL
 * expression, a database that refuses): `failed` (or `cancelled`, when a cancel was waiting), with a
 * report that says why nothing ran, so the monitor and the report route have one like any ended run.
 */
export async function failWithoutReport(
  deps: RunDeps,
  execution: Execution,
  failure: unknown,
): Promise<ExecutionStatus> {
  const { store } = deps;
  const spec = await executionSpec(store, execution.projectId).catch(() => undefined);
  const project = await getProject(store, execution.projectId);
  const summary = reportUnstartedRun({
    runId: execution.id,
    specName: spec?.spec.name ?? project?.name ?? execution.projectId,
    sourceUrl: spec?.spec.source.url ?? '',
    targetUrl: spec?.spec.target.url ?? '',
    startedAt: execution.startedAt ? new Date(execution.startedAt) : new Date(),
    failure,
    reportsDir: deps.reportsDir,
  });
  const artefacts = await storeArtefacts(deps, execution.id);
  const cancelling = execution.status === 'cancelling';
  const outcome: ExecutionStatus = cancelling ? 'cancelled' : 'failed';
  for (const s of await listStageRuns(store, execution.id)) {
    if (s.stageId === 'report') await setStage(store, execution.id, s.stageId, 'completed');
    // Planning is where extract starts: that is the stage that failed.
    else if (s.status === 'running' || (s.stageId === 'extract' && s.status === 'pending'))
      await setStage(store, execution.id, s.stageId, outcome);
    else if (s.status === 'pending') await setStage(store, execution.id, s.stageId, 'skipped');
  }
  const ended = await updateExecution(
    store,
    execution.id,
    {
      status: outcome,
      endedAt: new Date(),
      errorCode: isDataBridgeError(failure) ? failure.code : 'internal',
      errorMessage: messageOf(failure),
      summary: { ...summary, status: outcome, ...(artefacts ? { artefacts } : {}) },
    },
    { from: cancelling ? ['cancelling'] : ['running', 'paused', 'failed'] },
  );
  return ended?.status ?? (await getExecution(store, execution.id))?.status ?? outcome;
}
