import type { Checkpoint } from '../connectors/connection.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { Value } from '../values.ts';
import { RowChecksum, type ServerSumState } from './checksum.ts';
import { decodePosition } from './key-codec.ts';
import type { TaskRecord } from './run-state.ts';
import type { SyncSummary } from './run-summary.ts';

export interface SyncCounts {
  /** Target rows before the run's first load (the run state's `targetBefore`). */
  readonly targetBefore: number;
  /** Target rows now, after the load and any deletes. */
  readonly targetAfter: number;
  readonly deleted: number;
  readonly softDeleted: number | null;
}

/**
 * What an incremental mapping moved, from its committed checkpoints: rows read (written or
 * rejected), inserted (the target's growth, deletes added back), updated (the rest of an upsert's
 * rows), and the checksum its tasks summed while reading. `completed` says whether the cursor moves.
 */
export function syncSummary(
  m: PlannedMapping,
  tasks: readonly TaskRecord[],
  checkpoints: ReadonlyMap<string, Checkpoint>,
  counts: SyncCounts,
  completed: boolean,
): SyncSummary {
  const sync = m.sync!;
  const window = sync.window;
  const own = tasks.filter((t) => t.mappingId === m.id).map((t) => checkpoints.get(t.id));
  const positions = own.map((c) => (c ? decodePosition(c.position) : undefined));
  const written = own.reduce((n, c) => n + (c?.rowsWritten ?? 0), 0);
  const rejected = positions.reduce((n, p) => n + (p?.rejected ?? 0), 0);
  const sums = positions.map((p) => p?.sum);
  const inserted =
    sync.mode === 'incremental_append'
      ? written
      : Math.max(0, counts.targetAfter - counts.targetBefore + counts.deleted);
  return {
    mappingId: m.id,
    table: `${m.target.schema}.${m.target.name}`,
    mode: sync.mode,
    cursor: sync.cursor,
    cursorBefore: window?.before ?? null,
    // A backfill re-reads a range: the live cursor stays where it was.
    cursorAfter: completed && !window?.backfill ? (window?.upper ?? null) : (window?.before ?? null),
    rowsRead: written + rejected,
    inserted,
    updated: Math.max(0, written - inserted),
    deleted: counts.deleted,
    softDeleted: counts.softDeleted,
    checksum:
      sums.length > 0 && sums.every((s) => s !== undefined)
        ? RowChecksum.combine(sums as ServerSumState[]).digest
        : null,
  };
}

/** The cursors a completed run saves, by cursorKey: the top of each window (none for an empty table). */
export function reachedCursors(
  mappings: readonly PlannedMapping[],
  keyOf: (m: PlannedMapping) => string,
): Record<string, Value> {
  const reached: Record<string, Value> = {};
  for (const m of mappings) {
    if (m.sync?.window?.backfill) continue;
    const upper = m.sync?.window?.upper;
    if (upper !== undefined && upper !== null) reached[keyOf(m)] = upper;
  }
  return reached;
}
