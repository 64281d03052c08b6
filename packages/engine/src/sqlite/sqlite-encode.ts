import { DataBridgeError } from '../errors.ts';
import type { ColumnInfo } from '../schema/model.ts';
import type { Value } from '../values.ts';

/** What better-sqlite3 can bind. */
export type Bindable = null | number | bigint | string | Uint8Array;

/** A value as a bind parameter: booleans become 1/0, everything else binds as it is. */
export function bindable(value: Value): Bindable {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** `+007.50` -> `7.5`, `-0.0` -> `0`: a decimal's digits, without the zeros that carry nothing. */
function canonicalDecimal(text: string): string {
  let [whole = '', fraction = ''] = text.replace(/^\+/, '').split('.');
  const negative = whole.startsWith('-');
  whole = whole.replace(/^-/, '').replace(/^0+(?=\d)/, '') || '0';
  fraction = fraction.replace(/0+$/, '');
  const digits = fraction ? `${whole}.${fraction}` : whole;
  return negative && digits !== '0' ? `-${digits}` : digits;
}

/**
 * True when SQLite's NUMERIC or INTEGER affinity keeps every digit of this text. The affinity turns
 * a numeric literal into a 64-bit integer or a double (datatype3.html §3.4), so `12345678901234567.89`
 * would silently become `12345678901234568`; text that is no number is kept as text.
 */
export function affinityKeepsDigits(text: string): boolean {
  if (INTEGER_TEXT.test(text)) {
    const n = BigInt(text);
    return n >= INT64_MIN && n <= INT64_MAX;
  }
  if (!DECIMAL_TEXT.test(text)) return true;
  const n = Number(text);
  if (!Number.isFinite(n)) return false;
  // The shortest text that reads back as the same double; for an integral double SQLite stores an integer.
  const stored = Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? BigInt(n).toString() : n.toString();
  return !stored.includes('e') && canonicalDecimal(stored) === canonicalDecimal(text);
}

export type ValueWriter = (value: Value) => Bindable;

function badValue(column: ColumnInfo, message: string): DataBridgeError {
  return new DataBridgeError('bad_value', `Column "${column.name}": ${message}`);
}

/**
 * The encoder of one target column. Decimal and integer text is passed on for SQLite's NUMERIC or
 * INTEGER affinity to store as a number (so that SQL arithmetic and comparisons work) unless that
 * would lose digits: such values, and NaN (which SQLite stores as NULL), fail as `bad_value` rather
 * than change silently. A column declared TEXT keeps any decimal exactly.
 */
export function valueWriterFor(column: ColumnInfo): ValueWriter {
  const numericText = column.type === 'decimal' || column.type.startsWith('int');
  return (value) => {
    if (typeof value === 'number' && Number.isNaN(value)) {
      throw badValue(column, 'SQLite cannot store NaN (it would become NULL)');
    }
    if (numericText && typeof value === 'string' && !affinityKeepsDigits(value)) {
      throw badValue(
        column,
        `SQLite would store ${value} as a 64-bit number and lose digits; declare the column TEXT`,
      );
    }
    return bindable(value);
  };
}
