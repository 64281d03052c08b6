import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../schema/column-types.ts';

/** Connections, projects, and the skeleton of an execution: its stages, tasks and checkpoints. */
export function core(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('connections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('display_url', 'text', (c) => c.notNull())
        .addColumn('secret_url', 'text', (c) => c.notNull())
        .addColumn('key_version', 'integer', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('projects')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('source_connection_id', 'text', (c) =>
          c.notNull().references('connections.id').onDelete('restrict'),
        )
        .addColumn('target_connection_id', 'text', (c) =>
          c.notNull().references('connections.id').onDelete('restrict'),
        )
        .addColumn('spec', t.json, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('projects_source_idx')
        .on('projects')
        .column('source_connection_id')
        .execute();
      await db.schema
        .createIndex('projects_target_idx')
        .on('projects')
        .column('target_connection_id')
        .execute();

      await db.schema
        .createTable('executions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('run_id', 'text')
        .addColumn('started_at', t.timestamp)
        .addColumn('ended_at', t.timestamp)
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('summary', t.json)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('executions_project_idx')
        .on('executions')
        .columns(['project_id', 'created_at', 'id'])
        .execute();
      await db.schema.createIndex('executions_status_idx').on('executions').column('status').execute();

      await db.schema
        .createTable('stage_runs')
        .addColumn('execution_id', 'text', (c) => c.notNull().references('executions.id').onDelete('cascade'))
        .addColumn('stage_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', t.timestamp)
        .addColumn('ended_at', t.timestamp)
        .addColumn('duration_seconds', t.float)
        .addPrimaryKeyConstraint('stage_runs_pk', ['execution_id', 'stage_id'])
        .execute();

      await db.schema
        .createTable('task_runs')
        .addColumn('execution_id', 'text', (c) => c.notNull().references('executions.id').onDelete('cascade'))
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('mapping_id', 'text', (c) => c.notNull())
        .addColumn('stage_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('rows_total', 'bigint')
        .addColumn('rows_read', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_written', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_rejected', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('started_at', t.timestamp)
        .addColumn('ended_at', t.timestamp)
        .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('error_message', 'text')
        .addPrimaryKeyConstraint('task_runs_pk', ['execution_id', 'task_id'])
        .execute();

      await db.schema
        .createTable('checkpoints')
        .addColumn('execution_id', 'text', (c) => c.notNull().references('executions.id').onDelete('cascade'))
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('position', 'text')
        .addColumn('rows_written', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('done', t.boolean, (c) => c.notNull().defaultTo(false))
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('checkpoints_pk', ['execution_id', 'task_id'])
        .execute();
    },

    async down(db: Kysely<unknown>) {
      for (const table of [
        'checkpoints',
        'task_runs',
        'stage_runs',
        'executions',
        'projects',
        'connections',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
