import {
  EMPTY_NOTES,
  type NewRun,
  REJECTED_SAMPLES,
  type RejectedRow,
  type RunNotes,
  type RunRecord,
  type RunStateStore,
  type RunStatus,
  type RunSummary,
  rangeFromJson,
  rangeToJson,
  type SourceColumn,
  type TaskRecord,
  type Value,
} from '@databridge/engine';
import { sql } from 'kysely';
import { StoreError } from './errors.ts';
import type { Store } from './open-store.ts';
import { listSyncCursors, saveSyncCursors } from './sync-cursors-repository.ts';
import { inTransaction } from './transaction.ts';
import { readBool, readJson, readTime, readTimeOrNull, writeBool, writeJson } from './values.ts';

/**
 * The engine's run state kept in the metadata store, so that every worker process sees the plan,
 * tasks and findings of an execution (the engine run id is the execution id). Rejected-row samples
 * go to the `rejected_rows` summaries the monitor shows.
 */
export function storeRunState(store: Store): RunStateStore {
  return {
    async createRun(run: NewRun, tasks: readonly TaskRecord[]) {
      await inTransaction(store, async (tx) => {
        await tx.db
          .insertInto('engine_runs')
          .values({
            execution_id: run.id,
            spec_name: run.specName,
            spec_hash: run.specHash,
            status: 'running',
            started_at: run.startedAt,
            target_before: JSON.stringify(run.targetBefore),
            plan: run.plan,
            rows_total: JSON.stringify(run.rowsTotal),
            pre_hooks_done: writeBool(false),
          })
          .execute();
        for (let i = 0; i < tasks.length; i += 200) {
          await tx.db
            .insertInto('engine_tasks')
            .values(
              tasks.slice(i, i + 200).map((t, j) => ({
                execution_id: run.id,
                task_id: t.id,
                position: i + j,
                mapping_id: t.mappingId,
                range_json: t.range ? rangeToJson(t.range) : null,
              })),
            )
            .execute();
        }
      });
    },

    async getRun(id: string): Promise<RunRecord | undefined> {
      const row = await store.db
        .selectFrom('engine_runs')
        .selectAll()
        .where('execution_id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        id,
        specName: row.spec_name,
        specHash: row.spec_hash,
        status: row.status as RunStatus,
        startedAt: readTime(row.started_at),
        endedAt: readTimeOrNull(row.ended_at),
        targetBefore: JSON.parse(row.target_before),
        plan: row.plan,
        rowsTotal: JSON.parse(row.rows_total),
        preHooksDone: readBool(row.pre_hooks_done),
      };
    },

    async tasks(runId: string): Promise<TaskRecord[]> {
      const rows = await store.db
        .selectFrom('engine_tasks')
        .selectAll()
        .where('execution_id', '=', runId)
        .orderBy('position')
        .execute();
      return rows.map((r) => ({
        id: r.task_id,
        mappingId: r.mapping_id,
        range: r.range_json ? rangeFromJson(r.range_json) : null,
      }));
    },

    async markPreHooksDone(id: string) {
      await store.db
        .updateTable('engine_runs')
        .set({ pre_hooks_done: writeBool(true) })
        .where('execution_id', '=', id)
        .execute();
    },

    async markRunning(id: string) {
      await store.db
        .updateTable('engine_runs')
        .set({ status: 'running', ended_at: null })
        .where('execution_id', '=', id)
        .execute();
    },

    async finishRun(id: string, status: RunStatus, _summary: RunSummary) {
      // The summary itself belongs to the execution (updateExecution), which the executor writes.
      await store.db
        .updateTable('engine_runs')
        .set({ status, ended_at: new Date().toISOString() })
        .where('execution_id', '=', id)
        .execute();
    },

    async saveNotes(id: string, notes: Partial<RunNotes>) {
      await inTransaction(store, async (tx) => {
        const row = await tx.db
          .selectFrom('engine_run_notes')
          .select('notes')
          .where('execution_id', '=', id)
          .executeTakeFirst();
        const merged = JSON.stringify({ ...EMPTY_NOTES, ...(row ? JSON.parse(row.notes) : {}), ...notes });
        await tx.db
          .insertInto('engine_run_notes')
          .values({ execution_id: id, notes: merged })
          .onConflict((oc) => oc.column('execution_id').doUpdateSet({ notes: merged }))
          .execute();
      });
    },

    async notes(id: string): Promise<RunNotes> {
      const row = await store.db
        .selectFrom('engine_run_notes')
        .select('notes')
        .where('execution_id', '=', id)
        .executeTakeFirst();
      return { ...EMPTY_NOTES, ...(row ? JSON.parse(row.notes) : {}) };
    },

    async addRejectedSamples(id: string, mappingId: string, rows: readonly RejectedRow[]) {
      if (rows.length === 0) return;
      await inTransaction(store, async (tx) => {
        const existing = await tx.db
          .selectFrom('rejected_rows')
          .select(['sample'])
          .where('execution_id', '=', id)
          .where('mapping_id', '=', mappingId)
          .executeTakeFirst();
        const kept = existing ? (readJson(existing.sample) as RejectedRow[]) : [];
        const sample = writeJson([...kept, ...rows].slice(0, REJECTED_SAMPLES));
        await tx.db
          .insertInto('rejected_rows')
          .values({
            execution_id: id,
            mapping_id: mappingId,
            table_name: rows[0]!.table,
            count: rows.length,
            sample,
          })
          .onConflict((oc) =>
            oc
              .columns(['execution_id', 'mapping_id'])
              .doUpdateSet({ count: sql<number>`rejected_rows.count + ${rows.length}`, sample }),
          )
          .execute();
      });
    },

    async rejectedSamples(id: string): Promise<RejectedRow[]> {
      const rows = await store.db
        .selectFrom('rejected_rows')
        .select('sample')
        .where('execution_id', '=', id)
        .orderBy('mapping_id')
        .execute();
      return rows.flatMap((r) => readJson(r.sample) as RejectedRow[]);
    },

    // Cursors belong to the execution's project, whatever the spec is named.
    async savedCursors(executionId: string) {
      const projectId = await projectOf(store, executionId);
      const cursors = await listSyncCursors(store, projectId);
      return Object.fromEntries(cursors.map(({ mappingKey, ...saved }) => [mappingKey, saved]));
    },

    async saveCursors(
      executionId: string,
      _specName: string,
      cursors: Readonly<Record<string, Value>>,
      columns?: Readonly<Record<string, readonly SourceColumn[]>>,
    ) {
      await saveSyncCursors(store, await projectOf(store, executionId), executionId, cursors, columns);
    },
  };
}

async function projectOf(store: Store, executionId: string): Promise<string> {
  const row = await store.db
    .selectFrom('executions')
    .select('project_id')
    .where('id', '=', executionId)
    .executeTakeFirst();
  if (!row) throw new StoreError('not_found', `There is no execution ${executionId}.`);
  return row.project_id;
}
