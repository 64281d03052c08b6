import type { PlanWarning } from './plan-types.ts';

/**
 * What a statement of the schema DDL builds, in the order a run executes them: enum types and tables
 * before the load; after it, secondary indexes and unique constraints (in parallel where the target
 * allows), checks, identities with their sequences set past the loaded keys, defaults, triggers,
 * comments, then the foreign keys.
 */
export type DdlPhase =
  | 'type'
  | 'table'
  | 'index'
  | 'unique'
  | 'check'
  | 'identity'
  | 'sequence'
  | 'default'
  | 'trigger'
  | 'comment'
  | 'foreign_key';

export interface DdlStatement {
  readonly phase: DdlPhase;
  /** The target table, `schema.table`. */
  readonly table: string;
  readonly sql: string;
  /** Translated from another SQL dialect: if the target refuses it, a warning, whatever the policy. */
  readonly optional?: boolean;
}

export interface SchemaDdl {
  /** Run by the extract stage, when the run is new: enum types, then the tables. */
  readonly beforeLoad: readonly DdlStatement[];
  /** Run once every row is in (see build-after-load.ts), foreign keys last. */
  readonly afterLoad: readonly DdlStatement[];
  /** What the created target will not get, each with its reason. */
  readonly warnings: readonly PlanWarning[];
}

/** Phases whose statements run side by side, each on its own connection. */
export const PARALLEL_PHASES: ReadonlySet<DdlPhase> = new Set(['index', 'unique']);
