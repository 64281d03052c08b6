import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../schema/column-types.ts';

const PROGRESS_COLUMNS = [
  'records_processed',
  'records_total',
  'records_total_is_estimate',
  'failed_records',
  'throughput',
] as const;

/**
 * What a run reports while it goes: progress counters on the execution (existing rows start at
 * zero), rejected-row summaries, the log and the metrics samples behind the throughput chart.
 */
export function runTelemetry(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // One column per statement: SQLite's ALTER TABLE adds one at a time.
      const alter = () => db.schema.alterTable('executions');
      await alter()
        .addColumn('records_processed', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await alter()
        .addColumn('records_total', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await alter()
        .addColumn('records_total_is_estimate', t.boolean, (c) => c.notNull().defaultTo(false))
        .execute();
      await alter()
        .addColumn('failed_records', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await alter()
        .addColumn('throughput', t.float, (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('rejected_rows')
        .addColumn('execution_id', 'text', (c) => c.notNull().references('executions.id').onDelete('cascade'))
        .addColumn('mapping_id', 'text', (c) => c.notNull())
        .addColumn('table_name', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('sample', t.json, (c) => c.notNull())
        .addColumn('file_path', 'text')
        .addPrimaryKeyConstraint('rejected_rows_pk', ['execution_id', 'mapping_id'])
        .execute();

      await db.schema
        .createTable('log_entries')
        .addColumn('id', t.serialType, t.serial)
        .addColumn('execution_id', 'text', (c) => c.notNull().references('executions.id').onDelete('cascade'))
        .addColumn('time', t.timestamp, (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('stack', 'text')
        .addColumn('fields', t.json)
        .execute();
      await db.schema
        .createIndex('log_entries_execution_idx')
        .on('log_entries')
        .columns(['execution_id', 'id'])
        .execute();

      await db.schema
        .createTable('metrics_samples')
        .addColumn('id', t.serialType, t.serial)
        .addColumn('execution_id', 'text', (c) => c.notNull().references('executions.id').onDelete('cascade'))
        .addColumn('time', t.timestamp, (c) => c.notNull())
        .addColumn('rows_processed', 'bigint', (c) => c.notNull())
        .addColumn('failed_rows', 'bigint', (c) => c.notNull())
        .addColumn('rows_per_second', t.float, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('metrics_samples_execution_idx')
        .on('metrics_samples')
        .columns(['execution_id', 'id'])
        .execute();
    },

    async down(db: Kysely<unknown>) {
      for (const table of ['metrics_samples', 'log_entries', 'rejected_rows']) {
        await db.schema.dropTable(table).execute();
      }
      for (const column of PROGRESS_COLUMNS) {
        await db.schema.alterTable('executions').dropColumn(column).execute();
      }
    },
  };
}
