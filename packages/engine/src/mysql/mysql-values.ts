import mysql, { type TypeCast } from 'mysql2';
import type { Value } from '../values.ts';

/**
 * Read side of values.ts for mysql2's text protocol, run with `dateStrings`, `supportBigNumbers`,
 * `bigNumberStrings`, `jsonStrings` and `decimalNumbers: false`: what the driver already returns as
 * canonical (DECIMAL strings, dates, JSON text, Buffers) passes through; the rest is fixed here, by
 * the column's type and display length, once mysql2 has parsed the value its own way.
 */
function fixFor(type: string | undefined, length: number): ((value: unknown) => Value) | undefined {
  switch (type) {
    case 'TINY':
      // TINYINT(1) is MySQL's BOOLEAN; the display width is the only trace of it in result metadata.
      // Only 0 and 1 are booleans: any other number stays a number, which a boolean column rejects
      // with its reason instead of silently taking it as true.
      return length === 1 ? (v) => (v === 0 ? false : v === 1 ? true : (v as Value)) : undefined;
    case 'BIT':
      // BIT(1) reads as a boolean; a wider BIT(n) as its n bits (MySQL sends big-endian bytes).
      return (v) => {
        const bytes = v as Buffer | null;
        if (bytes === null) return null;
        if (length === 1 && bytes.length === 1) return bytes[0] === 1;
        return bitString(bytes, length);
      };
    case 'LONGLONG':
      return (v) => int64(v as string | null);
    case 'DATETIME':
    case 'TIME':
      return (v) => trimFraction(v as string | null);
    case 'TIMESTAMP':
      // The session time zone is UTC, so a TIMESTAMP reads as a UTC instant.
      return (v) => {
        const text = trimFraction(v as string | null);
        return text === null || isZeroDate(text) ? text : `${text}+00`;
      };
    default:
      return undefined;
  }
}

/** For queries whose values are few (introspection, previews, pages): mysql2 calls it per value. */
export const canonicalTypeCast: TypeCast = (field, next) => {
  // The server's own bytes (SRID + WKB), not mysql2's parsed points.
  if (field.type === 'GEOMETRY') return field.buffer();
  const fix = fixFor(field.type, field.length);
  return fix ? fix(next()) : next();
};

/** mysql2's type names by its numeric column type. */
const TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(mysql.Types).map(([name, id]) => [id as number, name]),
);

/** What a streamed result's columns need: the columns to fix in place, and whether one is spatial. */
export interface RowFixups {
  /** mysql2 would parse spatial values into points: such a query must read through canonicalTypeCast. */
  readonly spatial: boolean;
  /** Fixes every row of a batch in place; absent when every column is canonical as parsed. */
  readonly apply?: (rows: unknown[][]) => void;
}

/**
 * The fixes of canonicalTypeCast, compiled once per result from its column definitions and applied
 * to whole batches: a bulk read then pays for no callback nor closure per value (mysql2 makes one for
 * each value it hands a typeCast), only for the columns that need a fix.
 */
export function rowFixups(fields: readonly { columnType: number; columnLength: number }[]): RowFixups {
  const fixes: [number, (value: unknown) => Value][] = [];
  let spatial = false;
  fields.forEach((field, i) => {
    const type = TYPE_NAMES[field.columnType];
    if (type === 'GEOMETRY') spatial = true;
    const fix = fixFor(type, field.columnLength);
    if (fix) fixes.push([i, fix]);
  });
  if (fixes.length === 0) return { spatial };
  return {
    spatial,
    apply(rows) {
      for (const row of rows) for (const [i, fix] of fixes) row[i] = fix(row[i]);
    },
  };
}

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
