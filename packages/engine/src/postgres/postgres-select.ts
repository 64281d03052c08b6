import type { ReadRequest, SelectItem } from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';
import type { Value } from '../values.ts';
import type { PostgresDialect } from './postgres-dialect.ts';

export interface Statement {
  readonly text: string;
  readonly values: Value[];
}

function selectItem(dialect: PostgresDialect, item: SelectItem): string {
  return 'column' in item ? dialect.quoteIdentifier(item.column) : item.expression;
}

/**
 * The one SELECT a read request stands for: the range, the keyset position (as a row-value
 * comparison) and the author's filter ANDed together, every value a bind parameter.
 */
export function buildSelect(dialect: PostgresDialect, request: ReadRequest, inline = false): Statement {
  const values: Value[] = [];
  const bind = (value: Value) => {
    if (inline) return literal(value);
    values.push(value);
    return dialect.placeholder(values.length);
  };
  const conditions: string[] = [];
  const { range, after, orderBy = [] } = request;
  if (range) {
    const column = dialect.quoteIdentifier(range.column);
    if (range.from !== undefined) conditions.push(`${column} >= ${bind(range.from)}`);
    if (range.to !== undefined) conditions.push(`${column} < ${bind(range.to)}`);
  }
  if (after) {
    if (after.length !== orderBy.length || after.length === 0) {
      throw new DataBridgeError(
        'bad_spec',
        `A keyset position needs one value per orderBy column (${orderBy.join(', ')})`,
      );
    }
    conditions.push(`(${dialect.columnList(orderBy)}) > (${after.map(bind).join(', ')})`);
  }
  if (request.where) conditions.push(`(${request.where})`);

  const columns = request.select.map((item) => selectItem(dialect, item)).join(', ');
  let text = `SELECT ${columns} FROM ${dialect.qualify(request.table)}`;
  if (conditions.length > 0) text += ` WHERE ${conditions.join(' AND ')}`;
  if (orderBy.length > 0) text += ` ORDER BY ${dialect.columnList(orderBy)}`;
  if (request.limit !== undefined) text += ` LIMIT ${bind(request.limit)}`;
  return { text, values };
}

/**
 * A value written into SQL text, for COPY (SELECT ...), which takes no bind parameters. Strings are
 * quoted by doubling quotes (standard_conforming_strings is on for every pooled connection), numbers
 * must look like numbers, bytes go in as a bytea hex literal.
 */
export function literal(value: Value): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `'${value}'::float8`;
    return String(value);
  }
  if (value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString('hex')}'::bytea`;
  return `'${value.replace(/'/g, "''")}'`;
}
