import type { LoadTarget, WriteMode } from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';
import { qualifiedName } from '../schema/model.ts';
import { columnList, qualify, quoteIdentifier } from './sqlite-dialect.ts';

/** SQLite's default bound on parameters per statement since 3.32 (SQLITE_MAX_VARIABLE_NUMBER). */
const MAX_PARAMETERS = 32766;
/** Rows per multi-row INSERT: beyond a few hundred, statements only get longer to prepare. */
const MAX_ROWS = 500;

/** How many rows one INSERT carries for a table this wide. */
export function rowsPerInsert(columnCount: number): number {
  return Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / Math.max(1, columnCount))));
}

/**
 * `INSERT INTO t (…) VALUES (?, …), … [ON CONFLICT (key) DO UPDATE SET c = excluded.c, …]` for
 * `rows` rows. An upsert whose every column is in the key has nothing to update: DO NOTHING.
 */
export function insertSql(target: LoadTarget, rows: number, mode: WriteMode, key: readonly string[]): string {
  const names = target.columns.map((c) => c.name);
  const tuple = `(${names.map(() => '?').join(', ')})`;
  const values = Array.from({ length: rows }, () => tuple).join(', ');
  const sql = `INSERT INTO ${qualify(target.table)} (${columnList(names)}) VALUES ${values}`;
  if (mode === 'append') return sql;

  const where = qualifiedName(target.table);
  if (key.length === 0) throw new DataBridgeError('bad_spec', `An upsert into ${where} needs key columns`);
  const missing = key.filter((k) => !names.includes(k));
  if (missing.length > 0) {
    throw new DataBridgeError(
      'bad_spec',
      `Upsert key ${missing.join(', ')} is not among the columns loaded into ${where}`,
    );
  }
  const updates = names
    .filter((n) => !key.includes(n))
    .map((n) => `${quoteIdentifier(n)} = excluded.${quoteIdentifier(n)}`);
  const action = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
  return `${sql} ON CONFLICT (${columnList(key)}) ${action}`;
}
