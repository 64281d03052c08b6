import {
  type ArtefactStore,
  type PublishOptions,
  RunSession,
  type SqliteFolder,
  type StagingDatabase,
} from '@databridge/engine';
import { type Execution, type Store, storeRunState } from '@databridge/store';
import { backfillSyncRange } from './backfill-sync-range.ts';
import type { ExecutionLog } from './execution-log.ts';
import { executionSpec } from './execution-spec.ts';

export interface RunDeps {
  readonly store: Store;
  /** Reports, rejects files and run logs: `<dataDir>/reports/<executionId>/`. */
  readonly reportsDir: string;
  /**
   * Where an ended run's report, log, rejects and DDL are uploaded from `reportsDir` (the object
   * store); unset or the local folder: they stay where the run wrote them.
   */
  readonly artefacts?: ArtefactStore;
  /** Tries and backoff of those uploads (default: 5 tries, 0.5 s doubling). */
  readonly artefactRetry?: Pick<PublishOptions, 'attempts' | 'firstDelayMs'>;
  /**
   * Set where tasks of one run execute in several processes (BullMQ workers): this process's name,
   * under which it uploads the rejects it wrote (`rejects/<writer>/…`) after each task and at the end.
   */
  readonly artefactWriter?: string;
  /**
   * A server's SQLite folder: its runs open SQLite files only there, and hooks, rules, expressions
   * and filters cannot reach other files. `databridge serve` and `worker` always set it.
   */
  readonly sqliteFolder?: SqliteFolder;
  /** How long a pause or shutdown lets a statement in flight run on before it is ended. Default 10 s. */
  readonly stopGraceMs?: number;
  /** STAGING_DATABASE_URL, for projects whose spec says `pipeline.staging: database`. */
  readonly staging?: StagingDatabase;
}

/**
 * Opens the engine's session for an execution: its project's spec with the URLs revealed, the run
 * state in the store, the log into the store. The engine run id is the execution id, so the target's
 * checkpoints and the store's rows of one execution share a key.
 */
export async function openExecutionSession(
  deps: RunDeps,
  execution: Execution,
  signal: AbortSignal,
  log: ExecutionLog,
): Promise<RunSession> {
  const { spec, specHash } = await executionSpec(deps.store, execution.projectId, execution);
  const syncRange = await backfillSyncRange(deps.store, execution.id, spec);
  return RunSession.open({
    spec,
    specHash,
    runId: execution.id,
    state: storeRunState(deps.store),
    reportsDir: deps.reportsDir,
    signal,
    onLog: log.sink,
    ...(deps.stopGraceMs === undefined ? {} : { stopGraceMs: deps.stopGraceMs }),
    ...(deps.sqliteFolder ? { sqliteFolder: deps.sqliteFolder } : {}),
    ...(syncRange ? { syncRange } : {}),
    ...(deps.staging ? { staging: deps.staging } : {}),
    ...(deps.artefacts ? { artefacts: deps.artefacts } : {}),
  });
}
