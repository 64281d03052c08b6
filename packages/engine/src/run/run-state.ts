import type { KeyRange } from '../connectors/connection.ts';
import type { PlanWarning } from '../plan/plan-types.ts';
import type { CleanseSummary } from '../staging/cleanse-counts.ts';
import type { Value } from '../values.ts';
import type { DeferredForeignKey } from './deferred-foreign-keys.ts';
import type { HookResult } from './hooks.ts';
import type { RejectedRow } from './rejected-row.ts';
import type { RunSummary, SnapshotNote, SyncSummary } from './run-summary.ts';
import type { SavedCursor, SourceColumn } from './sync-window.ts';
import type { TableValidation } from './validate.ts';
import type { RuleResult } from './validation-rules.ts';

/**
 * What a run must remember between its stages, which may run in different processes on different
 * machines: the plan as it was made, the tasks with their key ranges (fixed at the start, so a resume
 * splits the work exactly as before), what the target held before, and what each stage found.
 * Checkpoints are not here: they live in the target, committed with each batch.
 *
 * Two implementations: the CLI's local SQLite file (SqliteRunState) and the metadata store (queue).
 * Nothing stored here may carry a secret: the plan is kept without the spec, whose URLs have passwords.
 */
export interface RunStateStore {
  createRun(run: NewRun, tasks: readonly TaskRecord[]): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  tasks(runId: string): Promise<TaskRecord[]>;
  markPreHooksDone(id: string): Promise<void>;
  markRunning(id: string): Promise<void>;
  finishRun(id: string, status: RunStatus, summary: RunSummary): Promise<void>;
  /** Merges findings into the run's notes (each key replaces what was there). */
  saveNotes(id: string, notes: Partial<RunNotes>): Promise<void>;
  notes(id: string): Promise<RunNotes>;
  /** Keeps the first rejected rows of a mapping for the report (the rejects files hold them all). */
  addRejectedSamples(id: string, mappingId: string, rows: readonly RejectedRow[]): Promise<void>;
  rejectedSamples(id: string): Promise<RejectedRow[]>;
  /**
   * The cursors incremental mappings saved at the end of their last completed run, by cursorKey:
   * per project in the metadata store (the run id is its execution's), per spec name in the CLI.
   */
  savedCursors(runId: string, specName: string): Promise<Record<string, SavedCursor>>;
  /**
   * Saves the cursors a run reached, once it has completed its validation, with the source columns
   * each mapping read them from (the next run reports what changed: schema-drift.ts).
   */
  saveCursors(
    runId: string,
    specName: string,
    cursors: Readonly<Record<string, Value>>,
    columns?: Readonly<Record<string, readonly SourceColumn[]>>,
  ): Promise<void>;
}

export interface NewRun {
  readonly id: string;
  readonly specName: string;
  readonly specHash: string;
  readonly startedAt: string;
  /** Target row counts before the first load, by target table, for the validate stage. */
  readonly targetBefore: Record<string, number>;
  /** The plan's mappings and warnings, encoded by plan-codec (no spec, so no URL). */
  readonly plan: string;
  /** Source rows to move by mapping id, and whether the number is a statistics estimate. */
  readonly rowsTotal: Record<string, { readonly rows: number; readonly estimate: boolean }>;
}

export interface RunRecord extends NewRun {
  readonly status: RunStatus;
  readonly endedAt: string | null;
  readonly preHooksDone: boolean;
}

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface TaskRecord {
  readonly id: string;
  readonly mappingId: string;
  readonly range: KeyRange | null;
}

/** What the stages found, kept for the report. */
export interface RunNotes {
  readonly hooks: readonly HookResult[];
  readonly validation: readonly TableValidation[];
  readonly rules: readonly RuleResult[];
  /** Warnings found while running (a foreign key that could not be added), beside the plan's. */
  readonly warnings: readonly PlanWarning[];
  /** Foreign keys dropped for the load, with where each stands (see deferred-foreign-keys.ts). */
  readonly deferredForeignKeys: readonly DeferredForeignKey[];
  /** Rows taken out of created tables after the load because their parent row was rejected, by mapping. */
  readonly orphansRejected: Readonly<Record<string, number>>;
  /** Target rows deleted by key comparison, by mapping (kept so that a repeated stage counts them once). */
  readonly syncDeleted: Readonly<Record<string, number>>;
  /** Incremental mappings: counts, checksum and cursors of the run (sync-outcome.ts). */
  readonly sync: readonly SyncSummary[];
  /** A staged run: what its extract's source snapshot guaranteed (the last attempt that read). */
  readonly sourceSnapshot?: SnapshotNote;
  /** A staged run's cleanse stage: what each step took out, by mapping id (staging/cleanse-stage.ts). */
  readonly cleanse: Readonly<Record<string, CleanseSummary>>;
}

export const EMPTY_NOTES: RunNotes = {
  hooks: [],
  validation: [],
  rules: [],
  warnings: [],
  deferredForeignKeys: [],
  orphansRejected: {},
  syncDeleted: {},
  sync: [],
  cleanse: {},
};

/** How many rejected rows per mapping a report shows. */
export const REJECTED_SAMPLES = 20;

/** A cursor value as JSON: bigints as tagged strings. */
export function cursorToJson(value: Value): string {
  return JSON.stringify(typeof value === 'bigint' ? { bigint: value.toString() } : value);
}

export function cursorFromJson(text: string): Value {
  const json = JSON.parse(text) as Value | { bigint: string };
  return json && typeof json === 'object' && 'bigint' in json ? BigInt(json.bigint) : (json as Value);
}

// Key bounds may be bigints (beyond 2^53); JSON carries them as tagged strings.
export function rangeToJson(range: KeyRange): string {
  const enc = (v: unknown) => (typeof v === 'bigint' ? { bigint: v.toString() } : v);
  return JSON.stringify({ column: range.column, from: enc(range.from), to: enc(range.to) });
}

export function rangeFromJson(text: string): KeyRange {
  const json = JSON.parse(text) as { column: string; from?: unknown; to?: unknown };
  const dec = (v: unknown) =>
    v && typeof v === 'object' && 'bigint' in v
      ? BigInt((v as { bigint: string }).bigint)
      : (v as KeyRange['from']);
  return {
    column: json.column,
    ...(json.from !== undefined && json.from !== null ? { from: dec(json.from) } : {}),
    ...(json.to !== undefined && json.to !== null ? { to: dec(json.to) } : {}),
  };
}
