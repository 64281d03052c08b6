import type { Value } from '../values.ts';
import type { ServerSumState } from './checksum.ts';

/**
 * A task's committed position: the last key loaded (undefined before the first) and how many rows of
 * the task were rejected so far, so a resume knows both exactly. Keys survive bytes and bigints, which
 * plain JSON would mangle.
 */
export interface Position {
  readonly key: Value[] | undefined;
  readonly rejected: number;
  /**
   * The checksum (PostgreSQL mode) of the task's source rows committed so far, when the task sums
   * them while loading (so that validation need not read the source again); absent when it does not.
   */
  readonly sum?: ServerSumState;
}

export function encodePosition(position: Position): string {
  const key =
    position.key?.map((v) =>
      v instanceof Uint8Array
        ? { bytes: Buffer.from(v).toString('base64') }
        : typeof v === 'bigint'
          ? { bigint: v.toString() }
          : v,
    ) ?? null;
  return JSON.stringify({ key, rejected: position.rejected, ...(position.sum ? { sum: position.sum } : {}) });
}

export function decodePosition(text: string): Position {
  const parsed = JSON.parse(text) as {
    key: unknown[] | null;
    rejected?: number;
    sum?: ServerSumState;
  } | null;
  const sum = parsed?.sum ? { sum: parsed.sum } : {};
  if (!parsed?.key) return { key: undefined, rejected: parsed?.rejected ?? 0, ...sum };
  const key = parsed.key.map((v) => {
    if (v && typeof v === 'object' && 'bytes' in v)
      return Buffer.from((v as { bytes: string }).bytes, 'base64');
    if (v && typeof v === 'object' && 'bigint' in v) return BigInt((v as { bigint: string }).bigint);
    return v as Value;
  });
  return { key, rejected: parsed.rejected ?? 0, ...sum };
}
