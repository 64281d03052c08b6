import {
  isDataBridgeError,
  messageOf,
  type RunOutcome,
  type RunSession,
  reportRun,
  type StageProgress,
  type TableProgress,
} from '@databridge/engine';
import {
  type ExecutionStatus,
  listStageRuns,
  listTaskRuns,
  type Store,
  updateExecution,
} from '@databridge/store';
import { refreshExecutionProgress } from './execution-progress.ts';
import { setStage } from './stage-state.ts';

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
      status: failed
        ? 'failed'
        : done
          ? 'completed'
          : own.some((t) => t.status === 'running')
            ? 'running'
            : 'pending',
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
): Promise<ExecutionStatus> {
  const id = session.runId;
  await setStage(store, id, 'report', 'running');
  for (const s of await listStageRuns(store, id)) {
    if (s.status === 'pending' && s.stageId !== 'report') await setStage(store, id, s.stageId, 'skipped');
  }
  await refreshExecutionProgress(store, id);
  const { stages, tables } = await progressFromStore(store, session);
  const execution = await store.db
    .selectFrom('executions')
    .select('started_at')
    .where('id', '=', id)
    .executeTakeFirst();
  const startedAt = execution?.started_at ? new Date(execution.started_at) : new Date();
  const summary = await reportRun(session, { outcome, failure, startedAt, stages, tables, final: true });
  await setStage(store, id, 'report', 'completed');
  const error = failure
    ? { errorCode: isDataBridgeError(failure) ? failure.code : 'internal', errorMessage: messageOf(failure) }
    : {};
  // A pause that arrives while the report is written is too late to matter: the run is over. A cancel
  // that arrives then keeps its status; the summary is recorded either way.
  const from: ExecutionStatus[] =
    outcome === 'completed' ? ['running', 'paused'] : ['running', 'paused', outcome];
  const finished = await updateExecution(
    store,
    id,
    { status: outcome, endedAt: new Date(), summary, ...error },
    { from },
  );
  if (finished) return outcome;
  const now = await updateExecution(store, id, { endedAt: new Date(), summary });
  return now?.status ?? outcome;
}

/** Fails an execution that could not even open its session (a project whose spec no longer fits). */
export async function failWithoutReport(store: Store, executionId: string, failure: unknown): Promise<void> {
  await updateExecution(store, executionId, {
    status: 'failed',
    endedAt: new Date(),
    errorCode: isDataBridgeError(failure) ? failure.code : 'internal',
    errorMessage: messageOf(failure),
  });
  for (const s of await listStageRuns(store, executionId)) {
    if (s.status === 'running') await setStage(store, executionId, s.stageId, 'failed');
    else if (s.status === 'pending') await setStage(store, executionId, s.stageId, 'skipped');
  }
}
