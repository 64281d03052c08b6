import { type Kysely, type Migration, sql } from 'kysely';
import type { ColumnTypes } from '../schema/column-types.ts';

const EXECUTION_COLUMNS = ['logical_date', 'sla_alerted_at', 'outcome_alerted'] as const;

/**
 * What the scheduler must remember between ticks, on every scheduler process at once:
 *
 * - `scheduled_runs`: one row per project and logical date. Its primary key is the claim: when
 *   several schedulers tick at the same instant, one insert wins and the others see a conflict, so
 *   a due run starts exactly once. A row waits (a slot, an upstream project), is started (with its
 *   execution) or is skipped, and says why.
 * - `schedule_states`: per project, the timetable last seen and the latest logical date handled,
 *   so a new or changed timetable starts from when it was saved rather than from history.
 * - `scheduler_leases`: short leases that let one scheduler at a time start a project's runs, which
 *   keeps `maxActiveRuns` exact between processes.
 * - On executions: the logical date a run is for, when its SLA alert went out, and the outcome
 *   (`status:attempt`) its failure or recovery alert was decided for: each alert goes out once.
 */
export function schedules(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const alter = () => db.schema.alterTable('executions');
      await alter().addColumn('logical_date', t.timestamp).execute();
      await alter().addColumn('sla_alerted_at', t.timestamp).execute();
      await alter().addColumn('outcome_alerted', 'text').execute();
      // Runs that ended before the scheduler existed have had their chance: no alert for them now.
      await sql`update executions set outcome_alerted = status || ':' || cast(attempt as text)
        where status in ('completed', 'failed', 'cancelled')`.execute(db);
      await db.schema
        .createIndex('executions_logical_date_idx')
        .on('executions')
        .columns(['project_id', 'logical_date'])
        .execute();
      await db.schema.createIndex('executions_ended_idx').on('executions').column('ended_at').execute();

      await db.schema
        .createTable('scheduled_runs')
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('logical_date', t.timestamp, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('execution_id', 'text', (c) => c.references('executions.id').onDelete('set null'))
        .addColumn('reason', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addColumn('started_at', t.timestamp)
        .addPrimaryKeyConstraint('scheduled_runs_pk', ['project_id', 'logical_date'])
        .execute();
      await db.schema
        .createIndex('scheduled_runs_status_idx')
        .on('scheduled_runs')
        .columns(['status', 'logical_date'])
        .execute();

      await db.schema
        .createTable('schedule_states')
        .addColumn('project_id', 'text', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
        .addColumn('timetable', 'text', (c) => c.notNull())
        .addColumn('last_due_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('scheduler_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .execute();
    },

    async down(db: Kysely<unknown>) {
      for (const table of ['scheduler_leases', 'schedule_states', 'scheduled_runs']) {
        await db.schema.dropTable(table).execute();
      }
      await db.schema.dropIndex('executions_ended_idx').execute();
      await db.schema.dropIndex('executions_logical_date_idx').execute();
      for (const column of EXECUTION_COLUMNS) {
        await db.schema.alterTable('executions').dropColumn(column).execute();
      }
    },
  };
}
