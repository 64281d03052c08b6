import type { Checkpoint } from '../connectors/connection.ts';
import type { MysqlDialect } from './mysql-dialect.ts';
import type { Statement } from './mysql-select.ts';

/** Lives in the connected database; the introspector leaves it out. */
export const CHECKPOINT_TABLE = '_databridge_checkpoints';

function table(dialect: MysqlDialect): string {
  return dialect.qualify({ schema: dialect.defaultSchema, name: CHECKPOINT_TABLE });
}

/** InnoDB so that a checkpoint commits or rolls back with its batch; binary collation for exact ids. */
export function createCheckpointTableSql(dialect: MysqlDialect): string {
  return `CREATE TABLE IF NOT EXISTS ${table(dialect)} (
  run_id varchar(191) NOT NULL,
  task_id varchar(191) NOT NULL,
  position text NOT NULL,
  rows_written bigint NOT NULL,
  done boolean NOT NULL,
  updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (run_id, task_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
}

export function writeCheckpointStatement(dialect: MysqlDialect, checkpoint: Checkpoint): Statement {
  return {
    sql:
      `INSERT INTO ${table(dialect)} (run_id, task_id, position, rows_written, done, updated_at) ` +
      'VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP) ON DUPLICATE KEY UPDATE position = VALUES(position), ' +
      'rows_written = VALUES(rows_written), done = VALUES(done), updated_at = CURRENT_TIMESTAMP',
    params: [
      checkpoint.runId,
      checkpoint.taskId,
      checkpoint.position,
      checkpoint.rowsWritten,
      checkpoint.done,
    ],
  };
}

export function readCheckpointsStatement(dialect: MysqlDialect, runId: string): Statement {
  return {
    sql: `SELECT run_id, task_id, position, rows_written, done FROM ${table(dialect)} WHERE run_id = ? ORDER BY task_id`,
    params: [runId],
  };
}

/** A row of readCheckpointsStatement, whose values the type cast already made numbers and booleans. */
export function toCheckpoint(row: Record<string, unknown>): Checkpoint {
  return {
    runId: String(row.run_id),
    taskId: String(row.task_id),
    position: String(row.position),
    rowsWritten: Number(row.rows_written),
    done: row.done === true || row.done === 1,
  };
}
