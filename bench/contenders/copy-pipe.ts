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
  return pipeContender(`copy-${format}`, `psql COPY pipe, ${format}`, pipeScript(format));
}

/**
 * The same binary pipes with the work DataBridge does by default (and pgloader too): the foreign key
 * dropped, both tables copied at the same time, the key added back with one validating scan.
 */
export function copyPipeKeyAfter(): Contender {
  const fk = 'orders_customer_id_fkey';
  const target = (sql: string) => psqlCommand(PG_TARGET_DB, sql);
  const [customers, orders] = ['customers', 'orders'].map((t) => pipeLine('binary', t));
  const script = [
    'set -euo pipefail',
    target(`ALTER TABLE public.orders DROP CONSTRAINT ${fk}`),
    `( ${customers} ) & c=$!`,
    `( ${orders} ) & o=$!`,
    'wait $c',
    'wait $o',
    target(
      `ALTER TABLE public.orders ADD CONSTRAINT ${fk} FOREIGN KEY (customer_id) REFERENCES public.customers (id)`,
    ),
    '',
  ].join('\n');
  return pipeContender(
    'copy-binary-fk-after',
    'psql COPY pipes, binary, concurrent, foreign key after',
    script,
  );
}

function pipeLine(format: 'text' | 'binary', table: string): string {
  const option = format === 'binary' ? ' (FORMAT binary)' : '';
  return `${psqlCommand(PG_SOURCE_DB, `COPY ${PG_SOURCE_SCHEMA}.${table} TO STDOUT${option}`)} | ${psqlCommand(PG_TARGET_DB, `COPY public.${table} FROM STDIN${option}`)}`;
}

function pipeScript(format: 'text' | 'binary'): string {
  return `set -euo pipefail\n${pipeLine(format, 'customers')}\n${pipeLine(format, 'orders')}\n`;
}

function pipeContender(id: string, label: string, script: string): Contender {
  return {
    id,
    label,
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
