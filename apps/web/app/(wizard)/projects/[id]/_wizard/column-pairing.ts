import type { ColumnInfo, MigrationSpec } from '@databridge/engine';
import type { ColumnMappingValue } from '../../../../../lib/client-safe.ts';
import { nameKey } from './schema-names.ts';

/**
 * Step 2's model, without React: pairing a source column with a target column by two clicks, unmapping
 * and excluding, and what each column list marks. Each function returns a new mapping.
 */
export type TableMappingValue = MigrationSpec['mappings'][number];

/** A target column as listed: the database's, or only a name when the run creates the table. */
export type ListedColumn = ColumnInfo | { name: string; nativeType?: undefined };

/** The column clicked first, waiting for its partner on the other side. */
export type PickedColumn = { readonly side: 'source' | 'target'; readonly name: string };

/** What a column list shows beside a column's name. */
export type ColumnMark = 'mapped' | 'required' | 'excluded' | undefined;

/** "Filled from": the source column or the expression, and the default when there is one. */
export function describeColumn(column: ColumnMappingValue): string {
  const parts: string[] = [];
  if (column.expression !== undefined) parts.push(`= ${column.expression}`);
  else if (column.source !== undefined) parts.push(column.source);
  if (column.default !== undefined) parts.push(`default ${JSON.stringify(column.default)}`);
  return parts.join(', ') || '—';
}

/** "Transformation": the operations in order, and what an invalid value does unless it is rejected. */
export function describeTransform(column: ColumnMappingValue): string {
  const ops = column.transform.map((op) => (typeof op === 'string' ? op : Object.keys(op)[0]));
  if (column.onInvalid !== 'reject') ops.push(`invalid → ${column.onInvalid}`);
  return ops.join(', ');
}

/**
 * `target` filled from `source`. A target already mapped keeps its transformation, invalid-value
 * choice and default; the source column stops being excluded.
 */
export function pairColumns(m: TableMappingValue, source: string, target: string): TableMappingValue {
  const existing = m.columns.find((c) => c.target === target);
  const column: ColumnMappingValue = {
    target,
    source,
    transform: existing?.transform ?? [],
    onInvalid: existing?.onInvalid ?? 'reject',
    ...(existing?.default !== undefined ? { default: existing.default } : {}),
  };
  const columns = existing
    ? m.columns.map((c) => (c.target === target ? column : c))
    : [...m.columns, column];
  return { ...m, columns, exclude: m.exclude.filter((e) => e !== source) };
}

/** The mapping with `target`'s column replaced by `column`. */
export function replaceColumn(
  m: TableMappingValue,
  target: string,
  column: ColumnMappingValue,
): TableMappingValue {
  return { ...m, columns: m.columns.map((c) => (c.target === target ? column : c)) };
}

/** The mapping without `target`; with `exclude`, its source column is also left out of the run. */
export function unmapColumn(m: TableMappingValue, target: string, exclude: boolean): TableMappingValue {
  const source = m.columns.find((c) => c.target === target)?.source;
  return {
    ...m,
    columns: m.columns.filter((c) => c.target !== target),
    exclude: exclude && source && !m.exclude.includes(source) ? [...m.exclude, source] : m.exclude,
  };
}

/**
 * A click on a column. A click on the other side completes a pair; into a table the run creates, a
 * source column pairs at once with a column of its own name; a second click on the same column
 * unselects it.
 */
export function clickColumn(
  picked: PickedColumn | null,
  side: 'source' | 'target',
  name: string,
  runCreatesTarget: boolean,
): { picked: PickedColumn | null; pair?: { source: string; target: string } } {
  if (picked && picked.side !== side) {
    const source = side === 'source' ? name : picked.name;
    const target = side === 'target' ? name : picked.name;
    return { picked: null, pair: { source, target } };
  }
  if (side === 'source' && runCreatesTarget) return { picked, pair: { source: name, target: name } };
  return { picked: picked?.side === side && picked.name === name ? null : { side, name } };
}

/** A source column is mapped, excluded, or neither. */
export function sourceMark(m: TableMappingValue, column: ListedColumn): ColumnMark {
  if (m.columns.some((c) => c.source === column.name)) return 'mapped';
  return m.exclude.includes(column.name) ? 'excluded' : undefined;
}

/** A target column is mapped, or required (NOT NULL without a default or auto-increment), or neither. */
export function targetMark(m: TableMappingValue, column: ListedColumn): ColumnMark {
  if (m.columns.some((c) => nameKey(c.target) === nameKey(column.name))) return 'mapped';
  const required =
    'nullable' in column &&
    column.nullable === false &&
    column.defaultValue === null &&
    !column.autoIncrement;
  return required ? 'required' : undefined;
}

/** `?mapping=m3` (step 5's Graph links a table's box here): ids count from m1 in spec order. */
export function mappingIndexOf(search: string): number | null {
  const wanted = /^m(\d+)$/.exec(new URLSearchParams(search).get('mapping') ?? '');
  return wanted ? Number(wanted[1]) - 1 : null;
}
