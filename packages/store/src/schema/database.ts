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
type TextOrNull = ColumnType<string | null, string | null | undefined, string | null>;

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
  /** The last connection test: null until the first one (and after the URL changes). */
  last_test_ok: ColumnType<
    boolean | number | null,
    boolean | number | null | undefined,
    boolean | number | null
  >;
  last_test_message: string | null;
  last_test_latency_ms: number | null;
  last_tested_at: ColumnType<Date | string | null, string | null | undefined, string | null>;
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
  records_uncommitted: Count;
  records_total: Count;
  records_total_is_estimate: Bool;
  failed_records: Count;
  throughput: Count;
  error_code: ColumnType<string | null, string | null | undefined, string | null>;
  error_message: ColumnType<string | null, string | null | undefined, string | null>;
  summary: JsonOrNull<object>;
  created_at: Time;
  /** The scheduled instant a run is for (schedule and backfill runs); null for manual runs. */
  logical_date: TimeOrNull;
  /** When the run's one SLA alert was claimed. */
  sla_alerted_at: TimeOrNull;
  /** The `status:attempt` whose failure or recovery alert has been decided (see scheduled-runs-repository.ts). */
  outcome_alerted: TextOrNull;
  /** Deaths of the process driving it (see migration 0008); a person's resume sets it back to 0. */
  abnormal_stops: Count;
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
  rows_uncommitted: Count;
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
  attempt: Generated<number>;
  attempt_rows: Generated<number>;
  running_ms: Generated<number>;
}

export interface UsersTable {
  id: string;
  /** As the user typed it, for display. */
  email: string;
  /** The email folded (trim, NFC, lower case): unique, and what sign-in looks up. */
  email_key: string;
  name: string;
  /** An argon2id PHC string (`$argon2id$v=19$m=…`), never the password. */
  password_hash: string;
  role: string;
  created_at: Time;
  updated_at: Time;
  disabled_at: TimeOrNull;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** The public part of the key (`dbk_<prefix>_…`): unique, shown in lists, how a key is looked up. */
  prefix: string;
  /** SHA-256 of the whole key, hex (see api-keys-repository.ts for why not argon2). */
  key_hash: string;
  role: string;
  created_by: TextOrNull;
  created_at: Time;
  expires_at: TimeOrNull;
  revoked_at: TimeOrNull;
  last_used_at: TimeOrNull;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Time;
  actor_kind: string;
  actor_id: TextOrNull;
  /** The actor's name or email when the entry was written: it outlives renames and deletions. */
  actor_display: string;
  action: string;
  target_kind: TextOrNull;
  target_id: TextOrNull;
  ip: TextOrNull;
  /** Scrubbed of secrets before it is written (see audit-scrub.ts). */
  details: JsonOrNull<object>;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  /** What the attempt counts against, e.g. `account:ada@example.com` or `address:203.0.113.9`. */
  key: string;
  at: Time;
}

/** A signed-in browser: the session cookie names one row, and stops working once it has ended. */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: Time;
  expires_at: Time;
  /** Set by sign-out, "sign out everywhere", a password or role change, or disabling the user. */
  ended_at: TimeOrNull;
}

export interface EngineRunsTable {
  execution_id: string;
  spec_name: string;
  spec_hash: string;
  status: string;
  started_at: Time;
  ended_at: TimeOrNull;
  target_before: string;
  plan: string;
  rows_total: string;
  pre_hooks_done: Bool;
}

export interface EngineRunNotesTable {
  execution_id: string;
  notes: string;
}

export interface EngineTasksTable {
  execution_id: string;
  task_id: string;
  /** Order of the tasks as the engine planned them. */
  position: number;
  mapping_id: string;
  range_json: TextOrNull;
}

export interface ScheduledRunsTable {
  project_id: string;
  logical_date: Time;
  /** `schedule` or `backfill`. */
  kind: string;
  /** `waiting`, `started` or `skipped`. */
  status: string;
  execution_id: TextOrNull;
  /** Why it waits or was skipped. */
  reason: TextOrNull;
  /** Ticks that changed its state or its reason. */
  attempts: Count;
  created_at: Time;
  updated_at: Time;
  started_at: TimeOrNull;
}

export interface ScheduleStatesTable {
  project_id: string;
  /** Cron, time zone and enabled flag as last seen: a change starts the timetable afresh. */
  timetable: string;
  /** The latest logical date the scheduler has handled (or the time the timetable was saved). */
  last_due_at: Time;
  updated_at: Time;
}

export interface SchedulerLeasesTable {
  name: string;
  holder: string;
  expires_at: Time;
}

export interface SyncCursorsTable {
  project_id: string;
  /** The mapping's source and target tables (the engine's cursorKey). */
  mapping_key: string;
  /** The cursor value as JSON (bigints tagged). */
  value_json: string;
  /** The execution that reached it. */
  execution_id: string;
  saved_at: Time;
  /** JSON list of `{ name, nativeType }`: the source columns that run read. */
  source_columns: TextOrNull;
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
  users: UsersTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  login_attempts: LoginAttemptsTable;
  sessions: SessionsTable;
  engine_runs: EngineRunsTable;
  engine_tasks: EngineTasksTable;
  engine_run_notes: EngineRunNotesTable;
  scheduled_runs: ScheduledRunsTable;
  schedule_states: ScheduleStatesTable;
  scheduler_leases: SchedulerLeasesTable;
  sync_cursors: SyncCursorsTable;
}
