import {
  cursorFromJson,
  cursorToJson,
  type SavedCursor,
  type SourceColumn,
  type Value,
} from '@databridge/engine';
import type { Store } from './open-store.ts';
import { inTransaction } from './transaction.ts';
import { readTime } from './values.ts';

/** A project's saved cursor of one incremental mapping, as the monitor and the reset control show it. */
export interface SyncCursor extends SavedCursor {
  readonly mappingKey: string;
}

/** The saved cursors of a project's incremental mappings, by mapping key. */
export async function listSyncCursors(store: Store, projectId: string): Promise<SyncCursor[]> {
  const rows = await store.db
    .selectFrom('sync_cursors')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('mapping_key')
    .execute();
  return rows.map((r) => ({
    mappingKey: r.mapping_key,
    value: cursorFromJson(r.value_json),
    runId: r.execution_id,
    savedAt: readTime(r.saved_at),
    ...(r.source_columns ? { columns: JSON.parse(r.source_columns) as SourceColumn[] } : {}),
  }));
}

/** Saves the cursors an execution of the project reached, in one transaction. */
export async function saveSyncCursors(
  store: Store,
  projectId: string,
  executionId: string,
  cursors: Readonly<Record<string, Value>>,
  columns: Readonly<Record<string, readonly SourceColumn[]>> = {},
): Promise<void> {
  const savedAt = new Date().toISOString();
  await inTransaction(store, async (tx) => {
    for (const [mappingKey, value] of Object.entries(cursors)) {
      const row = {
        value_json: cursorToJson(value),
        execution_id: executionId,
        saved_at: savedAt,
        source_columns: columns[mappingKey] ? JSON.stringify(columns[mappingKey]) : null,
      };
      await tx.db
        .insertInto('sync_cursors')
        .values({ project_id: projectId, mapping_key: mappingKey, ...row })
        .onConflict((oc) => oc.columns(['project_id', 'mapping_key']).doUpdateSet(row))
        .execute();
    }
  });
}

/**
 * Forgets a project's saved cursors (of one mapping, by its key), so that the next run of each is a
 * full load; returns the keys forgotten.
 */
export async function resetSyncCursors(
  store: Store,
  projectId: string,
  mappingKey?: string,
): Promise<string[]> {
  let query = store.db.deleteFrom('sync_cursors').where('project_id', '=', projectId);
  if (mappingKey !== undefined) query = query.where('mapping_key', '=', mappingKey);
  const rows = await query.returning('mapping_key').execute();
  return rows.map((r) => r.mapping_key).sort();
}
