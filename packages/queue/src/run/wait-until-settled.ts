import { setTimeout as sleep } from 'node:timers/promises';
import { getExecution, listStageRuns, listTaskRuns, type Store } from '@databridge/store';

/**
 * Resolves once no work of the execution is running anywhere: it completed, or failed or was
 * cancelled and has its report, or was paused and every task has stopped at a batch boundary and
 * the stage they were in says paused (on BullMQ that is written by the step after the tasks).
 */
export async function waitUntilSettled(store: Store, executionId: string, pollMs = 100): Promise<void> {
  for (;;) {
    const execution = await getExecution(store, executionId);
    if (!execution || execution.status === 'completed') return;
    // A failed or cancelled run is over once it has ended: with its report, or without one when it
    // could not even be planned.
    if ((execution.status === 'failed' || execution.status === 'cancelled') && execution.endedAt) return;
    if (execution.status === 'paused') {
      const [tasks, stages] = await Promise.all([
        listTaskRuns(store, executionId),
        listStageRuns(store, executionId),
      ]);
      const busy = (s: { status: string }) => s.status === 'running' || s.status === 'queued';
      if (!tasks.some((t) => t.status === 'running') && !stages.some(busy)) return;
    }
    await sleep(pollMs);
  }
}
