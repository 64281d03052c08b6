import { setTimeout as sleep } from 'node:timers/promises';
import {
  decodePosition,
  type ExtractResult,
  type LoadStageId,
  markStage,
  nextStep,
  type RetrySettings,
  type RunSession,
  runStageWork,
  type StageId,
  type StageStatus,
  stagesOf,
  type WalkStep,
  walkState,
} from '@databridge/engine';
import {
  type Execution,
  type ExecutionStatus,
  getExecution,
  listStageRuns,
  listTaskRuns,
  requireExecution,
  type Store,
  type TaskRunState,
  updateExecution,
  updateProgress,
  upsertTaskRuns,
} from '@databridge/store';
import { retryDelayMs } from '../schedule/retry-delay.ts';
import { ExecutionLog } from './execution-log.ts';
import { failWithoutReport, finishExecution } from './finish-execution.ts';
import { openExecutionSession, type RunDeps } from './open-execution-session.ts';
import { setStage } from './stage-state.ts';
import { isTransientError } from './transient-errors.ts';
import { watchExecution } from './watch-execution.ts';

/** What an executor does next for an execution. */
export type NextStep =
  | {
      readonly kind: 'tasks';
      /** The stages the tasks belong to: one, or every load stage when no foreign key is checked while loading. */
      readonly stageIds: readonly LoadStageId[];
      /** Tasks that have not finished and may run side by side now (stage-walk.ts). */
      readonly taskIds: readonly string[];
      /** The pipeline's parallelism: at most this many of the execution's tasks run at once. */
      readonly parallelism: number;
      readonly retries: RetrySettings;
    }
  /** A stage of this step failed with a transient error: advance again after `delayMs`. */
  | { readonly kind: 'retry'; readonly delayMs: number; readonly attempt: number }
  | { readonly kind: 'settled'; readonly status: ExecutionStatus };

const NO_RETRIES: RetrySettings = {
  maxRetries: 0,
  delayMinutes: 0,
  exponentialBackoff: false,
  maxDelayMinutes: 0,
};

/**
 * Moves an execution forward from wherever it is: runs the stages that need no parallel work
 * (extract, transform, finishing a load stage, validate, report) in this process, and stops at the
 * first level of load tasks that has work left, which it hands back for the executor to run (in-process
 * with a pool, or as BullMQ child jobs). Called again once those tasks are done, it continues. Every
 * step can be repeated after a crash: finished stages are skipped, finished tasks are found in the
 * target's checkpoints. Both executors drive executions with this one function.
 */
export async function advanceExecution(
  deps: RunDeps,
  executionId: string,
  options: {
    readonly attempt?: number;
    /** This process shutting down: the stage in hand stops (at its grace) and is left interrupted. */
    readonly signal?: AbortSignal;
  } = {},
): Promise<NextStep> {
  const attempt = options.attempt ?? 1;
  const { store } = deps;
  let execution = await requireExecution(store, executionId);
  if (execution.status === 'pending' || execution.status === 'queued' || execution.status === 'interrupted') {
    execution =
      (await updateExecution(
        store,
        executionId,
        { status: 'running', startedAt: execution.startedAt ?? new Date() },
        { from: ['pending', 'queued', 'interrupted'] },
      )) ?? (await requireExecution(store, executionId));
  }
  if (execution.status === 'paused') {
    // Its tasks have stopped (this step runs after them): the stage they were in is paused too.
    await settleStages(store, executionId, 'paused');
    return { kind: 'settled', status: execution.status };
  }
  if (execution.status === 'completed') return { kind: 'settled', status: execution.status };
  if (execution.status === 'cancelling') await waitForTasksToStop(store, executionId);
  if ((execution.status === 'failed' || execution.status === 'cancelled') && execution.endedAt) {
    return { kind: 'settled', status: execution.status };
  }
  const log = new ExecutionLog(store, executionId);
  const watch = watchExecution(store, executionId, options.signal);
  let session: RunSession;
  try {
    // An execution that is over (cancelled, failed elsewhere) is only reported here: the watch would
    // abort that work, and with it the statements that give the target back its foreign keys.
    const finishing = execution.status !== 'running';
    session = await openExecutionSession(
      deps,
      execution,
      finishing ? new AbortController().signal : watch.signal,
      log,
    );
  } catch (error) {
    watch.stop();
    log.error(`the execution cannot start: ${(error as Error).message}`, error);
    await log.flush();
    return { kind: 'settled', status: await failWithoutReport(deps, execution, error) };
  }
  let step: WalkStep = { kind: 'stage', stageId: 'extract' };
  const stage = (stageId: StageId, status: StageStatus) =>
    markStage(session, (id, to) => setStage(store, executionId, id, to), stageId, status);
  try {
    if (execution.status !== 'running') {
      // Failed or cancelled elsewhere (a task, the API) and not yet reported: report it now.
      const outcome =
        execution.status === 'cancelled' || execution.status === 'cancelling' ? 'cancelled' : 'failed';
      const failure = execution.errorMessage ? new Error(execution.errorMessage) : null;
      return {
        kind: 'settled',
        status: await finishExecution(store, session, outcome, failure, deps, () => log.flush()),
      };
    }
    // The engine's walk (stage-walk.ts) says what comes next; this process records it, and hands the
    // load tasks it names to the executor.
    for (;;) {
      const stages = new Map((await listStageRuns(store, executionId)).map((s) => [s.stageId, s.status]));
      step = nextStep(await walkState(session, stages));
      if (step.kind === 'report') {
        return {
          kind: 'settled',
          status: await finishExecution(store, session, 'completed', null, deps, () => log.flush()),
        };
      }
      if (step.kind === 'skip') {
        await stage(step.stageId, 'skipped');
        continue;
      }
      if (step.kind === 'load') {
        const reached = step.stageIds[0]!;
        if (stages.get(reached) !== 'running') await stage(reached, 'running');
        // The tasks may run on other workers, and the report in another process than the one that
        // planned: the plan's scans (zero dates, TINYINT(1) values) are kept with the run before any
        // task is handed out. In one process (run-migration.ts) they run beside the load.
        await session.settleMeasuring();
        return {
          kind: 'tasks',
          stageIds: step.stageIds,
          taskIds: step.taskIds,
          parallelism: session.settings.parallelism,
          retries: session.plan.spec.schedule?.retries ?? NO_RETRIES,
        };
      }
      // A load stage finishing has been running since its tasks were handed out.
      if (step.kind === 'stage' || stages.get(step.stageId) !== 'running')
        await stage(step.stageId, 'running');
      const extracted = await runStageWork(session, step);
      if (extracted) await recordTasks(deps, session, extracted);
      await stage(step.stageId, 'completed');
    }
  } catch (error) {
    const current = stagesOf(step)[0]!;
    if (watch.reason === 'paused' || watch.reason === 'interrupted') {
      await stage(current, watch.reason);
      return { kind: 'settled', status: watch.reason === 'paused' ? 'paused' : 'running' };
    }
    const now = await getExecution(store, executionId);
    const retries = session.plan.spec.schedule?.retries ?? NO_RETRIES;
    if (
      !watch.reason &&
      now?.status === 'running' &&
      isTransientError(error) &&
      attempt <= retries.maxRetries
    ) {
      await stage(current, 'queued');
      session.log.warning(
        `stage ${current} failed with a transient error (attempt ${attempt} of ${retries.maxRetries + 1}); it will be retried: ${(error as Error).message}`,
        { stage: current },
      );
      return { kind: 'retry', delayMs: retryDelayMs(attempt, retries), attempt: attempt + 1 };
    }
    if (watch.reason !== 'stopped') {
      await stage(current, 'failed');
      log.error(`stage ${current} failed: ${(error as Error).message}`, error, { stage: current });
      await updateExecution(store, executionId, { status: 'failed' }, { from: ['running'] });
    }
    const outcome = now?.status === 'cancelling' || now?.status === 'cancelled' ? 'cancelled' : 'failed';
    if (outcome === 'cancelled') await waitForTasksToStop(store, executionId);
    return {
      kind: 'settled',
      status: await finishExecution(store, session, outcome, error, deps, () => log.flush()),
    };
  } finally {
    watch.stop();
    await log.flush();
    await session.close();
  }
}

