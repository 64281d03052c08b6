import type { ColumnInfo, TableInfo } from '../schema/model.ts';
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
}

export type WarningKind =
  | 'type_compatibility'
  | 'null_constraint'
  | 'primary_key_conflict'
  | 'schema_mismatch'
  | 'foreign_key'
  /** A schema object of the source (index, default, view, trigger...) the created target does not get. */
  | 'schema_object';

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
