import { z } from 'zod';
import { labelledNumber, peopleError } from './labelled.ts';

const worded = { error: peopleError } as const;

/** The longest lookback: 30 days. */
const MAX_LOOKBACK_SECONDS = 30 * 24 * 3600;

/**
 * How target rows whose source row is gone are found: a soft-delete column the source sets
 * (`deleted_at`, `is_deleted`; copied like any column, and counted), or a comparison of every key
 * of both tables after the load that deletes target rows whose key the source no longer has.
 */
export const SyncDeletes = z.union([
  z.object({ softDeleteColumn: z.string(worded).trim().min(1, worded) }).strict(),
  z.object({ compareKeys: z.literal(true, worded) }).strict(),
]);
export type SyncDeletes = z.infer<typeof SyncDeletes>;

/**
 * How a table mapping moves its rows from run to run. `full` (the default) reads every row each
 * run, as the load mode says. `incremental_append` reads only rows whose cursor column is past the
 * last run's and appends them; `incremental_upsert` re-reads from the last value (minus the
 * lookback) and upserts on the key, so rows sharing the last value and late rows are taken once.
 * The first incremental run is a full load that records the cursor.
 */
export const SyncSettings = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('full') }).strict(),
    z
      .object({
        mode: z.enum(['incremental_append', 'incremental_upsert']),
        /** An orderable source column that grows with every change: `updated_at`, a growing id. */
        cursor: z.string(worded).trim().min(1, worded).optional(),
        /** Seconds before the last cursor value re-read each run, for rows committed late (timestamps). */
        lookbackSeconds: labelledNumber({
          label: 'Lookback',
          min: 0,
          max: MAX_LOOKBACK_SECONDS,
          unit: 'seconds',
        }).optional(),
        deletes: SyncDeletes.optional(),
        /**
         * Copy the source columns `columns` does not name (`exclude` aside) into the target's columns
         * of the same name, adding to the target those added at the source since the last run (that
         * run then reloads the mapping in full, so no row keeps a NULL for them).
         */
        addColumns: z.boolean(worded).optional(),
      })
      .strict(),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union' && (issue.input as { mode?: unknown } | undefined)?.mode !== undefined
        ? `Sync mode must be one of full, incremental_append or incremental_upsert (not “${String((issue.input as { mode: unknown }).mode)}”).`
        : peopleError(issue),
  },
);
export type SyncSettings = z.infer<typeof SyncSettings>;
export type IncrementalSync = Extract<SyncSettings, { cursor?: string }>;

interface SyncedMapping {
  readonly source: string;
  readonly target: string;
  readonly mode: string;
  readonly sync?: SyncSettings | undefined;
  readonly columns: readonly { readonly source?: string | undefined }[];
}

/**
 * What zod cannot see field by field: the cursor and the soft-delete column are columns the mapping
 * reads, lookback only where rows re-read are de-duplicated, and no `replace` beside an incremental
 * mode. Each issue names the mapping and the fix. Types and keys are checked by the plan.
 */
export function checkSync(mapping: SyncedMapping, ctx: z.RefinementCtx): void {
  const sync = mapping.sync;
  if (!sync || sync.mode === 'full') return;
  const refuse = (path: string[], problem: string) =>
    ctx.addIssue({
      code: 'custom',
      path: ['sync', ...path],
      message: `Mapping ${mapping.source} → ${mapping.target}, sync: ${problem}.`,
    });
  const selected = new Set(mapping.columns.flatMap((c) => (c.source === undefined ? [] : [c.source])));
  if (sync.cursor === undefined)
    refuse(
      ['cursor'],
      `${sync.mode} needs a cursor, the source column that grows with every change (an updated_at timestamp or a growing id): set “cursor”`,
    );
  else if (!selected.has(sync.cursor))
    refuse(['cursor'], `cursor “${sync.cursor}” is not a source column of this mapping; map it in columns`);
  if (sync.mode === 'incremental_append' && (sync.lookbackSeconds ?? 0) > 0)
    refuse(
      ['lookbackSeconds'],
      'lookback re-reads rows, which an append would load twice; use incremental_upsert, or remove the lookback',
    );
  if (sync.mode === 'incremental_append' && sync.addColumns)
    refuse(
      ['addColumns'],
      'addColumns reloads the mapping when a column is added, which an append would load twice; use incremental_upsert',
    );
  if (sync.mode === 'incremental_append' && sync.deletes)
    refuse(['deletes'], 'deletes need incremental_upsert, which matches target rows on their key');
  if (sync.deletes && 'softDeleteColumn' in sync.deletes && !selected.has(sync.deletes.softDeleteColumn))
    refuse(
      ['deletes', 'softDeleteColumn'],
      `soft-delete column “${sync.deletes.softDeleteColumn}” is not a source column of this mapping; map it in columns`,
    );
  if (mapping.mode === 'replace')
    refuse(
      [],
      `replace empties the table at every run, which an incremental mode must not; remove “mode: replace”`,
    );
}
