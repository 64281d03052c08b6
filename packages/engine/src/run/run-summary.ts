import type { ArtefactsOutcome } from '../artefacts/publish-artefacts.ts';
import type { SnapshotGuarantee } from '../connectors/connection.ts';
import type { PlanWarning, StageId } from '../plan/plan-types.ts';
import type { CleanseSummary } from '../staging/cleanse-counts.ts';
import type { Value } from '../values.ts';
import type { HookResult } from './hooks.ts';
import type { StageStatus } from './progress.ts';
import type { RejectedRow } from './rejected-row.ts';
import type { TableValidation } from './validate.ts';
import type { RuleResult } from './validation-rules.ts';

/** `paused` only comes back from a run paused through its signal: it has no report and resumes. */
export type RunOutcome = 'completed' | 'failed' | 'cancelled' | 'paused';

export interface TableSummary {
  readonly mappingId: string;
  readonly source: string;
  readonly target: string;
  readonly stage: 'load_dimensions' | 'load_facts';
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly rowsRejected: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** The JSON-lines file of this table's rejected rows, when it has any. */
  readonly rejectsFile: string | null;
}

export interface StageSummary {
  readonly id: StageId;
  readonly status: StageStatus;
  readonly seconds: number;
}

/** What an incremental mapping moved in one run (spec `sync`). */
export interface SyncSummary {
  readonly mappingId: string;
  /** Target table, `schema.table`. */
  readonly table: string;
  readonly mode: 'incremental_append' | 'incremental_upsert';
  /** The cursor column. */
  readonly cursor: string;
  /** Saved by the last completed run; null for a first run, a full load. */
  readonly cursorBefore: Value | null;
  /** Saved by this run (the highest value it covered); the same as before until the run completes. */
  readonly cursorAfter: Value | null;
  readonly rowsRead: number;
  readonly inserted: number;
  /** Rows upserted onto a key the target had (rows re-read at the boundary among them). */
  readonly updated: number;
  /** Target rows whose key the source no longer has, deleted (`deletes: { compareKeys: true }`). */
  readonly deleted: number;
  /** Rows read with the soft-delete column set (copied like any other row). */
  readonly softDeleted: number | null;
  /** PostgreSQL-mode checksum of the rows moved (run/checksum.ts); null where values were transformed. */
  readonly checksum: string | null;
}

/** Everything a run reports: printed by `--json`, written as report.json and rendered as report.html. */
/** What the report says about the source rows a staged extract copied. */
export interface SnapshotNote {
  readonly guarantee: SnapshotGuarantee;
  readonly message: string;
}

export interface RunSummary {
  readonly runId: string;
  readonly specName: string;
  readonly status: RunOutcome;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly source: string;
  readonly target: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly seconds: number;
  readonly stages: readonly StageSummary[];
  readonly tables: readonly TableSummary[];
  readonly totals: {
    readonly rowsRead: number;
    readonly rowsWritten: number;
    readonly rowsRejected: number;
    readonly rowsPerSecond: number;
  };
  readonly warnings: readonly PlanWarning[];
  readonly validation: readonly TableValidation[];
  /** Incremental mappings' counts and cursors, before and after (absent in summaries of older versions). */
  readonly sync?: readonly SyncSummary[];
  /** A staged run: which snapshot guarantee its extract of the source held, in words. */
  readonly sourceSnapshot?: SnapshotNote;
  /** A staged run's cleanse stage, by mapping: staged rows, what each step took out, rows left to load. */
  readonly cleanse?: readonly CleanseSummary[];
  /** Pre- and post-migration hooks, in the order they ran. */
  readonly hooks: readonly HookResult[];
  /** Custom validation rules and their outcome. */
  readonly rules: readonly RuleResult[];
  /** The first rejected rows of each table (the rejects files hold them all). */
  readonly rejectedRows: readonly RejectedRow[];
  readonly report: { readonly json: string; readonly html: string } | null;
  /** The run's log (JSON lines, at the pipeline's log level). */
  readonly log: string;
  /** Set when the run stopped part-way: the command that finishes it. */
  readonly resumeWith: string | null;
  /**
   * Where the report, log, rejects and DDL were stored (servers and workers; the CLI leaves them in
   * its local folder and says nothing), and why not yet when an upload failed.
   */
  readonly artefacts?: ArtefactsOutcome;
}
