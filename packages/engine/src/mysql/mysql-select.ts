import type { ReadRequest } from '../connectors/connection.ts';
import { buildKeysetSelect, type KeysetSpelling, type SelectStatement } from '../connectors/keyset-select.ts';
import type { MysqlDialect } from './mysql-dialect.ts';

/** A statement and its `?` parameters. */
export type Statement = SelectStatement;

/**
 * `(a, b) > (?, ?)` spelled `(a > ? OR (a = ? AND b > ?))`: the same rows, but MariaDB (checked on
 * 10.11 with EXPLAIN) only turns the expanded form into an index range; with the row constructor it
 * scans the index from the start on every page.
 */
export const expandedKeyset: KeysetSpelling = (columns, after, bind) => {
  const from = (i: number): string => {
    const column = columns[i]!;
    if (i === columns.length - 1) return `${column} > ${bind(after[i]!)}`;
    // Template parts are evaluated left to right: the placeholders are bound in text order.
    return `(${column} > ${bind(after[i]!)} OR (${column} = ${bind(after[i]!)} AND ${from(i + 1)}))`;
  };
  return from(0);
};

/** The SELECT of a read request (connectors/keyset-select.ts), its keyset condition expanded for MariaDB. */
export function selectStatement(dialect: MysqlDialect, request: ReadRequest): Statement {
  return buildKeysetSelect(dialect, request, { keyset: expandedKeyset });
}
