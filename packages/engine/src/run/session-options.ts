import type { ArtefactStore } from '../artefacts/artefact-store.ts';
import type { SqliteFolder } from '../connectors/connection.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import type { StagingDatabase } from '../staging/staging-config.ts';
import type { RunLogEntry } from './run-log.ts';
import type { RunStateStore } from './run-state.ts';
import type { SyncRange } from './sync-window.ts';

export interface SessionOptions {
  readonly spec: MigrationSpec;
  /** Identifies the spec's content; recorded with the run. */
  readonly specHash: string;
  readonly runId: string;
  readonly state: RunStateStore;
  readonly reportsDir: string;
  readonly lineOf?: (path: readonly (string | number)[]) => string;
  /** Stops every long operation of the session (pause, cancel, a failed sibling task). */
  readonly signal: AbortSignal;
  /** Receives every log line written at or above the pipeline's level. */
  readonly onLog?: (entry: RunLogEntry) => void;
  /**
   * After an abort (a pause, a shutdown, Ctrl-C), how long a statement in flight may run on to its
   * batch boundary before it is ended; an abort with the reason STOP_NOW (a cancel) ends it at once.
   * Default 10 s.
   */
  readonly stopGraceMs?: number;
  /** A server's confinement of SQLite files and statements (none for the CLI). */
  readonly sqliteFolder?: SqliteFolder;
  /**
   * A backfill of a date range: incremental mappings read the rows whose cursor falls in it instead
   * of those past their saved cursor, which the run neither uses nor moves.
   */
  readonly syncRange?: SyncRange;
  /**
   * The staging database configured (STAGING_DATABASE_URL, `--staging`), checked against the spec's
   * `pipeline.staging` before any database is opened.
   */
  readonly staging?: StagingDatabase;
  /**
   * Where the extract archive goes (`pipeline.extractArchive`), under `<run id>/extracts/`: the
   * object store of a server, else the local folder `reportsDir` (the default).
   */
  readonly artefacts?: ArtefactStore;
  /** Rows per extract archive part (see extract-archive-task.ts). Default 1,000,000. */
  readonly extractPartRows?: number;
}

/** How long a statement may run on after a pause or shutdown; see SessionOptions.stopGraceMs. */
export const STOP_GRACE_MS = 10_000;
