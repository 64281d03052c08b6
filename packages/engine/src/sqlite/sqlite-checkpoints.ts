import type Database from 'better-sqlite3';
import type { Checkpoint } from '../connectors/connection.ts';
import type { Bindable } from './sqlite-encode.ts';

export const CHECKPOINT_TABLE = '_databridge_checkpoints';

export const CREATE_CHECKPOINT_TABLE = `CREATE TABLE IF NOT EXISTS "main"."${CHECKPOINT_TABLE}" (
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  position TEXT NOT NULL,
  rows_written INTEGER NOT NULL,
  done INTEGER NOT NULL,
  updated_at TEXT DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (run_id, task_id)
)`;

/** Runs in the load session's transaction, so the checkpoint commits or rolls back with its batch. */
export const UPSERT_CHECKPOINT = `INSERT INTO "main"."${CHECKPOINT_TABLE}"
  (run_id, task_id, position, rows_written, done, updated_at) VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)
  ON CONFLICT (run_id, task_id) DO UPDATE SET position = excluded.position,
  rows_written = excluded.rows_written, done = excluded.done, updated_at = excluded.updated_at`;

export function checkpointParams(checkpoint: Checkpoint): Bindable[] {
  const { runId, taskId, position, rowsWritten, done } = checkpoint;
  return [runId, taskId, position, rowsWritten, done ? 1 : 0];
}

interface CheckpointRow {
  run_id: string;
  task_id: string;
  position: string;
  rows_written: number;
  done: number;
}

/** A run's committed checkpoints by task id; none when the table was never created. */
export function readCheckpoints(db: Database.Database, runId: string): Checkpoint[] {
  const exists = db
    .prepare(`SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?`)
    .pluck()
    .get(CHECKPOINT_TABLE);
  if (!exists) return [];
  const rows = db
    .prepare(
      `SELECT run_id, task_id, position, rows_written, done FROM "main"."${CHECKPOINT_TABLE}"
       WHERE run_id = ? ORDER BY task_id`,
    )
    .all(runId) as CheckpointRow[];
  return rows.map((r) => ({
    runId: r.run_id,
    taskId: r.task_id,
    position: r.position,
    rowsWritten: Number(r.rows_written),
    done: r.done === 1,
  }));
}
