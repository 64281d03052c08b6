import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../schema/column-types.ts';

/**
 * The last test of each connection (passed or not, the message, the latency and when), so that the
 * connections page still shows it after a reload. One column per statement: SQLite adds one at a time.
 */
export function connectionTests(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('connections').addColumn('last_test_ok', t.boolean).execute();
      await db.schema.alterTable('connections').addColumn('last_test_message', 'text').execute();
      await db.schema.alterTable('connections').addColumn('last_test_latency_ms', 'integer').execute();
      await db.schema.alterTable('connections').addColumn('last_tested_at', t.timestamp).execute();
    },

    async down(db: Kysely<unknown>) {
      for (const column of ['last_tested_at', 'last_test_latency_ms', 'last_test_message', 'last_test_ok']) {
        await db.schema.alterTable('connections').dropColumn(column).execute();
      }
    },
  };
}
