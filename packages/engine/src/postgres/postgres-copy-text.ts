import { DataBridgeError } from '../errors.ts';
import type { Row, Value } from '../values.ts';

/** Batches are cut into strings of about this many characters, far below V8's string limit. */
const CHUNK_CHARS = 4 * 1024 * 1024;

const SPECIALS = /[\\\t\n\r]/;
const SPECIALS_ALL = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeText(text: string): string {
  return SPECIALS.test(text) ? text.replace(SPECIALS_ALL, (ch) => ESCAPES[ch]!) : text;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function encodeNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return Object.is(n, -0) ? '-0' : String(n);
}

/**
 * One value in COPY text format: `\N` for NULL, `t`/`f`, numbers as JavaScript prints them (NaN and
 * ±Infinity as PostgreSQL spells them), bytes as `\\x` hex, text with backslash, tab, newline and
 * carriage return escaped.
 */
export function encodeCopyValue(value: Value, column: string): string {
  switch (typeof value) {
    case 'string':
      return escapeText(value);
    case 'number':
      return encodeNumber(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 't' : 'f';
    default:
      if (value === null) return '\\N';
      if (value instanceof Uint8Array) return `\\\\x${hex(value)}`;
      throw new DataBridgeError(
        'bad_value',
        `Column ${column}: a ${Object.prototype.toString.call(value)} is not a row value (see values.ts)`,
      );
  }
}

/**
 * Encodes a batch as COPY text in as few strings as possible (one for any ordinary batch), so the
 * driver sends it with a handful of writes instead of one per row.
 */
export function encodeCopyRows(rows: readonly Row[], columns: readonly string[]): string[] {
  const chunks: string[] = [];
  let chunk = '';
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new DataBridgeError('bad_value', `A row has ${row.length} values for ${columns.length} columns`);
    }
    let line = '';
    for (let i = 0; i < row.length; i++) {
      line += (i === 0 ? '' : '\t') + encodeCopyValue(row[i] as Value, columns[i]!);
    }
    chunk += `${line}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      chunks.push(chunk);
      chunk = '';
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
