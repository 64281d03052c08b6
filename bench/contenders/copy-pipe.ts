import { PG_SOURCE_DB, PG_SOURCE_SCHEMA, PG_TARGET_DB } from '../config.ts';
import { measure } from '../measure.ts';
import { psqlCommand } from '../postgres.ts';
import type { Contender } from './contender.ts';
import { lastLines } from './databridge.ts';

/**
 * The physical limit of PostgreSQL to PostgreSQL: `psql -c "COPY ... TO STDOUT" | psql -c "COPY ...
 * FROM STDIN"`, customers then orders (the foreign key), in text or binary format, both tables timed
 * together in one `bash -c` with pipefail.
 */
export function copyPipe(format: 'text' | 'binary'): Contender {
  const option = format === 'binary' ? ' (FORMAT binary)' : '';
  const pipe = (table: string) =>
    `${psqlCommand(PG_SOURCE_DB, `COPY ${PG_SOURCE_SCHEMA}.${table} TO STDOUT${option}`)} | ${psqlCommand(PG_TARGET_DB, `COPY public.${table} FROM STDIN${option}`)}`;
  const script = `set -euo pipefail\n${pipe('customers')}\n${pipe('orders')}\n`;
  return {
    id: `copy-${format}`,
    label: `psql COPY pipe, ${format}`,
    role: 'baseline',
    async run() {
      const measured = await measure('bash', ['-c', script]);
      return {
        measured,
        error: measured.code === 0 ? null : `exit ${measured.code}: ${lastLines(measured.stderr)}`,
      };
    },
  };
}
