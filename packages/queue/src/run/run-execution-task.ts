import { hostname } from 'node:os';
import { decodePosition, logStageStatus, messageOf, type RunSession } from '@databridge/engine';
import {
  getExecution,
  listTaskRuns,
  requireExecution,
  startWaitingStage,
  type TaskRunState,
  updateExecution,
  upsertTaskRun,
} from '@databridge/store';
import { ExecutionLog } from './execution-log.ts';
import { refreshExecutionProgress } from './execution-progress.ts';
import { openExecutionSession, type RunDeps } from './open-execution-session.ts';
import { setStage } from './stage-state.ts';
import { taskName } from './task-name.ts';
import { isTransientError } from './transient-errors.ts';
import { watchExecution } from './watch-execution.ts';

/** How a task run ended in this process. */
export type TaskOutcome =
  | 'completed'
  | 'paused' // stopped at a batch boundary by a pause; resumes from its checkpoint
  | 'stopped' // the execution was cancelled or failed elsewhere
  | 'failed' // the execution is failed now
  | 'skipped'; // the execution was not running when the task came up

/** A transient failure with attempts left: the executor waits and runs the task again. */
export class RetryableTaskError extends Error {
  override readonly name = 'RetryableTaskError';
}

export interface TaskAttempt {
  /** 1 for the first run of the task. */
  readonly attempt: number;
  /** Attempts allowed in all (1 + the project's max retries). */
  readonly maxAttempts: number;
  /** Stops the task (a worker shutting down); it resumes from its checkpoint elsewhere. */
  readonly signal?: AbortSignal;
}

/** How often a running task writes its counters and the execution's to the store. */
const FLUSH_MS = 1000;

/**
 * Runs one engine task of an execution from its last checkpoint, writing its progress to the store
 * every second. A pause or cancel (seen in the store) stops it at the next batch boundary; a
 * transient error with attempts left throws RetryableTaskError; any other error fails the execution,
 * which stops its other tasks wherever they run.
 */
