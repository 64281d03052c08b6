import { type CleanseSummary, type StagingDatabase, stagedRowCounts } from '@databridge/engine';
import { type Store, storeRunState } from '@databridge/store';

/** The extract stage of a staged execution, for one mapping: rows copied into staging of the rows to copy. */
export interface StagedExtractProgress {
  readonly mappingId: string;
  readonly rowsStaged: number;
  readonly rowsTotal: number;
  /** The total is the source's statistics estimate (a large InnoDB table), not a count. */
  readonly rowsTotalIsEstimate: boolean;
  /** Key-range tasks of the mapping whose copy into staging is complete, of `tasks`. */
  readonly tasksDone: number;
  readonly tasks: number;
}

/**
 * The extract's own progress in a staged execution, by mapping: while it copies, from its checkpoints
 * in the staging database (committed batches only, so never ahead of what is there); once the cleanse
 * has counted the staged rows, from those counts (the schema of a completed run may be gone by then).
 * Undefined for a direct execution, or one whose extract has not committed a batch yet.
 */
export async function stagedExtractProgress(
  ctx: { readonly store: Store; readonly env?: { readonly staging?: StagingDatabase | undefined } },
  executionId: string,
  cleanse: readonly CleanseSummary[],
): Promise<StagedExtractProgress[] | undefined> {
  const state = storeRunState(ctx.store);
  const record = await state.getRun(executionId);
  if (!record) return undefined;
  const tasks = await state.tasks(executionId);
  const counted = new Map(cleanse.map((c) => [c.mappingId, c.staged]));
  const staging = ctx.env?.staging;
  const copied =
    cleanse.length === 0 && staging
      ? await stagedRowCounts(staging, executionId).catch(
          () => new Map<string, { rows: number; done: boolean }>(),
        )
      : new Map<string, { rows: number; done: boolean }>();
  if (copied.size === 0 && counted.size === 0) return undefined;
  return Object.entries(record.rowsTotal)
    .map(([mappingId, total]): StagedExtractProgress => {
      const own = tasks.filter((t) => t.mappingId === mappingId);
      const staged = counted.get(mappingId);
      return {
        mappingId,
        rowsStaged: staged ?? own.reduce((n, t) => n + (copied.get(t.id)?.rows ?? 0), 0),
        rowsTotal: total.rows,
        rowsTotalIsEstimate: total.estimate,
        tasksDone: staged === undefined ? own.filter((t) => copied.get(t.id)?.done).length : own.length,
        tasks: own.length,
      };
    })
    .sort((a, b) => a.mappingId.localeCompare(b.mappingId, 'en', { numeric: true }));
}
