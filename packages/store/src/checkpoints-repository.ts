import type { Selectable } from 'kysely';
import type { Store } from './open-store.ts';
import type { CheckpointsTable } from './schema/database.ts';
import { readBool, readTime, writeBool } from './values.ts';

/**
 * Where a task has got to, as a copy in the store. No executor writes or reads it today (only tests
 * do): the engine keeps the exact fence in the target database, committed with each batch, and a
 * resume reads it there. Wire it to a display or remove it, with its table.
 */
export interface Checkpoint {
  readonly executionId: string;
  readonly taskId: string;
  /** The engine's encoded key position of the last committed row; null before the first batch. */
  readonly position: string | null;
  readonly rowsWritten: number;
  readonly done: boolean;
  readonly updatedAt: string;
}

export interface CheckpointState {
  readonly taskId: string;
  readonly position: string | null;
  readonly rowsWritten: number;
  readonly done: boolean;
}

export async function saveCheckpoint(
  store: Store,
  executionId: string,
  state: CheckpointState,
): Promise<void> {
  const values = {
    position: state.position,
    rows_written: state.rowsWritten,
    done: writeBool(state.done),
    updated_at: new Date().toISOString(),
  };
  await store.db
    .insertInto('checkpoints')
    .values({ execution_id: executionId, task_id: state.taskId, ...values })
    .onConflict((oc) => oc.columns(['execution_id', 'task_id']).doUpdateSet(values))
    .execute();
}

export async function getCheckpoint(
  store: Store,
  executionId: string,
  taskId: string,
): Promise<Checkpoint | undefined> {
  const row = await store.db
    .selectFrom('checkpoints')
    .selectAll()
    .where('execution_id', '=', executionId)
    .where('task_id', '=', taskId)
    .executeTakeFirst();
  return row && toCheckpoint(row);
}

export async function listCheckpoints(store: Store, executionId: string): Promise<Checkpoint[]> {
  const rows = await store.db
    .selectFrom('checkpoints')
    .selectAll()
    .where('execution_id', '=', executionId)
    .orderBy('task_id')
    .execute();
  return rows.map(toCheckpoint);
}

function toCheckpoint(row: Selectable<CheckpointsTable>): Checkpoint {
  return {
    executionId: row.execution_id,
    taskId: row.task_id,
    position: row.position,
    rowsWritten: row.rows_written,
    done: readBool(row.done),
    updatedAt: readTime(row.updated_at),
  };
}
