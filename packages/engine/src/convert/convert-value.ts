import { connectorOf } from '../connectors/registry.ts';
import type { ColumnInfo, DialectName } from '../schema/model.ts';
import type { Value } from '../values.ts';
import { binaryConverter } from './convert-binary.ts';
import { bitConverter } from './convert-bit.ts';
import { decimalConverter } from './convert-decimal.ts';
import { floatConverter } from './convert-float.ts';
import { integerConverter } from './convert-integer.ts';
import { jsonConverter } from './convert-json.ts';
import { booleanConverter, uuidConverter } from './convert-misc.ts';
import { temporalConverter } from './convert-temporal.ts';
import { textConverter } from './convert-text.ts';
import type {
  ConvertContext,
  Converter,
  ConvertSource,
  ConvertTarget,
  Fail,
  OnInvalid,
} from './convert-types.ts';
import { RowValueError, show } from './row-value-error.ts';

export type { Converter, ConvertSource, ConvertTarget, OnInvalid } from './convert-types.ts';

export interface ConvertOptions {
  /** The source column, when the value is read from one; absent for expressions and defaults. */
  readonly source?: ConvertSource;
  /** What a value that does not fit becomes; default `reject`. */
  readonly onInvalid?: OnInvalid;
  readonly targetDialect: DialectName;
}

/** The converter of an `unknown` target: values go to the database exactly as read. */
export const passThrough: Converter = (value) => value;

/**
 * Compiles the conversion of any value (the canonical form of any normalised type, values.ts, or text
 * of an expression) into the canonical form of `target`'s type. A value that does not fit throws a
 * RowValueError, or is handled by `onInvalid` (see OnInvalid); it is never silently altered. NULL is
 * NULL: NOT NULL is checkNotNull's business. Each converter checks the common case in place and
 * returns the very same value, allocating nothing (text into decimal and numbers into text excepted);
 * `source` only matters where noted. Source types are not trusted to hold what they declare: a SQLite
 * column holds any value, and MySQL readers pass zero dates through for this stage to reject.
 *
 * | target | accepts | rejects (the reason names the value and the limit) | truncate | clamp |
 * | --- | --- | --- | --- | --- |
 * | int16, int32, int64 (MySQL: tinyint, mediumint, unsigned by native type) | integral numbers (`4.0`), bigint, text `42`, `-7`, `4.00`, `1e3`, booleans as 1/0 | out of range (`99999 is out of range for int16 (-32768..32767)`), a fraction (`4.5`), NaN, ±Infinity, other text, bytes | cuts a fraction toward zero | the bound (±Infinity too) |
 * | int64 output | number when safe, else a string of digits (up to 18446744073709551615 unsigned) | | | |
 * | decimal(p,s) | plain text as is (`12.50`); other numeric text, numbers (shortest text), bigint in plain notation (`1e3` -> `1000`); booleans as `1`/`0` | more than p-s integer digits, more than s decimals (`would be rounded`), NaN, ±Infinity, negatives in MySQL unsigned; no precision: PostgreSQL's 131072/16383 digits | cuts decimals toward zero | ±(10^(p-s) - 10^-s) |
 * | float32, float64 | numbers, numeric text, bigint, booleans as 1/0; fractions take the nearest float | digits the float cannot give back (`9007199254740993`), out of range, a non-zero value that would become 0, NaN (MySQL, SQLite), ±Infinity (MySQL) | takes the nearest float (or 0) | ±max (±Infinity too) |
 * | boolean | booleans, 0/1, 0n/1n, text 1/0/t/f/true/false/yes/no/on/off in any case | anything else (2, `y`) | | |
 * | string(n), text | text; numbers and bigints as decimal text; booleans `true`/`false`; bytes as UTF-8 | longer than n code points, MySQL tinytext/text/mediumtext over their bytes, invalid UTF-8, lone surrogates, NUL on PostgreSQL, a MySQL enum value not among its labels | cuts to n code points (or the byte limit) | |
 * | date | `YYYY-MM-DD`; a timestamp at 00:00:00 (with an offset: in UTC) | invalid calendar (Feb 30, month 13, MySQL zero dates `0000-00-00`, `2024-00-10`), a time of day it would drop, other shapes, numbers | drops the time of day | |
 * | time | `HH:MM:SS[.f]` from 00:00:00 to 24:00:00 | MySQL durations (`-01:00:00`, `838:59:59`), minute/second 60, a date it would drop, too many fraction digits | drops the date, cuts the fraction | |
 * | timestamp | `YYYY-MM-DD HH:MM:SS[.f]` (also `T`); a date at 00:00:00; with an offset: converted to UTC and the offset dropped | invalid calendar or clock (hour 24), too many fraction digits, out of years 1..9999 in UTC | cuts the fraction | |
 * | timestamptz | as timestamp, written in UTC with `+00`; text without an offset is read as UTC | as timestamp; MySQL TIMESTAMP outside 1970-01-01 00:00:01..2038-01-19 03:14:07 UTC | cuts the fraction | |
 * | uuid | 36 characters with dashes, 32 hex, `{braced}`, any case (written lower case with dashes); 16 bytes | anything else | | |
 * | json | text that parses, kept as written; numbers, bigint, booleans as JSON; bytes as UTF-8 JSON; date/time/timestamp/uuid source values as JSON strings | invalid JSON, NaN, ±Infinity, `\u0000` in PostgreSQL jsonb | | |
 * | binary, binary(n) | bytes as they are; text as UTF-8 bytes (no `\x` hex decoding); uuid source values into binary(16) as 16 bytes | longer than n bytes or a MySQL blob type's limit, numbers, booleans | cuts to n bytes | |
 * | bit(n), bit varying | text of 0s and 1s; bytes as their bits; non-negative integers in binary; booleans as one bit; fewer bits than a fixed bit(n) padded on the left (the same number) | other text, negative numbers, more bits than n unless the extra ones are leading zeros | keeps the n lowest bits | |
 * | enum | MySQL: the labels of `enum(…)`, exactly; PostgreSQL user enums arrive as string/unknown and are not checked here (labels are not introspected): the database rejects an unknown label | | | |
 * | unknown | anything, unchanged (passThrough) | | | |
 *
 * Under `onInvalid: 'null'` every rejection above yields NULL instead, without an exception.
 */
