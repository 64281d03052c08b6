import type { StageId } from '../plan/plan-types.ts';
import type { RunLog } from './run-log.ts';

/**
 * The run log's line for a stage's new status, the same whichever executor walks the stages (the
 * CLI's LocalRun, the queue's advanceExecution): a failure as an error, a start or an end as info.
 * Waiting (pending, queued for a retry) is not a line: the retry or the pause says why.
 */
export function logStageStatus(log: RunLog, stageId: StageId, status: string): void {
  if (status === 'failed') log.error(`stage ${stageId} failed`, { stage: stageId });
  else if (status !== 'pending' && status !== 'queued')
    log.info(`stage ${stageId} ${status}`, { stage: stageId });
}
