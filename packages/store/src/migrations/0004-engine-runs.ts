import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../schema/column-types.ts';

/**
 * What the engine must remember between the stages of an execution, which BullMQ may run in
 * different worker processes: the plan as made at the start, the target's row counts before it, the
 * source totals, the findings of each stage, and every task with its key range. Keyed by execution
 * id, which is also the engine's run id. The plan is kept without the spec, so without any URL.
 */
export function engineRuns(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('engine_runs')
        .addColumn('execution_id', 'text', (c) =>
          c.primaryKey().references('executions.id').onDelete('cascade'),
        )
        .addColumn('spec_name', 'text', (c) => c.notNull())
        .addColumn('spec_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', t.timestamp, (c) => c.notNull())
        .addColumn('ended_at', t.timestamp)
        .addColumn('target_before', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('rows_total', 'text', (c) => c.notNull())
        .addColumn('pre_hooks_done', t.boolean, (c) => c.notNull().defaultTo(false))
        .execute();
      // Apart from the run: a pre hook that fails before the run is recorded still has its result kept.
      await db.schema
        .createTable('engine_run_notes')
        .addColumn('execution_id', 'text', (c) =>
          c.primaryKey().references('executions.id').onDelete('cascade'),
        )
        .addColumn('notes', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('engine_tasks')
        .addColumn('execution_id', 'text', (c) => c.notNull().references('executions.id').onDelete('cascade'))
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('mapping_id', 'text', (c) => c.notNull())
        .addColumn('range_json', 'text')
        .addPrimaryKeyConstraint('engine_tasks_pk', ['execution_id', 'task_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('engine_run_notes').execute();
      await db.schema.dropTable('engine_tasks').execute();
      await db.schema.dropTable('engine_runs').execute();
    },
  };
}
