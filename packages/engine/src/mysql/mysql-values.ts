import type { TypeCast } from 'mysql2';
import type { Value } from '../values.ts';

/**
 * Read side of values.ts for mysql2's text protocol, run with `dateStrings`, `supportBigNumbers`,
 * `bigNumberStrings`, `jsonStrings` and `decimalNumbers: false`: what the driver already returns as
 * canonical (DECIMAL strings, dates, JSON text, Buffers) passes through; the rest is fixed here.
 */
export const canonicalTypeCast: TypeCast = (field, next) => {
  switch (field.type) {
    case 'TINY': {
      // TINYINT(1) is MySQL's BOOLEAN; the display width is the only trace of it in result metadata.
      // Only 0 and 1 are booleans: any other number stays a number, which a boolean column rejects
      // with its reason instead of silently taking it as true.
      const value = next() as number | null;
      return field.length === 1 && (value === 0 || value === 1) ? value === 1 : value;
    }
    case 'BIT': {
      // BIT(1) reads as a boolean; a wider BIT(n) as its n bits (MySQL sends big-endian bytes).
      const bytes = next() as Buffer | null;
      if (bytes === null) return null;
      if (field.length === 1 && bytes.length === 1) return bytes[0] === 1;
      return bitString(bytes, field.length);
    }
    case 'LONGLONG':
      return int64(next() as string | null);
    case 'DATETIME':
    case 'TIME':
      return trimFraction(next() as string | null);
    case 'TIMESTAMP': {
      // The session time zone is UTC, so a TIMESTAMP reads as a UTC instant.
      const text = trimFraction(next() as string | null);
      return text === null || isZeroDate(text) ? text : `${text}+00`;
    }
    case 'GEOMETRY':
      return field.buffer(); // the server's own bytes (SRID + WKB), not mysql2's parsed points
    default:
      return next();
  }
};

/** The lowest `width` bits of big-endian bytes, as a string of 0 and 1. */
export function bitString(bytes: Uint8Array, width: number): string {
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  return bits.length > width ? bits.slice(bits.length - width) : bits.padStart(width, '0');
}

/** BIGINT as a number when it is a safe integer, else its decimal digits. */
export function int64(text: string | null): number | string | null {
  if (text === null) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/**
 * Drops trailing zeros of a fraction of a second (`10:00:00.500000` -> `10:00:00.5`). Zero dates
 * (`0000-00-00`, `2024-00-10`) are MySQL oddities no other database takes: they pass through
 * untouched so that a later stage can reject them for what they are.
 */
export function trimFraction(text: string | null): string | null {
  if (text === null || isZeroDate(text)) return text;
  const dot = text.indexOf('.');
  if (dot < 0) return text;
  let end = text.length;
  while (end > dot + 1 && text.charCodeAt(end - 1) === 48) end--;
  return text.slice(0, end === dot + 1 ? dot : end);
}

/** A DATE/DATETIME with a zero year, month or day. TIME values (no `-` at 4) never are. */
export function isZeroDate(text: string): boolean {
  if (text.charCodeAt(4) !== 45) return false;
  return text.startsWith('0000') || text.startsWith('00', 5) || text.startsWith('00', 8);
}

/** A value as mysql2 escapes it into a statement: bigints as digits, any Uint8Array as a Buffer. */
export function toParam(value: Value): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value;
}

export function toParams(values: readonly Value[] | undefined): unknown[] {
  return values ? values.map(toParam) : [];
}
