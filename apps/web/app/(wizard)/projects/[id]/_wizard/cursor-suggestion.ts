import type { ColumnInfo, NormalisedType, TableInfo } from '@databridge/engine';

/** Column types a cursor may have: they order changes (the engine's plan-sync.ts says the same). */
const CURSOR_TYPES: ReadonlySet<NormalisedType> = new Set([
  'int16',
  'int32',
  'int64',
  'date',
  'timestamp',
  'timestamptz',
]);

const TEMPORAL: ReadonlySet<NormalisedType> = new Set(['date', 'timestamp', 'timestamptz']);

/** Names that say "when this row last changed". */
const CHANGED_AT =
  /^(updated|modified|changed|last_?updated|last_?modified|last_?changed)(_?(at|on|date|time|ts))?$/i;

/** The mapped source columns that can be a cursor, in the table's order. */
export function cursorCandidates(table: TableInfo | undefined, mapped: readonly string[]): ColumnInfo[] {
  if (!table) return [];
  const wanted = new Set(mapped.map((m) => m.toLowerCase()));
  return table.columns.filter((c) => CURSOR_TYPES.has(c.type) && wanted.has(c.name.toLowerCase()));
}

/**
 * The cursor the wizard proposes, when one obviously exists: a timestamp named like `updated_at`
 * (every change moves it), else a single integer primary key that grows (new rows only). None
 * otherwise: a wrong guess would lose rows, so the user picks.
 */
export function suggestCursor(
  table: TableInfo | undefined,
  mapped: readonly string[],
): { readonly column: string; readonly why: string } | undefined {
  const candidates = cursorCandidates(table, mapped);
  const changedAt = candidates.find((c) => TEMPORAL.has(c.type) && CHANGED_AT.test(c.name));
  if (changedAt) return { column: changedAt.name, why: 'it looks like the time each row last changed' };
  const key = table?.primaryKey ?? [];
  const id =
    key.length === 1 ? candidates.find((c) => c.name === key[0] && !TEMPORAL.has(c.type)) : undefined;
  if (id?.autoIncrement)
    return { column: id.name, why: 'a growing id: new rows only (updates are not seen)' };
  return undefined;
}
