import { DataBridgeError } from '../errors.ts';
import type { NormalisedType, TableInfo } from '../schema/model.ts';
import type { LoadMode, TableMapping } from '../spec/spec-schema.ts';
import type { PlannedSync } from './plan-types.ts';

/** Cursor types whose order is the order of change, and whose values can be written safely in SQL. */
export const CURSOR_TYPES: ReadonlySet<NormalisedType> = new Set([
  'int16',
  'int32',
  'int64',
  'date',
  'timestamp',
  'timestamptz',
]);

/** The load mode an incremental mapping writes with: its sync mode decides. */
export function syncLoadMode(mapping: TableMapping): LoadMode {
  const mode = mapping.sync?.mode;
  if (mode === 'incremental_upsert') return 'upsert';
  if (mode === 'incremental_append') return 'append';
  return mapping.mode;
}

/**
 * The incremental part of a mapping's plan, checked against the source table: the cursor column must
 * order its rows (an integer, a date, a timestamp) and an upsert needs a key to match rows on.
 * `window` is filled when a run starts (sync-window.ts). Undefined for a full load.
 */
export function planSync(
  mapping: TableMapping,
  source: TableInfo,
  conflictKey: readonly string[],
  at: (...path: (string | number)[]) => string,
): PlannedSync | undefined {
  const sync = mapping.sync;
  if (!sync || sync.mode === 'full') return undefined;
  const name = `${mapping.source} → ${mapping.target}`;
  const cursor = source.columns.find((c) => c.name.toLowerCase() === sync.cursor!.toLowerCase());
  if (!cursor) {
    throw new DataBridgeError(
      'bad_spec',
      `${at('sync', 'cursor')}: mapping ${name}: ${source.name} has no column “${sync.cursor}”; choose its updated_at-like timestamp or growing id`,
    );
  }
  if (!CURSOR_TYPES.has(cursor.type)) {
    throw new DataBridgeError(
      'bad_spec',
      `${at('sync', 'cursor')}: mapping ${name}: cursor “${cursor.name}” is ${cursor.nativeType}, which does not order changes; choose an integer, date or timestamp column (an updated_at or a growing id)`,
    );
  }
  if (sync.mode === 'incremental_upsert' && conflictKey.length === 0) {
    throw new DataBridgeError(
      'bad_spec',
      `${at('sync', 'mode')}: mapping ${name}: incremental_upsert matches rows on a key, and the target has no primary key: set “key” to the columns that identify a row`,
    );
  }
  const deletes = sync.deletes;
  const softDelete =
    deletes && 'softDeleteColumn' in deletes
      ? source.columns.find((c) => c.name.toLowerCase() === deletes.softDeleteColumn.toLowerCase())?.name
      : undefined;
  return {
    mode: sync.mode,
    cursor: cursor.name,
    cursorType: cursor.type,
    lookbackSeconds: sync.lookbackSeconds ?? 0,
    ...(softDelete ? { softDeleteColumn: softDelete } : {}),
    compareKeys: deletes !== undefined && 'compareKeys' in deletes,
    ...(sync.addColumns ? { addColumns: true } : {}),
  };
}
