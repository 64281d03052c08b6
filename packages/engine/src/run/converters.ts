import { compileConverter, passThrough } from '../convert/convert-value.ts';
import { isZeroDate } from '../mysql/mysql-values.ts';
import type { PlannedColumn } from '../plan/plan-types.ts';
import { compareTypes } from '../plan/type-compatibility.ts';
import type { DialectName } from '../schema/model.ts';
import type { ValueConverter } from './row-transform.ts';

/**
 * The converter a column needs: none when type validation is off, or when a plain copy from
 * PostgreSQL goes into a PostgreSQL column of the very same type (its values are valid by
 * construction); otherwise the rules of convert/ for the target's type, with the column's
 * `onInvalid` rule. MySQL and SQLite sources are always checked: MySQL hands out zero dates and
 * SQLite keeps any value in any column, so "the same type" does not mean "a valid value".
 */
export function converterFor(
  column: PlannedColumn,
  dialects: { readonly source: DialectName; readonly target: DialectName },
  typeValidation: boolean,
  zeroDates: 'reject' | 'null' = 'reject',
): ValueConverter | null {
  const converter = checkedConverter(column, dialects, typeValidation);
  if (zeroDates === 'reject' || dialects.source !== 'mysql' || !TEMPORAL.has(column.target.type))
    return converter;
  // pipeline.zeroDates: null: a MySQL zero date is stored as NULL, before any check sees it.
  return (value) =>
    typeof value === 'string' && isZeroDate(value) ? null : converter ? converter(value) : value;
}

const TEMPORAL = new Set(['date', 'timestamp', 'timestamptz']);

function checkedConverter(
  column: PlannedColumn,
  dialects: { readonly source: DialectName; readonly target: DialectName },
  typeValidation: boolean,
): ValueConverter | null {
  if (!typeValidation) return null;
  const plain = column.source && column.transform.length === 0 && column.defaultValue === undefined;
  const same =
    plain &&
    column.source!.type !== 'unknown' &&
    compareTypes(column.source!, column.target).level === 'same';
  if (same && dialects.source === 'postgres' && dialects.target === 'postgres') return null;
  const converter = compileConverter(column.target, {
    ...(column.source ? { source: column.source } : {}),
    onInvalid: column.onInvalid,
    targetDialect: dialects.target,
  });
  return converter === passThrough ? null : converter;
}
