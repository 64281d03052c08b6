import type { Row, Value } from '../values.ts';

/**
 * One row of an extract archive as a CSV record (RFC 4180, CRLF-terminated), written so that
 * PostgreSQL's `COPY … FROM … (FORMAT csv, HEADER)` reads every value back as it was:
 *
 * - NULL is an empty field without quotes; an empty string is `""`, so the two stay apart;
 * - a field holding a comma, a quote, CR or LF, or leading or trailing space, is quoted, its quotes
 *   doubled;
 * - bytes are `\x` and their hex digits (PostgreSQL's bytea text), booleans `true`/`false`, other
 *   values their text as the reader gave it (values.ts: dates, decimals and times as text, exactly).
 */
export function csvRecord(row: Row): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += ',';
    line += csvField(row[i] ?? null);
  }
  return `${line}\r\n`;
}

/** The header record: the column names, quoted like any text. */
export function csvHeader(names: readonly string[]): string {
  return csvRecord(names as Row);
}

function csvField(value: Value): string {
  if (value === null) return '';
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  const text = typeof value === 'string' ? value : String(value);
  return NEEDS_QUOTES.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
}

// A quote, comma or line break anywhere, or space at either end (which some readers trim), and a
// field that reads as PostgreSQL's end-of-data marker.
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$|^\\\.$/;