/**
 * Marks the stages and tasks still running or waiting to retry (a pause or shutdown came while they
 * did; their work has stopped by now) with the state the execution is in.
 */
export async function settleStages(store: Store, executionId: string, status: 'paused' | 'interrupted') {
  for (const s of await listStageRuns(store, executionId)) {
    if (s.status === 'running' || s.status === 'queued')
      await setStage(store, executionId, s.stageId, status);
  }
  const tasks = await listTaskRuns(store, executionId);
  await upsertTaskRuns(
    store,
    executionId,
    tasks.filter((t) => t.status === 'running' || t.status === 'queued').map((t) => ({ ...t, status })),
  );
}

/** How long a cancel waits for the tasks it stopped to say so; a worker killed meanwhile never will. */
const TASKS_STOP_MS = 20_000;

/**
 * Waits until no task of a cancelled execution still runs anywhere (every task writes its state as it
 * stops, its statements ended): `cancelled` is written only then. After TASKS_STOP_MS the tasks still
 * marked running belong to workers that died; they hold nothing any more.
 */
async function waitForTasksToStop(store: Store, executionId: string): Promise<void> {
  const end = Date.now() + TASKS_STOP_MS;
  while (Date.now() < end) {
    const tasks = await listTaskRuns(store, executionId);
    if (!tasks.some((t) => t.status === 'running')) return;
    await sleep(100);
  }
}

/** After extract: every task in the store (pending, or done where a checkpoint says so) and the totals. */
async function recordTasks(deps: RunDeps, session: RunSession, extracted: ExtractResult): Promise<void> {
  const states = extracted.tasks.map((t): TaskRunState => {
    const mapping = session.mapping(t.mappingId);
    const checkpoint = extracted.checkpoints.get(t.id);
    const rejected = checkpoint ? decodePosition(checkpoint.position).rejected : 0;
    const single = extracted.tasks.filter((x) => x.mappingId === t.mappingId).length === 1;
    return {
      taskId: t.id,
      mappingId: t.mappingId,
      stageId: mapping.stage,
      status: checkpoint?.done ? 'completed' : 'pending',
      rowsRead: (checkpoint?.rowsWritten ?? 0) + rejected,
      rowsWritten: checkpoint?.rowsWritten ?? 0,
      rowsRejected: rejected,
      rowsTotal: single ? (extracted.rowsTotal[t.mappingId]?.rows ?? null) : null,
    };
  });
  await upsertTaskRuns(deps.store, session.runId, states);
  const totals = Object.values(extracted.rowsTotal);
  await updateProgress(deps.store, session.runId, {
    recordsProcessed: states.reduce((n, s) => n + s.rowsWritten, 0),
    recordsTotal: totals.reduce((n, t) => n + t.rows, 0),
    recordsTotalIsEstimate: totals.some((t) => t.estimate),
  });
}

export type { Execution };
