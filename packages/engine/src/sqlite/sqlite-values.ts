import type { Value } from '../values.ts';
import { normaliseDeclaredType } from './sqlite-types.ts';

/**
 * Turns what better-sqlite3 returns (null, bigint or number, number, string, Buffer; an integer comes
 * as a bigint with `safeIntegers` on, else as a number, or as its digits when beyond 2^53)
 * into the canonical value of the column's declared type (values.ts). SQLite is dynamically typed,
 * so a value whose storage class does not fit the declared type passes through as stored, for a
 * later stage to reject: nothing is coerced silently.
 */
export type ValueReader = (stored: unknown) => Value;

/** Integers as numbers when safe, else as strings of digits; everything else as stored. */
export function storedValue(stored: unknown): Value {
  if (typeof stored === 'bigint') {
    return stored >= Number.MIN_SAFE_INTEGER && stored <= Number.MAX_SAFE_INTEGER
      ? Number(stored)
      : String(stored);
  }
  return stored as Value;
}

/** `1e-7` -> `0.0000001`, `1e+21` -> `1000000000000000000000`: decimals travel in plain notation. */
export function plainNumber(value: number): string {
  const text = String(value);
  // Most numbers print without an exponent: skip the pattern for them (a third of a REAL column's cost).
  if (text.indexOf('e') < 0) return text;
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, whole = '', fraction = '', exponent] = m;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Pads the fraction with zeros up to `scale`; never rounds a longer fraction away. */
export function padScale(text: string, scale: number | undefined): string {
  if (!scale) return text;
  const dot = text.indexOf('.');
  const digits = dot < 0 ? 0 : text.length - dot - 1;
  if (digits >= scale) return text;
  return (dot < 0 ? `${text}.` : text) + '0'.repeat(scale - digits);
}

const FRACTIONAL_TIME = /^(\d{4}-\d{2}-\d{2}[ T])?\d{2}:\d{2}:\d{2}\.\d+(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** `13:14:15.500` -> `13:14:15.5`, `…15.000+02:00` -> `…15+02:00`; other text is left alone. */
export function trimFraction(text: string): string {
  if (!FRACTIONAL_TIME.test(text)) return text;
  return text
    .replace(/(\.\d*?)0+(?=(Z|[+-]\d{2}(:?\d{2})?)?$)/, '$1')
    .replace(/\.(?=(Z|[+-]\d{2}(:?\d{2})?)?$)/, '');
}

/** The reader for a column of this declared type; `null` (an expression) passes values as stored. */
export function valueReaderFor(declaredType: string | null): ValueReader {
  const { type, scale } = normaliseDeclaredType(declaredType ?? '');
  switch (type) {
    case 'boolean':
      return (v) => (v === 1n || v === 1 ? true : v === 0n || v === 0 ? false : storedValue(v));
    case 'decimal':
      return (v) => {
        if (typeof v === 'number' && Number.isFinite(v)) return padScale(plainNumber(v), scale);
        if (typeof v === 'bigint') return padScale(String(v), scale);
        return storedValue(v);
      };
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return (v) => (typeof v === 'string' ? trimFraction(v) : storedValue(v));
    default:
      return storedValue;
  }
}
