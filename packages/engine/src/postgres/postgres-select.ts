import type { Value } from '../values.ts';

/**
 * A value written into SQL text, for COPY (SELECT ...), which takes no bind parameters. Strings are
 * quoted by doubling quotes (standard_conforming_strings is on for every pooled connection), numbers
 * must look like numbers, bytes go in as a bytea hex literal.
 */
export function literal(value: Value): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `'${value}'::float8`;
    return String(value);
  }
  if (value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString('hex')}'::bytea`;
  return `'${value.replace(/'/g, "''")}'`;
}
