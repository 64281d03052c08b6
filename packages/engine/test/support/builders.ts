import assert from 'node:assert/strict';
import { DataBridgeError, type ErrorCode } from '../../src/errors.ts';
import type { ColumnInfo, NormalisedType, TableInfo } from '../../src/schema/model.ts';

/** A neutral column for tests: nullable, no default, typed by its normalised type. */
export function column(name: string, type: NormalisedType, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    name,
    nativeType: type,
    type,
    nullable: true,
    defaultValue: null,
    autoIncrement: false,
    ordinal: 0,
    ...extra,
  };
}

/** A neutral table for tests, its columns numbered in order. */
export function table(
  name: string,
  columns: ColumnInfo[],
  primaryKey: string[] = [],
  schema = 'main',
): TableInfo {
  return {
    schema,
    name,
    columns: columns.map((c, i) => ({ ...c, ordinal: i + 1 })),
    primaryKey,
    foreignKeys: [],
    uniqueConstraints: [],
    rowEstimate: 0,
  };
}

/** For assert.rejects: a DataBridgeError with this code (and message pattern). */
export function failsWith(code: ErrorCode, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof DataBridgeError, `a DataBridgeError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}
