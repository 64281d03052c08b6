import type { LoadSession, LoadTarget, WriteMode } from '../connectors/connection.ts';
import { type DataBridgeError, type ErrorCode, isDataBridgeError } from '../errors.ts';
import type { Row } from '../values.ts';

export interface IsolatedWrite {
  readonly written: number;
  /** Rows the database refused, each with its message, in input order. */
  readonly refused: readonly { readonly index: number; readonly reason: string; readonly code: ErrorCode }[];
}

/** Errors that one row can cause; anything else (a lost connection, say) fails the whole batch. */
function isRowError(error: unknown): boolean {
  return isDataBridgeError(error) && (error.code === 'constraint_violation' || error.code === 'bad_value');
}

let savepoints = 0;

/**
 * Writes rows inside a savepoint. When the database refuses the batch for a row-level reason (a
 * constraint, a value), it rolls back to the savepoint and splits the batch in halves until each
 * refused row stands alone, so that one bad row costs its neighbours nothing and every row is either
 * written or refused with the database's own message.
 */
export async function writeIsolating(
  session: LoadSession,
  target: LoadTarget,
  rows: readonly Row[],
  mode: WriteMode,
  key: readonly string[],
  offset = 0,
): Promise<IsolatedWrite> {
  if (rows.length === 0) return { written: 0, refused: [] };
  const name = `databridge_${++savepoints}`;
  await session.savepoint(name);
  try {
    await session.write(target, rows, mode, key);
    await session.releaseSavepoint(name);
    return { written: rows.length, refused: [] };
  } catch (error) {
    if (!isRowError(error)) throw error;
    await session.rollbackTo(name);
    if (rows.length === 1) {
      const { message, code } = error as DataBridgeError;
      return { written: 0, refused: [{ index: offset, reason: message, code }] };
    }
    const half = Math.ceil(rows.length / 2);
    const left = await writeIsolating(session, target, rows.slice(0, half), mode, key, offset);
    const right = await writeIsolating(session, target, rows.slice(half), mode, key, offset + half);
    return { written: left.written + right.written, refused: [...left.refused, ...right.refused] };
  }
}
