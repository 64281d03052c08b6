// The one walk through a run's stages, shared by the CLI's in-process run (run-migration.ts) and the
// server's executions (queue advance-execution.ts): given what is recorded, what happens next. Each
// executor only carries the step out (tasks in a pool, or as BullMQ jobs) and records the states.
import { STAGES, type StageId } from '../plan/plan-types.ts';
import type { StageStatus } from './progress.ts';
import type { LoadStageId } from './session-load-stage.ts';

/** A load task whose checkpoint does not say done. */
export interface OpenTask {
  readonly id: string;
  readonly mappingId: string;
  readonly stage: LoadStageId;
  /** Its table's foreign-key level: parents before children. */
  readonly level: number;
}

export interface WalkState {
  /** Each stage's recorded status; a stage not in the map is pending. */
  readonly stages: ReadonlyMap<StageId, StageStatus>;
  /** The load stages with at least one table in the plan. */
  readonly loadStagesWithWork: readonly LoadStageId[];
  /** The load tasks still to run, in plan order. */
  readonly openTasks: readonly OpenTask[];
  /** No foreign key among the loaded tables is checked while loading (overlap-levels.ts). */
  readonly levelsMayOverlap: boolean;
}

export type WalkStep =
  /** A stage done in the walking process: extract, transform (compile, cleanse), validate (with the policy). */
  | { readonly kind: 'stage'; readonly stageId: 'extract' | 'transform' | 'validate' }
  /** A load stage with no table: skipped when the walk reaches it. */
  | { readonly kind: 'skip'; readonly stageId: LoadStageId }
  /**
   * Tasks that may run now, side by side within the pipeline's parallelism, parents first. The first
   * stage is the one the walk reached (it runs from now on); a later one runs with its first task.
   */
  | { readonly kind: 'load'; readonly stageIds: readonly LoadStageId[]; readonly taskIds: readonly string[] }
  /** Every task of the load stage is done: its deferred columns, then after the last stage the schema. */
  | { readonly kind: 'finish_load'; readonly stageId: LoadStageId }
  /** Everything ran: the report, and the run's end. */
  | { readonly kind: 'report' };

const LOAD_STAGES: readonly LoadStageId[] = ['load_dimensions', 'load_facts'];

export function isLoadStage(stageId: StageId): stageId is LoadStageId {
  return (LOAD_STAGES as readonly StageId[]).includes(stageId);
}

/**
 * What happens next. Stages completed or skipped are behind; the first other one is next. A load
 * stage hands out its open tasks: with foreign keys checked after the load, those of every load stage
 * from here on at once (one pool: a slot freed by a parent's task takes a child's at once); with keys
 * checked while loading, one level at a time, so that a child's rows find their parents.
 */
export function nextStep(state: WalkState): WalkStep {
  for (const stageId of STAGES) {
    const status = state.stages.get(stageId) ?? 'pending';
    if (status === 'completed' || status === 'skipped') continue;
    if (stageId === 'report') return { kind: 'report' };
    if (!isLoadStage(stageId)) return { kind: 'stage', stageId };
    if (!state.loadStagesWithWork.includes(stageId)) return { kind: 'skip', stageId };
    const own = state.openTasks.filter((t) => t.stage === stageId);
    if (own.length === 0) return { kind: 'finish_load', stageId };
    if (!state.levelsMayOverlap) {
      const level = Math.min(...own.map((t) => t.level));
      return {
        kind: 'load',
        stageIds: [stageId],
        taskIds: own.filter((t) => t.level === level).map((t) => t.id),
      };
    }
    const from = LOAD_STAGES.indexOf(stageId);
    const stageIds = LOAD_STAGES.slice(from).filter((id) => state.openTasks.some((t) => t.stage === id));
    const tasks = state.openTasks
      .filter((t) => stageIds.includes(t.stage))
      .sort((a, b) => LOAD_STAGES.indexOf(a.stage) - LOAD_STAGES.indexOf(b.stage) || a.level - b.level);
    return { kind: 'load', stageIds, taskIds: tasks.map((t) => t.id) };
  }
  return { kind: 'report' };
}

/** The stages a step works in: the ones that fail, pause or stop with it. */
export function stagesOf(step: WalkStep): readonly StageId[] {
  if (step.kind === 'load') return step.stageIds;
  return step.kind === 'report' ? ['report'] : [step.stageId];
}
