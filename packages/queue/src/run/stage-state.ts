import type { StageId } from '@databridge/engine';
import { type RunStatus, type Store, upsertStageRun } from '@databridge/store';

/** Records a stage's status with the right timestamps: a start when it runs, an end when it settles. */
export async function setStage(store: Store, executionId: string, stageId: StageId, status: RunStatus) {
  const now = new Date();
  if (status === 'running') {
    await upsertStageRun(store, executionId, stageId, { status, startedAt: now, endedAt: null });
  } else if (status === 'pending') {
    await upsertStageRun(store, executionId, stageId, { status, startedAt: null, endedAt: null });
  } else if (status === 'skipped') {
    await upsertStageRun(store, executionId, stageId, { status, startedAt: now, endedAt: now });
  } else {
    await upsertStageRun(store, executionId, stageId, { status, endedAt: now });
  }
}
