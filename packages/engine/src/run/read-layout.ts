import type { SelectItem } from '../connectors/connection.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';

/**
 * What one mapping reads from its source: the SELECT list, where each target column's value sits in a
 * source row, and where the key columns sit (appended when not mapped) for keyset paging.
 */
export interface ReadLayout {
  readonly select: readonly SelectItem[];
  /** Per planned column: index in the source row, or -1 (constant default or deferred). */
  readonly valueIndex: readonly number[];
  /** Index in the source row of each source key column. */
  readonly keyIndex: readonly number[];
}

export function readLayout(mapping: PlannedMapping): ReadLayout {
  const select: SelectItem[] = [];
  const columnIndex = new Map<string, number>();
  const add = (item: SelectItem): number => {
    if ('column' in item) {
      const found = columnIndex.get(item.column);
      if (found !== undefined) return found;
      columnIndex.set(item.column, select.length);
    }
    select.push(item);
    return select.length - 1;
  };
  const valueIndex = mapping.columns.map((c) => {
    if (c.deferred) return -1;
    if (c.source) return add({ column: c.source.name });
    if (c.expression !== undefined) return add({ expression: c.expression });
    return -1;
  });
  const keyIndex = mapping.sourceKey.map((k) => add({ column: k }));
  return { select, valueIndex, keyIndex };
}
