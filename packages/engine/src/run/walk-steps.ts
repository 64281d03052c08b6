// The side of the stage walk (stage-walk.ts) that touches databases and the log: the same for every
// executor, so that the CLI and the server do the same work and write the same lines.
import type { StageId } from '../plan/plan-types.ts';
import type { StageStatus } from './progress.ts';
import type { RunSession } from './run-session.ts';
import type { ExtractResult } from './session-extract.ts';
import { loadLevelsMayOverlap, stageHasWork } from './session-load-stage.ts';
import { logStageStatus } from './stage-log.ts';
import type { OpenTask, WalkState, WalkStep } from './stage-walk.ts';

/** Writes a stage's log line for its new status (stage-log.ts) and has the executor record it. */
export function markStage<R extends Promise<void> | void>(
  session: RunSession,
  record: (stageId: StageId, status: StageStatus) => R,
  stageId: StageId,
  status: StageStatus,
): R {
  logStageStatus(session.log, stageId, status);
  return record(stageId, status);
}

/** The walk's view of a run: the stages as recorded, and the load tasks whose checkpoint is not done. */
export async function walkState(
  session: RunSession,
  stages: ReadonlyMap<StageId, StageStatus>,
): Promise<WalkState> {
  const extracted = stages.get('extract') === 'completed';
  // Before the extract the run has no tasks yet (nor a record to read them from).
  const [tasks, checkpoints] = extracted
    ? await Promise.all([session.options.state.tasks(session.runId), session.checkpoints()])
    : [[], new Map()];
  const order = new Map(session.plan.mappings.map((m, i) => [m.id, i]));
  const openTasks = tasks
    .filter((t) => !checkpoints.get(t.id)?.done)
    .map((t): OpenTask & { order: number } => {
      const m = session.mapping(t.mappingId);
      return { id: t.id, mappingId: m.id, stage: m.stage, level: m.level, order: order.get(m.id)! };
    })
    .sort((a, b) => a.order - b.order);
  return {
    stages,
    loadStagesWithWork: (['load_dimensions', 'load_facts'] as const).filter((id) =>
      stageHasWork(session, id),
    ),
    openTasks,
    levelsMayOverlap: extracted ? await loadLevelsMayOverlap(session) : false,
  };
}

/**
 * The work of a step done in the walking process (not a load's tasks, nor the report, which each
 * executor carries out). The validate stage holds the error policy's verdict: rejected rows or failed
 * hooks under `continue` fail it, as any other difference it finds.
 */
export async function runStageWork(
  session: RunSession,
  step: Extract<WalkStep, { kind: 'stage' | 'finish_load' }>,
): Promise<ExtractResult | undefined> {
  if (step.kind === 'finish_load') {
    await session.finishLoadStage(step.stageId);
    return undefined;
  }
  switch (step.stageId) {
    case 'extract':
      return session.extract();
    case 'transform':
      session.transforms();
      await session.cleanse();
      return undefined;
    case 'validate':
      await session.validate();
      await session.checkPolicy();
      return undefined;
  }
}
