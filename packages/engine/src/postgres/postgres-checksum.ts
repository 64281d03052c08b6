import type { NormalisedType } from '../schema/model.ts';
import type { PostgresDialect } from './postgres-dialect.ts';

/**
 * Types whose canonical text (run/checksum.ts) PostgreSQL can produce exactly in SQL. Floats are not
 * among them (PostgreSQL prints `1e-07` where JavaScript prints `1e-7`), nor JSON (jsonb reorders keys
 * differently): a table with such a column is checksummed by DataBridge on both sides.
 */
export const CANONICAL_IN_SQL: ReadonlySet<NormalisedType> = new Set([
  'int16',
  'int32',
  'int64',
  'decimal',
  'string',
  'text',
  'uuid',
  'boolean',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'binary',
  'bit',
]);

/** The SQL expression for one column's canonical text, the same string checksum.ts builds. */
function canonicalColumn(dialect: PostgresDialect, name: string, type: NormalisedType): string {
  const q = dialect.quoteIdentifier(name);
  switch (type) {
    case 'decimal':
      return `trim_scale(${q})::text`;
    case 'boolean':
      return `CASE WHEN ${q} THEN '1' WHEN NOT ${q} THEN '0' END`; // NULL stays NULL
    case 'timestamptz':
      return `(extract(epoch FROM ${q}) * 1000000)::numeric(30,0)::text`;
    case 'binary':
      return `encode(${q}, 'hex')`;
    default:
      return `${q}::text`;
  }
}

/** `concat(…)` of every column's canonical text, NULL marked by chr(1), each followed by chr(31). */
export function canonicalRowSql(
  dialect: PostgresDialect,
  columns: readonly { name: string; type: NormalisedType }[],
): string {
  const parts = columns.map((c) => `coalesce(${canonicalColumn(dialect, c.name, c.type)}, chr(1)), chr(31)`);
  return `concat(${parts.join(', ')})`;
}
