import type { ColumnInfo, NormalisedType, TableInfo } from '../schema/model.ts';
import type { LoadMode, MigrationSpec, StringOperation } from '../spec/spec-schema.ts';
import type { Value } from '../values.ts';
import type { SchemaDdl } from './schema-ddl-types.ts';

export const STAGES = [
  'extract',
  'transform',
  'load_dimensions',
  'load_facts',
  'validate',
  'report',
] as const;
export type StageId = (typeof STAGES)[number];

export interface PlannedColumn {
  readonly target: ColumnInfo;
  readonly source?: ColumnInfo;
  readonly expression?: string;
  /** Used when the source value is NULL, or for every row when there is no source. */
  readonly defaultValue?: Value;
  readonly transform: readonly StringOperation[];
  /** What a value the target cannot take does: reject the row, or store null, truncate, clamp. */
  readonly onInvalid: 'reject' | 'null' | 'truncate' | 'clamp';
  /** Loaded as NULL, then filled once every row exists: breaks a foreign-key cycle or self-reference. */
  readonly deferred: boolean;
}

export interface PlannedMapping {
  /** Stable within a spec: `m1`, `m2`, … in spec order. */
  readonly id: string;
  readonly index: number;
  readonly source: TableInfo;
  /** The target table; synthesised from the source when `createTarget`. */
  readonly target: TableInfo;
  readonly createTarget: boolean;
  readonly mode: LoadMode;
  /** Target columns a row is matched on for `upsert`. */
  readonly conflictKey: readonly string[];
  readonly where: string | undefined;
  readonly columns: readonly PlannedColumn[];
  /** Source columns that order and page the reads (primary key, else a NOT NULL unique key); empty when none. */
  readonly sourceKey: readonly string[];
  /** Every column a direct copy: the validate stage compares checksums. */
  readonly plainCopy: boolean;
  readonly stage: 'load_dimensions' | 'load_facts';
  /** Foreign-key level within the stage: 0 loads first. */
  readonly level: number;
  /** Set for an incremental mapping: its cursor, and once the run started, its window. */
  readonly sync?: PlannedSync;
}

/** An incremental mapping's plan (spec `sync`); see plan-sync.ts and sync-window.ts. */
export interface PlannedSync {
  readonly mode: 'incremental_append' | 'incremental_upsert';
  /** The source cursor column, as the source names it. */
  readonly cursor: string;
  readonly cursorType: NormalisedType;
  readonly lookbackSeconds: number;
  readonly softDeleteColumn?: string;
  /** After the load, delete target rows whose key the source no longer has. */
  readonly compareKeys: boolean;
  /** Copy unnamed source columns, adding new ones to the target (spec `sync.addColumns`). */
  readonly addColumns?: boolean;
  /** The rows this run reads, fixed when it starts so that a resume reads the very same. */
  readonly window?: SyncWindow;
}

/**
 * The cursor values one run covers: from the saved cursor (less the lookback; none on a first run,
 * which loads every row) up to the highest value the source held when the run started. The saved
 * cursor moves to `upper` once the run has completed.
 */
export interface SyncWindow {
  /** The cursor saved by the last completed run; null on a first run (a full load). */
  readonly before: Value | null;
  /** Rows with a cursor from this value (`>=`, or `>` for an append) are read; null: no lower bound. */
  readonly lower: Value | null;
  /** Rows up to this value (`<=`); null when the table held no cursor value. */
  readonly upper: Value | null;
  /** The filter the run reads with (the mapping's own `where` ANDed with the window). */
  readonly filter: string;
  /** A backfill's window (a range of dates): the saved cursor neither starts it nor moves. */
  readonly backfill?: boolean;
}

export type WarningKind =
  | 'type_compatibility'
  | 'null_constraint'
  | 'primary_key_conflict'
  | 'schema_mismatch'
  | 'foreign_key'
  /** A schema object of the source (index, default, view, trigger...) the created target does not get. */
  | 'schema_object'
  /** A staged extract could not read every table from one snapshot of the source. */
  | 'source_snapshot';

export interface PlanWarning {
  readonly kind: WarningKind;
  /** Target table, `schema.table`. */
  readonly table: string;
  readonly column?: string;
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

export interface MigrationPlan {
  readonly spec: MigrationSpec;
  readonly mappings: readonly PlannedMapping[];
  readonly warnings: readonly PlanWarning[];
  /** The DDL the run executes for the tables it creates; set where the plan was checked against the target. */
  readonly ddl?: SchemaDdl;
}
