import { DataBridgeError } from '../errors.ts';
import type { ColumnInfo, DatabaseSchema, TableInfo, TableRef } from '../schema/model.ts';
import { columnKey, similarity, tableKey } from '../schema/similarity.ts';

/** Splits `schema.table` (or `table`, in `defaultSchema`) into a reference. */
export function parseTableName(name: string, defaultSchema: string): TableRef {
  const dot = name.indexOf('.');
  return dot > 0
    ? { schema: name.slice(0, dot), name: name.slice(dot + 1) }
    : { schema: defaultSchema, name };
}

/**
 * Finds a table by its spec name: exact first, then case-insensitively when that is unambiguous
 * (PostgreSQL folds unquoted names, MySQL on some systems does not).
 */
export function lookupTable(schema: DatabaseSchema, ref: TableRef): TableInfo | undefined {
  const exact = schema.tables.find((t) => t.schema === ref.schema && t.name === ref.name);
  if (exact) return exact;
  const folded = schema.tables.filter(
    (t) =>
      t.schema.toLowerCase() === ref.schema.toLowerCase() && t.name.toLowerCase() === ref.name.toLowerCase(),
  );
  return folded.length === 1 ? folded[0] : undefined;
}

export function lookupColumn(table: TableInfo, name: string): ColumnInfo | undefined {
  const exact = table.columns.find((c) => c.name === name);
  if (exact) return exact;
  const folded = table.columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/** A table that must exist; the error names the spec field and suggests the closest name. */
export function requireTable(schema: DatabaseSchema, ref: TableRef, side: string, where: string): TableInfo {
  const table = lookupTable(schema, ref);
  if (table) return table;
  const closest = closestName(
    ref.name,
    schema.tables.map((t) => t.name),
    tableKey,
  );
  throw new DataBridgeError(
    'unknown_table',
    `${where}: ${side} table "${ref.schema}.${ref.name}" does not exist${closest ? ` (did you mean "${closest}"?)` : ''}`,
    { where },
  );
}

export function requireColumn(table: TableInfo, name: string, side: string, where: string): ColumnInfo {
  const column = lookupColumn(table, name);
  if (column) return column;
  const closest = closestName(
    name,
    table.columns.map((c) => c.name),
    (n) => columnKey(n, table.name),
  );
  throw new DataBridgeError(
    'unknown_column',
    `${where}: ${side} column "${name}" does not exist in ${table.schema}.${table.name}${closest ? ` (did you mean "${closest}"?)` : ''}`,
    { where },
  );
}

function closestName(
  name: string,
  candidates: readonly string[],
  key: (n: string) => string,
): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const c of candidates) {
    const score = similarity(key(name), key(c));
    if (score >= 0.5 && (!best || score > best.score)) best = { name: c, score };
  }
  return best?.name;
}
