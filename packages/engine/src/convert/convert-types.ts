import type { ValueLimits } from '../connectors/connector.ts';
import type { ColumnInfo, DialectName } from '../schema/model.ts';
import type { Value } from '../values.ts';

/**
 * What a mapping asks for when a value does not fit its target column:
 * - `reject` (default): the row is rejected with a RowValueError;
 * - `null`: the value becomes NULL (a NOT NULL column still rejects the row, see checkNotNull);
 * - `truncate`: too-long text and bytes are cut, extra decimals and fractions of a second are cut
 *   (toward zero, never rounded), a time of day or a date that would be dropped is dropped, and a
 *   number a float cannot hold exactly takes the float's nearest value;
 * - `clamp`: a number out of range becomes the nearest bound.
 * A rule that does not apply to a failure (truncate on an overflow, clamp on an invalid date) leaves
 * it rejected.
 */
export type OnInvalid = 'reject' | 'null' | 'truncate' | 'clamp';

/** A value in, the canonical value of the target column's type out (values.ts). */
export type Converter = (value: Value) => Value;

export type ConvertTarget = Pick<
  ColumnInfo,
  'name' | 'type' | 'length' | 'precision' | 'scale' | 'unsigned' | 'nullable' | 'nativeType'
>;

/** The source column when the value comes from one; absent for expressions and defaults. */
export type ConvertSource = Pick<ColumnInfo, 'type'> &
  Partial<Pick<ColumnInfo, 'length' | 'precision' | 'scale' | 'unsigned' | 'nativeType'>>;

/**
 * Reports a value that does not fit: throws a RowValueError, or returns null under `onInvalid: null`
 * (so that nulling a bad column costs no exception per value).
 */
export type Fail = (reason: string) => null;

/** Everything a family of conversions is compiled from. */
export interface ConvertContext {
  readonly target: ConvertTarget;
  readonly source: ConvertSource | undefined;
  readonly onInvalid: OnInvalid;
  readonly dialect: DialectName;
  /** What the target database refuses or changes, from its descriptor. */
  readonly limits: ValueLimits;
  /** How reasons name the target database: `MySQL`. */
  readonly databaseLabel: string;
  readonly fail: Fail;
}

/** The lower-case first word of a native type: `int(10) unsigned` -> `int`, `NVARCHAR(40)` -> `nvarchar`. */
export function nativeBase(nativeType: string): string {
  let end = 0;
  const lower = nativeType.trim().toLowerCase();
  while (end < lower.length) {
    const c = lower.charCodeAt(end);
    if (c < 97 || c > 122) break;
    end++;
  }
  return lower.slice(0, end);
}

/** How a reason names the target's type: its native spelling when known. */
export function typeLabel(target: ConvertTarget, fallback: string): string {
  const native = target.nativeType.trim();
  return native === '' ? fallback : native.toLowerCase();
}
