import { STAGES, type StageId } from '@databridge/engine';
import { type Selectable, sql } from 'kysely';
import { StoreError } from './errors.ts';
import type { Store } from './open-store.ts';
import type { TaskRunsTable } from './schema/database.ts';
import { canMove, type RunStatus } from './statuses.ts';
import { readTimeOrNull, type TimeInput, toIsoOrNull } from './values.ts';

/** One engine task of an execution: a table mapping, or one key range of a large table. */
export interface TaskRun {
  readonly executionId: string;
  /** The engine's task id, e.g. `m3.p2` (mapping 3, part 2). */
  readonly taskId: string;
  readonly mappingId: string;
  readonly stageId: StageId;
  readonly status: RunStatus;
  readonly rowsTotal: number | null;
  readonly rowsRead: number;
  readonly rowsWritten: number;
  /** Rows sent into the task's load transaction, not committed yet. */
  readonly rowsUncommitted: number;
  readonly rowsRejected: number;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly attempt: number;
  readonly errorMessage: string | null;
}

/** A task's whole state as the executor holds it; it replaces what was stored. */
export interface TaskRunState {
  readonly taskId: string;
  readonly mappingId: string;
  readonly stageId: StageId;
  readonly status: RunStatus;
  readonly rowsRead: number;
  readonly rowsWritten: number;
  /** Defaults to 0. */
  readonly rowsUncommitted?: number;
  readonly rowsRejected: number;
  readonly rowsTotal?: number | null;
  readonly startedAt?: TimeInput | null;
  readonly endedAt?: TimeInput | null;
  /** Defaults to 1. */
  readonly attempt?: number;
  readonly errorMessage?: string | null;
}

const CHUNK = 200;

/**
 * Inserts or replaces task states, one statement per 200: the executor's per-second flush. A change
 * of status the state machine does not allow (statuses.ts) throws `invalid_transition`, and nothing
 * of that chunk is written.
 */
export async function upsertTaskRuns(
  store: Store,
  executionId: string,
  tasks: readonly TaskRunState[],
): Promise<void> {
  for (let i = 0; i < tasks.length; i += CHUNK) {
    const chunk = tasks.slice(i, i + CHUNK);
    const stored = await store.db
      .selectFrom('task_runs')
      .select(['task_id', 'status'])
      .where('execution_id', '=', executionId)
      .where(
        'task_id',
        'in',
        chunk.map((t) => t.taskId),
      )
      .execute();
    const now = new Map(stored.map((r) => [r.task_id, r.status]));
    for (const t of chunk) {
      const from = now.get(t.taskId);
      if (from !== undefined && !canMove('task', from, t.status)) {
        throw new StoreError(
          'invalid_transition',
          `task ${t.taskId} of execution ${executionId} cannot go from ${from} to ${t.status}`,
        );
      }
    }
    const rows = chunk.map((t) => ({
      execution_id: executionId,
      task_id: t.taskId,
      mapping_id: t.mappingId,
      stage_id: t.stageId,
      status: t.status,
      rows_total: t.rowsTotal ?? null,
      rows_read: t.rowsRead,
      rows_written: t.rowsWritten,
      rows_uncommitted: t.rowsUncommitted ?? 0,
      rows_rejected: t.rowsRejected,
      started_at: toIsoOrNull(t.startedAt),
      ended_at: toIsoOrNull(t.endedAt),
      attempt: t.attempt ?? 1,
      error_message: t.errorMessage ?? null,
    }));
    await store.db
      .insertInto('task_runs')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['execution_id', 'task_id']).doUpdateSet((eb) => ({
          mapping_id: eb.ref('excluded.mapping_id'),
          stage_id: eb.ref('excluded.stage_id'),
          status: eb.ref('excluded.status'),
          rows_total: eb.ref('excluded.rows_total'),
          rows_read: eb.ref('excluded.rows_read'),
          rows_written: eb.ref('excluded.rows_written'),
          rows_uncommitted: eb.ref('excluded.rows_uncommitted'),
          rows_rejected: eb.ref('excluded.rows_rejected'),
          started_at: eb.ref('excluded.started_at'),
          ended_at: eb.ref('excluded.ended_at'),
          attempt: eb.ref('excluded.attempt'),
          error_message: eb.ref('excluded.error_message'),
        })),
      )
      .execute();
  }
}

export function upsertTaskRun(store: Store, executionId: string, task: TaskRunState): Promise<void> {
  return upsertTaskRuns(store, executionId, [task]);
}

/** An execution's tasks, by stage then task id (`m2.p10` after `m2.p9`); optionally one stage's only. */
export async function listTaskRuns(
  store: Store,
  executionId: string,
  options: { stageId?: StageId } = {},
): Promise<TaskRun[]> {
  let query = store.db.selectFrom('task_runs').selectAll().where('execution_id', '=', executionId);
  if (options.stageId) query = query.where('stage_id', '=', options.stageId);
  const rows = await query.execute();
  const stage = (id: string) => STAGES.indexOf(id as StageId);
  return rows
    .sort((a, b) => stage(a.stage_id) - stage(b.stage_id) || NATURAL.compare(a.task_id, b.task_id))
    .map(toTaskRun);
}

/** The rows an execution's tasks wrote, hold uncommitted and rejected, summed over every task. */
export interface TaskRowTotals {
  readonly written: number;
  readonly uncommitted: number;
  readonly rejected: number;
}

/**
 * The sums of an execution's task rows: every worker writes its own tasks, so any process reading
 * the sums computes the same progress. Zeros for an execution with no task yet.
 */
export async function sumTaskRunRows(store: Store, executionId: string): Promise<TaskRowTotals> {
  const row = await store.db
    .selectFrom('task_runs')
    .select([
      sql<number>`coalesce(sum(rows_written), 0)`.as('written'),
      sql<number>`coalesce(sum(rows_uncommitted), 0)`.as('uncommitted'),
      sql<number>`coalesce(sum(rows_rejected), 0)`.as('rejected'),
    ])
    .where('execution_id', '=', executionId)
    .executeTakeFirstOrThrow();
  // PostgreSQL returns sums of bigint as text.
  return {
    written: Number(row.written),
    uncommitted: Number(row.uncommitted),
    rejected: Number(row.rejected),
  };
}

const NATURAL = new Intl.Collator('en', { numeric: true });

function toTaskRun(row: Selectable<TaskRunsTable>): TaskRun {
  return {
    executionId: row.execution_id,
    taskId: row.task_id,
    mappingId: row.mapping_id,
    stageId: row.stage_id as StageId,
    status: row.status as RunStatus,
    rowsTotal: row.rows_total,
    rowsRead: row.rows_read,
    rowsWritten: row.rows_written,
    rowsUncommitted: row.rows_uncommitted,
    rowsRejected: row.rows_rejected,
    startedAt: readTimeOrNull(row.started_at),
    endedAt: readTimeOrNull(row.ended_at),
    attempt: row.attempt,
    errorMessage: row.error_message,
  };
}
