import type { ErrorCode } from '../errors.ts';
import type { Row, Value } from '../values.ts';

/** Why one source row was not loaded, with everything needed to fix and reload it. */
export interface RejectedRow {
  readonly mappingId: string;
  /** Target table, `schema.table`. */
  readonly table: string;
  /** The target column at fault, when one is. */
  readonly column: string | null;
  /** The offending value as text (shortened), when there is one. */
  readonly value: string | null;
  readonly reason: string;
  /** `bad_value` for a value the target type cannot take, or the database's refusal (`constraint_violation`, …). */
  readonly code: ErrorCode;
  /** The whole source row, by source column (or expression) name. */
  readonly row: Readonly<Record<string, unknown>>;
}

/** Thrown by a row transform for a value the target column cannot take. */
export class ColumnRejection extends Error {
  constructor(
    readonly column: string,
    readonly value: Value,
    readonly reason: string,
  ) {
    super(`${column}: ${reason}`);
  }
}

/** A value as JSON can carry it: bytes as hex, bigints as text. */
export function jsonSafe(value: Value): unknown {
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

export function shorten(value: Value): string | null {
  if (value === null) return null;
  const text = String(jsonSafe(value));
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export function rowObject(names: readonly string[], row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  names.forEach((name, i) => {
    out[name] = jsonSafe(row[i] ?? null);
  });
  return out;
}
