import type { Checkpoint } from '../connectors/connection.ts';
import type { TableRef } from '../schema/model.ts';
import type { Value } from '../values.ts';

/** Where committed batch positions live: in the target database, beside the data they describe. */
export const CHECKPOINT_TABLE: TableRef = { schema: 'public', name: '_databridge_checkpoints' };

const TABLE = '"public"."_databridge_checkpoints"';

export const CREATE_CHECKPOINT_TABLE_SQL = `CREATE TABLE IF NOT EXISTS ${TABLE} (
  run_id text NOT NULL,
  task_id text NOT NULL,
  position text NOT NULL,
  rows_written bigint NOT NULL,
  done boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, task_id)
)`;

export const WRITE_CHECKPOINT_SQL = `INSERT INTO ${TABLE} (run_id, task_id, position, rows_written, done)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (run_id, task_id) DO UPDATE SET position = EXCLUDED.position,
  rows_written = EXCLUDED.rows_written, done = EXCLUDED.done, updated_at = now()`;

/** Task ids in byte order, whatever the database's collation. */
export const READ_CHECKPOINTS_SQL = `SELECT run_id, task_id, position, rows_written, done FROM ${TABLE}
WHERE run_id = $1 ORDER BY task_id COLLATE "C"`;

export function checkpointParams(checkpoint: Checkpoint): Value[] {
  const { runId, taskId, position, rowsWritten, done } = checkpoint;
  return [runId, taskId, position, rowsWritten, done];
}

interface CheckpointRow {
  run_id: string;
  task_id: string;
  position: string;
  rows_written: number | string;
  done: boolean;
}

export function checkpointFromRow(row: Record<string, unknown>): Checkpoint {
  const r = row as unknown as CheckpointRow;
  return {
    runId: r.run_id,
    taskId: r.task_id,
    position: r.position,
    rowsWritten: Number(r.rows_written),
    done: r.done,
  };
}
