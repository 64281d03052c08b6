import type { ColumnType, Generated } from 'kysely';

/**
 * The tables as the repositories see them after the last migration. Column types say what a read
 * returns on either database (see values.ts) and what a write takes.
 */
type Time = ColumnType<Date | string, string, string>;
type TimeOrNull = ColumnType<Date | string | null, string | null | undefined, string | null>;
type Bool = ColumnType<boolean | number, number | undefined, number>;
type Json<T extends object> = ColumnType<T | string, string, string>;
type JsonOrNull<T extends object> = ColumnType<T | string | null, string | null | undefined, string | null>;
type Count = ColumnType<number, number | undefined, number>;

export interface ConnectionsTable {
  id: string;
  name: string;
  kind: string;
  /** The URL with its password masked: safe to show. */
  display_url: string;
  /** The full URL, AES-256-GCM sealed (see secret-box.ts). */
  secret_url: string;
  key_version: number;
  created_at: Time;
  updated_at: Time;
}

export interface ProjectsTable {
  id: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  source_connection_id: string;
  target_connection_id: string;
  spec: Json<object>;
  created_at: Time;
  updated_at: Time;
}

export interface ExecutionsTable {
  id: string;
  project_id: string;
  status: string;
  trigger: string;
  attempt: Count;
  run_id: ColumnType<string | null, string | null | undefined, string | null>;
  started_at: TimeOrNull;
  ended_at: TimeOrNull;
  records_processed: Count;
  records_total: Count;
  records_total_is_estimate: Bool;
  failed_records: Count;
  throughput: Count;
  error_code: ColumnType<string | null, string | null | undefined, string | null>;
  error_message: ColumnType<string | null, string | null | undefined, string | null>;
  summary: JsonOrNull<object>;
  created_at: Time;
}

export interface StageRunsTable {
  execution_id: string;
  stage_id: string;
  status: string;
  started_at: TimeOrNull;
  ended_at: TimeOrNull;
  duration_seconds: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface TaskRunsTable {
  execution_id: string;
  task_id: string;
  mapping_id: string;
  stage_id: string;
  status: string;
  rows_total: ColumnType<number | null, number | null | undefined, number | null>;
  rows_read: Count;
  rows_written: Count;
  rows_rejected: Count;
  started_at: TimeOrNull;
  ended_at: TimeOrNull;
  attempt: Count;
  error_message: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CheckpointsTable {
  execution_id: string;
  task_id: string;
  position: ColumnType<string | null, string | null | undefined, string | null>;
  rows_written: Count;
  done: Bool;
  updated_at: Time;
}

export interface RejectedRowsTable {
  execution_id: string;
  mapping_id: string;
  table_name: string;
  count: Count;
  sample: Json<object>;
  file_path: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LogEntriesTable {
  id: Generated<number>;
  execution_id: string;
  time: Time;
  level: string;
  message: string;
  stack: ColumnType<string | null, string | null | undefined, string | null>;
  fields: JsonOrNull<object>;
}

export interface MetricsSamplesTable {
  id: Generated<number>;
  execution_id: string;
  time: Time;
  rows_processed: number;
  failed_rows: number;
  rows_per_second: number;
}

export interface Database {
  connections: ConnectionsTable;
  projects: ProjectsTable;
  executions: ExecutionsTable;
  stage_runs: StageRunsTable;
  task_runs: TaskRunsTable;
  checkpoints: CheckpointsTable;
  rejected_rows: RejectedRowsTable;
  log_entries: LogEntriesTable;
  metrics_samples: MetricsSamplesTable;
}
