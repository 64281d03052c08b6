import type { RejectedRow } from '@databridge/engine';
import type { Selectable } from 'kysely';
import type { Store } from './open-store.ts';
import type { RejectedRowsTable } from './schema/database.ts';
import { readJson, writeJson } from './values.ts';

/**
 * What one table mapping of an execution rejected: how many rows, the first few, and the file with
 * them all. No executor writes these today (only tests do): a run's rejects are in its run state and
 * its rejects files.
 */
export interface RejectedRowSummary {
  readonly executionId: string;
  readonly mappingId: string;
  /** Target table, `schema.table`. */
  readonly table: string;
  readonly count: number;
  /** The first rejected rows with their reasons (at most SAMPLE_SIZE). */
  readonly sample: readonly RejectedRow[];
  /** The JSON-lines file with every rejected row, when one was written. */
  readonly filePath: string | null;
}

export const SAMPLE_SIZE = 20;

/** Records (or replaces) a mapping's summary; the sample is cut to SAMPLE_SIZE rows. */
export async function saveRejectedRows(
  store: Store,
  summary: Omit<RejectedRowSummary, 'filePath'> & { filePath?: string | null },
): Promise<void> {
  const values = {
    table_name: summary.table,
    count: summary.count,
    sample: writeJson(summary.sample.slice(0, SAMPLE_SIZE)),
    file_path: summary.filePath ?? null,
  };
  await store.db
    .insertInto('rejected_rows')
    .values({ execution_id: summary.executionId, mapping_id: summary.mappingId, ...values })
    .onConflict((oc) => oc.columns(['execution_id', 'mapping_id']).doUpdateSet(values))
    .execute();
}

export async function listRejectedRows(store: Store, executionId: string): Promise<RejectedRowSummary[]> {
  const rows = await store.db
    .selectFrom('rejected_rows')
    .selectAll()
    .where('execution_id', '=', executionId)
    .orderBy('mapping_id')
    .execute();
  return rows.map(toSummary);
}

function toSummary(row: Selectable<RejectedRowsTable>): RejectedRowSummary {
  return {
    executionId: row.execution_id,
    mappingId: row.mapping_id,
    table: row.table_name,
    count: row.count,
    sample: readJson(row.sample) as RejectedRow[],
    filePath: row.file_path,
  };
}
