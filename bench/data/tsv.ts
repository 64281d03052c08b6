import type { Cell } from './rows.ts';

/**
 * One row as a line of tab-separated text that both PostgreSQL `COPY ... FROM STDIN` (text format)
 * and MariaDB `LOAD DATA ... FIELDS TERMINATED BY '\t' ESCAPED BY '\\'` read the same way: `\N` is
 * NULL, booleans are 1/0, and backslash, tab, newline and carriage return are escaped.
 */
export function tsvLine(row: readonly Cell[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += '\t';
    line += tsvCell(row[i]!);
  }
  return `${line}\n`;
}

function tsvCell(value: Cell): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, escape) : value;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const _escapeChar = (c: string) => ESCAPES[c]!;