export function compileConverter(target: ConvertTarget, options: ConvertOptions): Converter {
  const onInvalid = options.onInvalid ?? 'reject';
  const fail: Fail =
    onInvalid === 'null'
      ? () => null
      : (reason) => {
          throw new RowValueError(reason);
        };
  const ctx: ConvertContext = {
    target,
    source: options.source,
    onInvalid,
    dialect: options.targetDialect,
    limits: connectorOf(options.targetDialect).valueLimits,
    databaseLabel: connectorOf(options.targetDialect).label,
    fail,
  };
  switch (target.type) {
    case 'int16':
    case 'int32':
    case 'int64':
      return integerConverter(ctx);
    case 'decimal':
      return decimalConverter(ctx);
    case 'float32':
    case 'float64':
      return floatConverter(ctx);
    case 'boolean':
      return booleanConverter(ctx);
    case 'string':
    case 'text':
      return textConverter(ctx);
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return temporalConverter(ctx);
    case 'uuid':
      return uuidConverter(ctx);
    case 'json':
      return jsonConverter(ctx);
    case 'binary':
      return binaryConverter(ctx);
    case 'bit':
      return bitConverter(ctx);
    case 'unknown':
      return passThrough;
  }
}

/**
 * For the runner, after conversion: NULL into a NOT NULL column is a row error (the database would
 * refuse the whole batch). Returns the value unchanged otherwise.
 */
export function checkNotNull(column: Pick<ColumnInfo, 'name' | 'nullable'>, value: Value): Value {
  if (value === null && !column.nullable) {
    throw new RowValueError(
      `NULL into NOT NULL column ${show(column.name)}: give the mapping a default, or filter the row out`,
    );
  }
  return value;
}
