import type { MigrationSpec, TableInfo } from '@databridge/engine';
import type { TableSuggestionView } from '@databridge/queue';
import { sameNamedColumns, specName } from './schema-names.ts';

/**
 * Step 1's model, without React: which source table loads into which target, from a suggestion or
 * by hand, and the edits of the mappings list. Each function returns new values.
 */
export type TableMappingValue = MigrationSpec['mappings'][number];

/** A suggestions list as the server sends it: column scores at or above `confidentScore` are sure. */
export interface SuggestionList {
  readonly tables: readonly TableSuggestionView[];
  readonly confidentScore: number;
}

/** What adding mappings did: the new list and the sentence shown beside the control. */
export interface Added {
  readonly mappings: readonly TableMappingValue[];
  readonly notice: string;
}

/** A new append mapping of the given column pairs, nothing transformed. */
export function newMapping(
  source: string,
  target: string,
  columns: readonly { source: string; target: string }[],
): TableMappingValue {
  return {
    source,
    target,
    mode: 'append',
    columns: columns.map((c) => ({ source: c.source, target: c.target, transform: [], onInvalid: 'reject' })),
    exclude: [],
  } satisfies TableMappingValue;
}

/** Table names compare without case, as the databases fold them. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Whether `source` already loads into `target`. */
export function isMapped(mappings: readonly TableMappingValue[], source: string, target: string): boolean {
  return mappings.some((m) => sameName(m.source, source) && sameName(m.target, target));
}

/** Adds `mapping` unless the same pair is already mapped. */
export function addMapping(mappings: readonly TableMappingValue[], mapping: TableMappingValue): Added {
  if (isMapped(mappings, mapping.source, mapping.target)) {
    return { mappings, notice: `${mapping.source} → ${mapping.target} is already mapped.` };
  }
  return {
    mappings: [...mappings, mapping],
    notice: `Mapped ${mapping.source} → ${mapping.target} (${mapping.columns.length} columns).`,
  };
}

/** A suggestion as a mapping: its confident column pairs, or all of them when none is confident. */
export function suggestedMapping(suggestion: TableSuggestionView, confidentScore: number): TableMappingValue {
  const confident = suggestion.columns.filter((c) => c.score >= confidentScore);
  return newMapping(
    suggestion.source,
    suggestion.target,
    confident.length > 0 ? confident : suggestion.columns,
  );
}

/** Adds every confident suggestion not mapped yet. */
export function acceptConfident(mappings: readonly TableMappingValue[], list: SuggestionList): Added {
  const fresh = list.tables.filter((t) => t.confident && !isMapped(mappings, t.source, t.target));
  return {
    mappings: [...mappings, ...fresh.map((t) => suggestedMapping(t, list.confidentScore))],
    notice:
      fresh.length > 0
        ? `Accepted ${fresh.length} suggestion(s).`
        : 'Every confident suggestion is already mapped.',
  };
}

/**
 * A mapping of `source` picked by hand: onto an existing target table its same-named columns pair up;
 * onto a new table (a name) every source column goes to a column of its own name.
 */
export function handPickedMapping(
  sourceName: string,
  source: TableInfo | undefined,
  target: TableInfo | string,
  targetDefaultSchema: string,
): TableMappingValue {
  if (typeof target === 'string') {
    return newMapping(
      sourceName,
      target,
      (source?.columns ?? []).map((c) => ({ source: c.name, target: c.name })),
    );
  }
  return newMapping(
    sourceName,
    specName(target, targetDefaultSchema),
    source ? sameNamedColumns(source, target) : [],
  );
}

/** Each mapping with a key that survives removals: its pair, numbered when the pair repeats. */
export function keyedRows(mappings: readonly TableMappingValue[]) {
  const seen = new Map<string, number>();
  return mappings.map((mapping, index) => {
    const base = `${mapping.source}→${mapping.target}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { mapping, index, key: n === 0 ? base : `${base}#${n}` };
  });
}

/** The list with mapping `index` changed by `change`. */
export function changeMapping(
  mappings: readonly TableMappingValue[],
  index: number,
  change: (m: TableMappingValue) => TableMappingValue,
): TableMappingValue[] {
  return mappings.map((m, i) => (i === index ? change(m) : m));
}

/** A mapping with its incremental sync set, or removed when `sync` is undefined. */
export function withSync(m: TableMappingValue, sync: TableMappingValue['sync']): TableMappingValue {
  const { sync: _old, ...rest } = m;
  return sync ? { ...rest, sync } : rest;
}

/** The ticked rows with `index` ticked or unticked. */
export function tick(selected: ReadonlySet<number>, index: number, on: boolean): ReadonlySet<number> {
  const next = new Set(selected);
  if (on) next.add(index);
  else next.delete(index);
  return next;
}
