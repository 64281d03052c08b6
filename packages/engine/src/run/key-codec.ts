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
  /** The task's extract archive so far, when the run archives extracted rows (extract-archive-task.ts). */
  readonly archive?: ArchiveState;
}

/** One stored part of a task's extract archive: a gzip CSV object of the execution. */
export interface ArchivedPart {
  /** Its artefact name within the execution: `extracts/<mapping>-<table>/<task>-part0001.csv.gz`. */
  readonly name: string;
  readonly rows: number;
  /** Size of the stored (compressed) object, and its SHA-256 in hex: what `sha256sum` prints. */
  readonly bytes: number;
  readonly sha256: string;
  /** The PostgreSQL-mode checksum of its rows (checksum.ts). */
  readonly sum: ServerSumState;
}

/**
 * Where a task's archive stands at a checkpoint: the parts stored, the key of the last row in them
 * (undefined before the first part), and how many rows after that key the checkpoint has committed
 * (read into a part not stored yet): a resume reads those again from the key, for the archive alone.
 */
export interface ArchiveState {
  readonly parts: readonly ArchivedPart[];
  readonly key: Value[] | undefined;
  readonly rows: number;
}

export function encodePosition(position: Position): string {
  const archive = position.archive
    ? { archive: { ...position.archive, key: encodeKey(position.archive.key) } }
    : {};
  return JSON.stringify({
    key: encodeKey(position.key),
    rejected: position.rejected,
    ...(position.sum ? { sum: position.sum } : {}),
    ...archive,
  });
}

export function decodePosition(text: string): Position {
  const parsed = JSON.parse(text) as {
    key: unknown[] | null;
    rejected?: number;
    sum?: ServerSumState;
    archive?: Omit<ArchiveState, 'key'> & { key: unknown[] | null };
  } | null;
  const sum = parsed?.sum ? { sum: parsed.sum } : {};
  const archive = parsed?.archive
    ? { archive: { ...parsed.archive, key: decodeKey(parsed.archive.key) } }
    : {};
  return { key: decodeKey(parsed?.key), rejected: parsed?.rejected ?? 0, ...sum, ...archive };
}

function encodeKey(key: Value[] | undefined): unknown[] | null {
  return (
    key?.map((v) =>
      v instanceof Uint8Array
        ? { bytes: Buffer.from(v).toString('base64') }
        : typeof v === 'bigint'
          ? { bigint: v.toString() }
          : v,
    ) ?? null
  );
}

function decodeKey(key: unknown[] | null | undefined): Value[] | undefined {
  if (!key) return undefined;
  return key.map((v) => {
    if (v && typeof v === 'object' && 'bytes' in v)
      return Buffer.from((v as { bytes: string }).bytes, 'base64');
    if (v && typeof v === 'object' && 'bigint' in v) return BigInt((v as { bigint: string }).bigint);
    return v as Value;
  });
}
