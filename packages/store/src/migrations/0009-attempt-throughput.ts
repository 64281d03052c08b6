import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../schema/column-types.ts';

/**
 * Each progress sample says which attempt of the execution wrote it, and how many rows that attempt
 * had written and for how long its tasks had been running (pauses and the wait between attempts
 * left out): the throughput everywhere is the one ratio of those two (docs/throughput.md).
 */
export function attemptThroughput(_t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('metrics_samples')
        .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('metrics_samples')
        .addColumn('attempt_rows', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('metrics_samples')
        .addColumn('running_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
    },

    async down(db: Kysely<unknown>) {
      for (const column of ['running_ms', 'attempt_rows', 'attempt']) {
        await db.schema.alterTable('metrics_samples').dropColumn(column).execute();
      }
    },
  };
}
