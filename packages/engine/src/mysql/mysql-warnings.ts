import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { DataBridgeError } from '../errors.ts';

/** Warnings that mean a stored value differs from the one sent (a DECIMAL rounded to its scale is only a note). */
export const ALTERED_VALUE: ReadonlySet<number> = new Set([1262, 1263, 1264, 1265, 1292, 1366, 1406]);

/** Warnings LOAD DATA LOCAL gives where INSERT fails: the row was skipped for a key or a NOT NULL. */
const CONSTRAINT = new Set([1022, 1048, 1062, 1216, 1217, 1263, 1364, 1451, 1452, 1586, 3819, 4025]);

/**
 * Throws for the first warning of the last statement that `counts` (all of them when omitted): a value
 * the server altered or a row it skipped is a failed batch, never a silent change.
 */
export async function rejectWarnings(
  connection: PoolConnection,
  action: string,
  firstRow: number,
  counts?: ReadonlySet<number>,
): Promise<void> {
  const [warnings] = await connection.query<RowDataPacket[]>('SHOW WARNINGS');
  const warning = warnings.find((w) => !counts || counts.has(Number(w.Code)));
  if (!warning) return;
  const row = /at row (\d+)/.exec(String(warning.Message))?.[1];
  const where = row ? ` (row ${firstRow + Number(row)} of the batch)` : '';
  const code = CONSTRAINT.has(Number(warning.Code)) ? 'constraint_violation' : 'bad_value';
  throw new DataBridgeError(code, `${action}: ${warning.Message}${where}`);
}
