import { setTimeout as sleep } from 'node:timers/promises';
import { listExecutions, updateExecution } from '@databridge/store';
import { advanceExecution, settleStages } from '../run/advance-execution.ts';
import { resumeOrHold } from '../run/crash-loop.ts';
import type { RunDeps } from '../run/open-execution-session.ts';
import { RetryableTaskError, runExecutionTask } from '../run/run-execution-task.ts';
import { retryDelayMs } from '../schedule/retry-delay.ts';
import type { Executor } from './executor.ts';
import { runLimited } from './run-limited.ts';

/**
 * Runs executions in this process: the embedded default (no Redis). The stages and tasks are the
 * same functions the BullMQ workers run; tasks of a level run side by side up to the pipeline's
 * parallelism. An execution is driven by one loop at a time: a resume waits for the paused loop to
 * have stopped, so no task ever runs twice at once.
 */
export class InProcessExecutor implements Executor {
  readonly kind = 'in-process' as const;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();
  /** Wakes an execution's loop from a retry delay: a cancel must not wait minutes for it. */
  private readonly wakers = new Map<string, AbortController>();

  constructor(private readonly deps: RunDeps) {}

  async start(executionId: string): Promise<void> {
    const previous = this.loops.get(executionId) ?? Promise.resolve();
    const loop = previous.then(() => this.drive(executionId));
    const tracked = loop
      .catch(() => {})
      .finally(() => {
        if (this.loops.get(executionId) === tracked) {
          this.loops.delete(executionId);
          this.wakers.delete(executionId);
        }
      });
    this.loops.set(executionId, tracked);
  }

  /**
   * Drives again the executions a previous in-process server left pending or running (it stopped or
   * crashed): they continue from their checkpoints. Only for the one process that owns the store's
   * in-process executions; with BullMQ, stalled-job recovery does this.
   */
  async recoverInterrupted(): Promise<string[]> {
    const page = await listExecutions(this.deps.store, {
      statuses: ['pending', 'queued', 'running', 'interrupted', 'cancelling'],
      limit: 100,
    });
    const ids: string[] = [];
    for (const execution of page.items) {
      if (this.loops.has(execution.id)) continue;
      // A run that killed its server once more is left for a person (crash-loop.ts).
      if ((await resumeOrHold(this.deps.store, execution)) === 'hold') continue;
      ids.push(execution.id);
      await this.start(execution.id);
    }
    return ids;
  }

  // Pause and cancel travel through the store, which every running task watches; a loop waiting to
  // retry is woken so that it sees the cancel now.
  async pause(executionId: string): Promise<void> {
    this.wakers.get(executionId)?.abort();
  }
  async cancel(executionId: string): Promise<void> {
    this.wakers.get(executionId)?.abort();
  }

  /** Waits out a retry delay, unless the process stops or a cancel wakes the execution's loop. */
  private async delay(executionId: string, ms: number): Promise<void> {
    let waker = this.wakers.get(executionId);
    if (!waker || waker.signal.aborted) {
      waker = new AbortController();
      this.wakers.set(executionId, waker);
    }
    const signal = AbortSignal.any([this.shutdown.signal, waker.signal]);
    await sleep(ms, undefined, { signal }).catch(() => {});
  }

  async settled(executionId: string): Promise<void> {
    while (this.loops.has(executionId)) await this.loops.get(executionId);
  }

  /**
   * Stops this process's executions: their tasks stop at their next batch boundary, or have their
   * statements ended after the session's grace (10 s); what was running is left `interrupted`, and
   * the next server's recoverInterrupted() resumes it from its checkpoints.
   */
  async close(): Promise<void> {
    const driven = [...this.loops.keys()];
    this.shutdown.abort();
    await Promise.allSettled([...this.loops.values()]);
    for (const id of driven) {
      const interrupted = await updateExecution(
        this.deps.store,
        id,
        { status: 'interrupted' },
        { from: ['running'] },
      ).catch(() => undefined);
      if (interrupted) await settleStages(this.deps.store, id, 'interrupted').catch(() => {});
    }
  }

  private async drive(executionId: string): Promise<void> {
    let attempt = 1;
    for (;;) {
      if (this.shutdown.signal.aborted) return;
      const step = await advanceExecution(this.deps, executionId, { attempt, signal: this.shutdown.signal });
      if (step.kind === 'settled') return;
      if (step.kind === 'retry') {
        attempt = step.attempt;
        await this.delay(executionId, step.delayMs);
        continue;
      }
      attempt = 1;
      const maxAttempts = 1 + step.retries.maxRetries;
      await runLimited(step.taskIds, step.parallelism, async (taskId) => {
        for (let attempt = 1; ; attempt++) {
          try {
            await runExecutionTask(this.deps, executionId, taskId, {
              attempt,
              maxAttempts,
              signal: this.shutdown.signal,
            });
            return;
          } catch (error) {
            if (!(error instanceof RetryableTaskError)) throw error;
            await this.delay(executionId, retryDelayMs(attempt, step.retries));
            if (this.shutdown.signal.aborted) return;
          }
        }
      });
    }
  }
}
