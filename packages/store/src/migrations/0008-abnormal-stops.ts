import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../schema/column-types.ts';

/**
 * How many times the process driving an execution died without stopping it (a crash, a kill, out of
 * memory): the server resumes such an execution once by itself, and leaves it `interrupted` for a
 * person after a second death, so a run that kills its server cannot do so at every start.
 */
export function abnormalStops(_t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('executions')
        .addColumn('abnormal_stops', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },

    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('executions').dropColumn('abnormal_stops').execute();
    },
  };
}
