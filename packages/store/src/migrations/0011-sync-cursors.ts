import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../schema/column-types.ts';

/**
 * The cursor of each incremental mapping of a project, saved when a run completes: the next run
 * reads from there. A mapping is named by its source and target tables (the engine's cursorKey), so
 * adding or reordering mappings keeps the others' cursors. Deleting the row (reset state) makes the
 * next run a full load.
 */
export function syncCursors(t: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sync_cursors')
        .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('mapping_key', 'text', (c) => c.notNull())
        .addColumn('value_json', 'text', (c) => c.notNull())
        .addColumn('execution_id', 'text', (c) => c.notNull())
        .addColumn('saved_at', t.timestamp, (c) => c.notNull())
        // The source columns (name, native type) the run read: the next run reports what changed.
        .addColumn('source_columns', 'text')
        .addPrimaryKeyConstraint('sync_cursors_pk', ['project_id', 'mapping_key'])
        .execute();
    },

    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('sync_cursors').execute();
    },
  };
}
