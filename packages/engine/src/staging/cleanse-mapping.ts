import type { ErrorCode } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { ReadLayout } from '../run/read-layout.ts';
import type { DialectName, NormalisedType } from '../schema/model.ts';
import type { PipelineSettings, TableMapping } from '../spec/spec-schema.ts';
import type { CleanseStep } from './cleanse-counts.ts';
import { sqlText } from './staged-values-sql.ts';

/** The staged rows of one mapping, as each step of the cleanse stage sees them. */
export interface CleanseMapping {
  readonly mapping: PlannedMapping;
  /** The spec's entry of the mapping (dedupe, checks). */
  readonly spec: TableMapping;
  readonly layout: ReadLayout;
  /** The mapping's staging tables, qualified, in task order (the order of the source key ranges). */
  readonly tables: readonly string[];
  /** `pipeline.validation.rows`: NULL headed for a NOT NULL column is rejected before the load. */
  readonly checkNotNull: boolean;
  /** What the types step needs to convert as the load does. */
  readonly types: CleanseTypes;
}

/** The run's settings the load converts with, and the staging function that tests JSON. */
export interface CleanseTypes {
  readonly dialects: { readonly source: DialectName; readonly target: DialectName };
  readonly pipeline: PipelineSettings;
  /** The qualified name of the function jsonParsesSql creates in the run's schema. */
  readonly jsonParses: string;
}

/**
 * Why a staged row was taken out, kept in its `rejected` column (jsonb): the step, the target column
 * at fault and its value when there is one, the reason and the error code, as a RejectedRow has them.
 */
export interface StagedRejection {
  readonly step: CleanseStep;
  readonly column: string | null;
  readonly value: string | null;
  /**
   * The value as JSON text, where jsonb cannot hold it (NUL, a lone surrogate): `value` then has
   * U+FFFD in their place, and the rejects file reads this instead.
   */
  readonly exactValue?: string;
  readonly reason: string;
  readonly code: ErrorCode;
}

/** A rejected value (shortened) as a StagedRejection keeps it. */
export function stagedValue(shown: string | null): Pick<StagedRejection, 'value' | 'exactValue'> {
  if (shown === null) return { value: null };
  // UTF-8 turns a lone surrogate into U+FFFD.
  const safe = Buffer.from(shown.replaceAll('\0', '\ufffd')).toString('utf8');
  return safe === shown ? { value: shown } : { value: safe, exactValue: JSON.stringify(shown) };
}

/** The SQL of a StagedRejection; `reason` and `value` are SQL expressions (text). */
export function rejectionSql(
  step: CleanseStep,
  parts: { column?: string; value?: string; reason: string; code: ErrorCode },
): string {
  return `jsonb_build_object('step', ${sqlText(step)}, 'column', ${parts.column ? sqlText(parts.column) : 'NULL'}, 'value', ${parts.value ?? 'NULL'}, 'reason', ${parts.reason}, 'code', ${sqlText(parts.code)})`;
}

/** The source column type of a staged value, text for an expression (typed comparisons in checks). */
export function stagedTypeOf(c: CleanseMapping, index: number): NormalisedType {
  const item = c.layout.select[index]!;
  if (!('column' in item)) return 'text';
  return c.mapping.source.columns.find((col) => col.name === item.column)?.type ?? 'text';
}

/** Where a source column sits in the staged row, or -1 when the mapping does not read it. */
export function stagedIndexOf(c: Pick<CleanseMapping, 'layout'>, sourceColumn: string): number {
  return c.layout.select.findIndex((item) => 'column' in item && item.column === sourceColumn);
}
