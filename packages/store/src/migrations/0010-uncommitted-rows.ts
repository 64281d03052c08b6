import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../schema/column-types.ts';

/**
 * Rows sent into a load transaction that has not committed yet, per task and summed per execution:
 * a `replace` load commits once, at its end, and until then shows these instead of nothing.
 */
export function uncommittedRows(_t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('task_runs')
        .addColumn('rows_uncommitted', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('executions')
        .addColumn('records_uncommitted', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
    },

    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('executions').dropColumn('records_uncommitted').execute();
      await db.schema.alterTable('task_runs').dropColumn('rows_uncommitted').execute();
    },
  };
}
