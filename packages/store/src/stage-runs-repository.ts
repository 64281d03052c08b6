import { STAGES, type StageId } from '@databridge/engine';
import type { Selectable } from 'kysely';
import { StoreError } from './errors.ts';
import type { Store } from './open-store.ts';
import type { StageRunsTable } from './schema/database.ts';
import { canMove, type RunStatus } from './statuses.ts';
import { readTimeOrNull, type TimeInput, toIsoOrNull } from './values.ts';

/** One of an execution's six stages: extract, transform, load_dimensions, load_facts, validate, report. */
export interface StageRun {
  readonly executionId: string;
  readonly stageId: StageId;
  readonly status: RunStatus;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly durationSeconds: number | null;
}

export interface StageRunState {
  readonly status: RunStatus;
  readonly startedAt?: TimeInput | null;
  readonly endedAt?: TimeInput | null;
}

/** Adds every stage to an execution, pending (createExecution does this). */
export async function createStageRuns(store: Store, executionId: string): Promise<void> {
  await store.db
    .insertInto('stage_runs')
    .values(STAGES.map((stageId) => ({ execution_id: executionId, stage_id: stageId, status: 'pending' })))
    .onConflict((oc) => oc.columns(['execution_id', 'stage_id']).doNothing())
    .execute();
}

/**
 * Records a stage's state (the executor's StageProgress). A time left out keeps its stored value;
 * the duration is worked out once both the start and the end are known.
 */
export async function upsertStageRun(
  store: Store,
  executionId: string,
  stageId: StageId,
  state: StageRunState,
): Promise<void> {
  const endedAt = state.endedAt === undefined ? undefined : toIsoOrNull(state.endedAt);
  let startedAt = state.startedAt === undefined ? undefined : toIsoOrNull(state.startedAt);
  const stored = await store.db
    .selectFrom('stage_runs')
    .select(['started_at', 'status'])
    .where('execution_id', '=', executionId)
    .where('stage_id', '=', stageId)
    .executeTakeFirst();
  if (stored && !canMove('stage', stored.status, state.status)) {
    throw new StoreError(
      'invalid_transition',
      `stage ${stageId} of execution ${executionId} cannot go from ${stored.status} to ${state.status}`,
    );
  }
  if (startedAt === undefined && endedAt) startedAt = readTimeOrNull(stored?.started_at ?? null);
  const duration = startedAt && endedAt ? (Date.parse(endedAt) - Date.parse(startedAt)) / 1000 : null;
  const values = {
    status: state.status,
    started_at: startedAt,
    ended_at: endedAt,
    duration_seconds: endedAt === undefined ? undefined : duration,
  };
  await store.db
    .insertInto('stage_runs')
    .values({ execution_id: executionId, stage_id: stageId, ...values })
    .onConflict((oc) => oc.columns(['execution_id', 'stage_id']).doUpdateSet(values))
    .execute();
}

/**
 * Marks a waiting stage (pending, queued, paused, interrupted) running, in one statement: of tasks
 * starting at once on several workers, only one starts their stage. Says whether this call did.
 */
export async function startWaitingStage(
  store: Store,
  executionId: string,
  stageId: StageId,
): Promise<boolean> {
  const result = await store.db
    .updateTable('stage_runs')
    .set({ status: 'running', started_at: toIsoOrNull(new Date()), ended_at: null, duration_seconds: null })
    .where('execution_id', '=', executionId)
    .where('stage_id', '=', stageId)
    .where('status', 'in', ['pending', 'queued', 'paused', 'interrupted'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** An execution's stages in pipeline order. */
export async function listStageRuns(store: Store, executionId: string): Promise<StageRun[]> {
  const rows = await store.db
    .selectFrom('stage_runs')
    .selectAll()
    .where('execution_id', '=', executionId)
    .execute();
  const order = (id: string) => STAGES.indexOf(id as StageId);
  return rows.sort((a, b) => order(a.stage_id) - order(b.stage_id)).map(toStageRun);
}

function toStageRun(row: Selectable<StageRunsTable>): StageRun {
  return {
    executionId: row.execution_id,
    stageId: row.stage_id as StageId,
    status: row.status as RunStatus,
    startedAt: readTimeOrNull(row.started_at),
    endedAt: readTimeOrNull(row.ended_at),
    durationSeconds: row.duration_seconds,
  };
}
