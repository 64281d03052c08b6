import { DataBridgeError } from '../errors.ts';
import type { DialectName, NormalisedType } from '../schema/model.ts';
import type { Value } from '../values.ts';

/**
 * Cursor values (integers, dates, timestamps in their canonical text, see values.ts): compared,
 * moved back by a lookback, and written into the read's filter. A cursor value comes from the source
 * itself, never from a person, and is written only after it matched a strict pattern of digits,
 * dashes, colons and dots: nothing else can reach the SQL text.
 */

const INTEGER = /^-?\d{1,20}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

const temporal = (type: NormalisedType) => type === 'date' || type === 'timestamp' || type === 'timestamptz';

function text(value: Value, type: NormalisedType): string {
  const t = typeof value === 'bigint' || typeof value === 'number' ? String(value) : value;
  const pattern = temporal(type) ? (type === 'date' ? DATE : TIMESTAMP) : INTEGER;
  if (typeof t !== 'string' || !pattern.test(t)) {
    throw new DataBridgeError(
      'bad_spec',
      `the cursor value ${JSON.stringify(t)} is not a ${type} DataBridge can compare; choose an integer, date or timestamp cursor column`,
    );
  }
  return t;
}

/** Microseconds since 1970 (UTC) of a date or timestamp, its offset applied; the integer itself otherwise. */
function ordinal(value: Value, type: NormalisedType): bigint {
  const t = text(value, type);
  if (!temporal(type)) return BigInt(t);
  const m = (type === 'date' ? DATE : TIMESTAMP).exec(t)!;
  const [y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = ''] = m.slice(1);
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const micros = BigInt(ms) * 1000n + BigInt((fraction.slice(1) || '0').padEnd(6, '0').slice(0, 6));
  return micros - BigInt(offsetMinutes(zone)) * 60_000_000n;
}

function offsetMinutes(zone: string): number {
  if (zone === '' || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/** Negative, zero or positive as `a` comes before, with or after `b`. */
export function compareCursor(a: Value, b: Value, type: NormalisedType): number {
  const x = ordinal(a, type);
  const y = ordinal(b, type);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The later of two cursor values, either of which may be null. */
export function laterCursor(a: Value | null, b: Value | null, type: NormalisedType): Value | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareCursor(a, b, type) >= 0 ? a : b;
}

/**
 * The value `seconds` before a date or timestamp (a date goes back whole days, rounded up), in the
 * canonical form of the type (a timestamptz in UTC). Integers have no lookback.
 */
export function cursorMinus(value: Value, type: NormalisedType, seconds: number): Value {
  if (seconds === 0 || !temporal(type)) return value;
  const step = type === 'date' ? Math.ceil(seconds / 86_400) * 86_400 : seconds;
  return render(ordinal(value, type) - BigInt(step) * 1_000_000n, type);
}

/** Microseconds since 1970 as the canonical text of a date or timestamp (a timestamptz in UTC). */
function render(micros: bigint, type: NormalisedType): string {
  const iso = new Date(Number(micros / 1000n)).toISOString();
  if (type === 'date') return iso.slice(0, 10);
  const fraction = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const frac = fraction === 0n ? '' : `.${fraction.toString().padStart(6, '0').replace(/0+$/, '')}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac}${type === 'timestamptz' ? '+00' : ''}`;
}

/**
 * A cursor value as a SQL literal of the source's dialect. A timestamptz is written as its UTC time:
 * with `+00` for PostgreSQL and SQLite, without for MySQL, whose sessions read TIMESTAMP in UTC.
 */
export function cursorLiteral(value: Value, type: NormalisedType, dialect: DialectName): string {
  const t = text(value, type);
  if (!temporal(type)) return t;
  if (type !== 'timestamptz') return `'${t}'`;
  const utc = render(ordinal(t, type), type);
  return `'${dialect === 'mysql' ? utc.replace(/\+00$/, '') : utc}'`;
}