export async function runExecutionTask(
  deps: RunDeps,
  executionId: string,
  taskId: string,
  attempt: TaskAttempt,
): Promise<TaskOutcome> {
  const { store } = deps;
  const execution = await requireExecution(store, executionId);
  if (execution.status !== 'running') return 'skipped';
  const log = new ExecutionLog(store, executionId);
  const watch = watchExecution(store, executionId, attempt.signal);
  let session: RunSession | undefined;
  const previous = (await listTaskRuns(store, executionId)).find((t) => t.taskId === taskId);
  let state: TaskRunState = {
    taskId,
    mappingId: previous?.mappingId ?? taskId,
    stageId: previous?.stageId ?? 'load_facts',
    status: 'running',
    rowsRead: 0,
    rowsWritten: 0,
    rowsUncommitted: 0,
    rowsRejected: 0,
    rowsTotal: previous?.rowsTotal ?? null,
    startedAt: previous?.startedAt ?? new Date(),
    endedAt: null,
    // The task's own try (a transient error tries it again); the execution's attempt is on the execution.
    attempt: attempt.attempt,
    errorMessage: null,
  };
  let name = taskId;
  let dirty = true;
  // Rows that stopped a fail-fast run: rejected, but in no checkpoint.
  let stoppedRejects = 0;
  // Every tick samples the execution's progress, changed or not: running time is measured between
  // samples (throughput.ts), so a task that runs must be heard from every second.
  const flush = async (tick = false) => {
    if (!dirty && !tick) return;
    const changed = dirty;
    dirty = false;
    if (changed) await upsertTaskRun(store, executionId, state);
    await refreshExecutionProgress(store, executionId);
  };
  let flushing = Promise.resolve();
  const timer = setInterval(() => {
    flushing = flushing.then(() => flush(true)).catch(() => {});
  }, FLUSH_MS);
  try {
    session = await openExecutionSession(deps, execution, watch.signal, log);
    const task = (await session.options.state.tasks(executionId)).find((t) => t.id === taskId);
    if (!task) throw new Error(`execution ${executionId} has no task ${taskId}`);
    const committed = await committedCounts(session, taskId);
    const mapping = session.mapping(task.mappingId);
    state = { ...state, mappingId: task.mappingId, stageId: mapping.stage, ...committed.counts };
    if (committed.done) {
      state = { ...state, status: 'completed', endedAt: new Date() };
      return 'completed';
    }
    await upsertTaskRun(store, executionId, state);
    // A later load stage whose tasks were handed out with an earlier one's runs from its first task.
    if (await startWaitingStage(store, executionId, mapping.stage))
      logStageStatus(session.log, mapping.stage, 'running');
    const siblings = (await session.options.state.tasks(executionId)).filter(
      (t) => t.mappingId === task.mappingId,
    );
    name = taskName(
      mapping,
      task.id,
      siblings.map((t) => t.id),
    );
    session.log.info(
      `task ${name} started on ${hostname()}:${process.pid} (execution attempt ${execution.attempt}, try ${attempt.attempt} of ${attempt.maxAttempts})`,
      {
        taskId,
        host: hostname(),
        pid: process.pid,
        fromRow: state.rowsRead,
      },
    );
    const result = await session.loadTask(task, {
      onBatch: (b) => {
        state = {
          ...state,
          rowsRead: state.rowsRead + b.rowsRead,
          rowsWritten: state.rowsWritten + b.rowsWritten,
          rowsUncommitted: (state.rowsUncommitted ?? 0) + (b.rowsUncommitted ?? 0),
        };
        dirty = true;
      },
      onRejected: (rows, stopped) => {
        state = {
          ...state,
          rowsRejected: state.rowsRejected + rows.length,
          rowsRead: state.rowsRead + (stopped ? rows.length : 0),
        };
        if (stopped) stoppedRejects += rows.length;
        dirty = true;
      },
    });
    state = {
      ...state,
      status: 'completed',
      endedAt: new Date(),
      rowsWritten: result.rowsWritten,
      rowsUncommitted: 0,
      rowsRejected: result.rowsRejected,
      rowsRead: result.rowsWritten + result.rowsRejected,
    };
    return 'completed';
  } catch (error) {
    // What is in the target is what the checkpoints say; the uncommitted batch was rolled back.
    state = { ...state, rowsUncommitted: 0 };
    if (session) {
      const committed = await committedCounts(session, taskId).catch(() => undefined);
      if (committed) {
        const { rowsWritten, rowsRejected } = committed.counts;
        const rejected = rowsRejected + stoppedRejects;
        state = { ...state, rowsWritten, rowsRejected: rejected, rowsRead: rowsWritten + rejected };
      }
    }
    if (watch.reason) {
      const stopped = await stoppedState(store, executionId, watch.reason);
      state = { ...state, status: stopped, endedAt: stopped === 'paused' ? null : new Date() };
      return watch.reason === 'paused' ? 'paused' : 'stopped';
    }
    if (isTransientError(error) && attempt.attempt < attempt.maxAttempts) {
      state = { ...state, status: 'queued', errorMessage: messageOf(error) };
      log.add({
        level: 'warning',
        message: `task ${name} failed with a transient error (execution attempt ${execution.attempt}, try ${attempt.attempt} of ${attempt.maxAttempts}); it will be tried again: ${messageOf(error)}`,
        fields: { taskId },
      });
      throw new RetryableTaskError(messageOf(error), { cause: error });
    }
    state = { ...state, status: 'failed', endedAt: new Date(), errorMessage: messageOf(error) };
    log.error(`task ${name} failed: ${messageOf(error)}`, error, { taskId });
    const failed = await updateExecution(
      store,
      executionId,
      { status: 'failed', errorCode: codeOf(error), errorMessage: messageOf(error) },
      { from: ['running'] },
    );
    if (failed) await setStage(store, executionId, state.stageId, 'failed');
    return 'failed';
  } finally {
    clearInterval(timer);
    watch.stop();
    // Closed before the task says it stopped: a cancel waits for that to write `cancelled`.
    await session?.close();
    dirty = true;
    await flushing;
    await flush().catch(() => {});
    await log.flush();
  }
}

/** What a task stopped by its execution is now: paused, cancelled, or interrupted (a shutdown, a failure elsewhere). */
async function stoppedState(
  store: RunDeps['store'],
  executionId: string,
  reason: 'paused' | 'stopped' | 'interrupted',
): Promise<'paused' | 'cancelled' | 'interrupted'> {
  if (reason !== 'stopped') return reason;
  const status = (await getExecution(store, executionId))?.status;
  return status === 'cancelling' || status === 'cancelled' ? 'cancelled' : 'interrupted';
}

async function committedCounts(session: RunSession, taskId: string) {
  const checkpoint = (await session.checkpoints()).get(taskId);
  const rejected = checkpoint ? decodePosition(checkpoint.position).rejected : 0;
  const written = checkpoint?.rowsWritten ?? 0;
  return {
    done: checkpoint?.done === true,
    counts: { rowsWritten: written, rowsRejected: rejected, rowsRead: written + rejected },
  };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[a-z_]+$/.test(code) ? code : 'internal';
}
