import type { Migration } from 'kysely';
import { type ColumnTypes, columnTypes, type StoreDialect } from '../schema/column-types.ts';
import { core } from './0001-core.ts';
import { runTelemetry } from './0002-run-telemetry.ts';
import { security } from './0003-security.ts';
import { engineRuns } from './0004-engine-runs.ts';
import { schedules } from './0005-schedules.ts';
import { sessions } from './0006-sessions.ts';
import { connectionTests } from './0007-connection-tests.ts';
import { abnormalStops } from './0008-abnormal-stops.ts';
import { attemptThroughput } from './0009-attempt-throughput.ts';
import { uncommittedRows } from './0010-uncommitted-rows.ts';
import { syncCursors } from './0011-sync-cursors.ts';

/**
 * Every migration, in order. Kysely runs them sorted by name, so names start with a zero-padded
 * number; a shipped migration is never edited or renamed, only followed by a new one.
 */
const ALL: Record<string, (t: ColumnTypes) => Migration> = {
  '0001_core': core,
  '0002_run_telemetry': runTelemetry,
  '0003_security': security,
  '0004_engine_runs': engineRuns,
  '0005_schedules': schedules,
  '0006_sessions': sessions,
  '0007_connection_tests': connectionTests,
  '0008_abnormal_stops': abnormalStops,
  '0009_attempt_throughput': attemptThroughput,
  '0010_uncommitted_rows': uncommittedRows,
  '0011_sync_cursors': syncCursors,
};

export const MIGRATION_NAMES: readonly string[] = Object.keys(ALL);

export function migrationsFor(dialect: StoreDialect): Record<string, Migration> {
  const t = columnTypes(dialect);
  return Object.fromEntries(Object.entries(ALL).map(([name, make]) => [name, make(t)]));
}
