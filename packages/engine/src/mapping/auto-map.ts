import type { ColumnInfo, DatabaseSchema, TableInfo } from '../schema/model.ts';
import { columnKey, matchOneToOne, similarity, tableKey } from '../schema/similarity.ts';

/** A suggestion at or above this score is confident enough to become a mapping as written. */
export const CONFIDENT = 0.8;
/** Below this a pair is not suggested at all. */
const SUGGEST = 0.5;

export interface ColumnSuggestion {
  readonly source: ColumnInfo;
  readonly target: ColumnInfo;
  readonly score: number;
}

export interface TableSuggestion {
  readonly source: TableInfo;
  readonly target: TableInfo;
  readonly score: number;
  /** Column pairs, best first, each used once. */
  readonly columns: readonly ColumnSuggestion[];
  readonly unmatchedSourceColumns: readonly ColumnInfo[];
  readonly unmatchedTargetColumns: readonly ColumnInfo[];
}

export interface MappingSuggestions {
  readonly tables: readonly TableSuggestion[];
  readonly unmatchedSourceTables: readonly TableInfo[];
  readonly unmatchedTargetTables: readonly TableInfo[];
}

/**
 * Suggests table and column mappings by name similarity: case, snake/camel/Pascal case, plural and
 * singular, schema prefixes and `Id` versus `<table>_id` are all normalised away before comparing.
 */
export function suggestMappings(source: DatabaseSchema, target: DatabaseSchema): MappingSuggestions {
  const tablePairs = matchOneToOne(
    source.tables,
    target.tables,
    (s, t) => similarity(tableKey(s.name), tableKey(t.name)),
    SUGGEST,
  );
  const tables = tablePairs.map(({ left, right, score }) => suggestColumns(left, right, score));
  const matchedSources = new Set(tables.map((t) => t.source));
  const matchedTargets = new Set(tables.map((t) => t.target));
  return {
    tables: tables.sort((a, b) => a.source.name.localeCompare(b.source.name)),
    unmatchedSourceTables: source.tables.filter((t) => !matchedSources.has(t)),
    unmatchedTargetTables: target.tables.filter((t) => !matchedTargets.has(t)),
  };
}

export function suggestColumns(source: TableInfo, target: TableInfo, score: number): TableSuggestion {
  const pairs = matchOneToOne(
    source.columns,
    target.columns,
    (s, t) => similarity(columnKey(s.name, source.name), columnKey(t.name, target.name)),
    SUGGEST,
  );
  const columns = pairs
    .map(({ left, right, score: s }) => ({ source: left, target: right, score: s }))
    .sort((a, b) => a.target.ordinal - b.target.ordinal);
  const usedSource = new Set(columns.map((c) => c.source));
  const usedTarget = new Set(columns.map((c) => c.target));
  return {
    source,
    target,
    score,
    columns,
    unmatchedSourceColumns: source.columns.filter((c) => !usedSource.has(c)),
    unmatchedTargetColumns: target.columns.filter((c) => !usedTarget.has(c)),
  };
}
