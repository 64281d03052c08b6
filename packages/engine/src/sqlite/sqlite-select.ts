import type { ReadRequest, SelectItem } from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';
import type { Value } from '../values.ts';
import { columnList, qualify, quoteIdentifier } from './sqlite-dialect.ts';
import { type Bindable, bindable } from './sqlite-encode.ts';

export interface SelectStatement {
  readonly sql: string;
  readonly params: Bindable[];
}

function selectItem(item: SelectItem): string {
  return 'column' in item ? quoteIdentifier(item.column) : item.expression;
}

/**
 * The one SELECT a read request stands for: the key range, the keyset position (a row-value
 * comparison, which SQLite has had since 3.15) and the author's filter ANDed together, every value a
 * bind parameter.
 */
export function buildSelect(request: ReadRequest): SelectStatement {
  const params: Bindable[] = [];
  const bind = (value: Value) => {
    params.push(bindable(value));
    return '?';
  };
  const conditions: string[] = [];
  const { range, after, orderBy = [] } = request;
  if (range) {
    const column = quoteIdentifier(range.column);
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
    conditions.push(`(${columnList(orderBy)}) > (${after.map(bind).join(', ')})`);
  }
  if (request.where) conditions.push(`(${request.where})`);

  let sql = `SELECT ${request.select.map(selectItem).join(', ')} FROM ${qualify(request.table)}`;
  if (conditions.length > 0) sql += ` WHERE ${conditions.join(' AND ')}`;
  if (orderBy.length > 0) sql += ` ORDER BY ${columnList(orderBy)}`;
  if (request.limit !== undefined) sql += ` LIMIT ${bind(request.limit)}`;
  return { sql, params };
}
