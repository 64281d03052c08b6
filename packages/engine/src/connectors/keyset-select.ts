import { DataBridgeError } from '../errors.ts';
import type { Value } from '../values.ts';
import type { Dialect, ReadRequest } from './connection.ts';

/** A SELECT and its bind parameters, in placeholder order. */
export interface SelectStatement {
  readonly sql: string;
  readonly params: Value[];
}

/**
 * How a database spells "after this keyset position", given the quoted order-by columns, the
 * position and `bind` (which returns the placeholder of a value and must be called in text order).
 */
export type KeysetSpelling = (
  columns: readonly string[],
  after: readonly Value[],
  bind: (value: Value) => string,
) => string;

/** `(a, b) > ($1, $2)`: a row-value comparison, which PostgreSQL and SQLite (3.15+) turn into an index range. */
export const rowValueKeyset: KeysetSpelling = (columns, after, bind) =>
  `(${columns.join(', ')}) > (${after.map(bind).join(', ')})`;

export interface SelectOptions {
  /** The keyset condition's spelling; default the row-value comparison. */
  readonly keyset?: KeysetSpelling;
  /** Writes values into the text with this instead of binding them (PostgreSQL's COPY takes no parameters). */
  readonly inline?: (value: Value) => string;
}

/**
 * The one SELECT a read request stands for, on any dialect: select items (columns quoted,
 * expressions as written), the key range, the keyset position, the author's filter ANDed together,
 * the order and the limit, every value a bind parameter in the dialect's placeholder.
 */
export function buildKeysetSelect(
  dialect: Pick<Dialect, 'quoteIdentifier' | 'qualify' | 'placeholder'>,
  request: ReadRequest,
  options: SelectOptions = {},
): SelectStatement {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const params: Value[] = [];
  const bind = (value: Value): string => {
    if (options.inline) return options.inline(value);
    params.push(value);
    return dialect.placeholder(params.length);
  };
  const conditions: string[] = [];
  const { range, after, orderBy = [] } = request;
  if (range?.from !== undefined) conditions.push(`${q(range.column)} >= ${bind(range.from)}`);
  if (range?.to !== undefined) conditions.push(`${q(range.column)} < ${bind(range.to)}`);
  if (after) {
    // The reader builds the position from the rows it read: a mismatch is a bug, not the user's input.
    if (after.length === 0 || after.length !== orderBy.length) {
      throw new DataBridgeError(
        'internal',
        `Keyset read of ${request.table.name}: "after" needs one value per orderBy column (${orderBy.join(', ')})`,
      );
    }
    conditions.push((options.keyset ?? rowValueKeyset)(orderBy.map(q), after, bind));
  }
  if (request.where) conditions.push(`(${request.where})`);
  const items = request.select.map((item) => ('column' in item ? q(item.column) : item.expression));
  let sql = `SELECT ${items.join(', ')} FROM ${dialect.qualify(request.table)}`;
  if (conditions.length > 0) sql += ` WHERE ${conditions.join(' AND ')}`;
  if (orderBy.length > 0) sql += ` ORDER BY ${orderBy.map(q).join(', ')}`;
  if (request.limit !== undefined) sql += ` LIMIT ${bind(request.limit)}`;
  return { sql, params };
}
