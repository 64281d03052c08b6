import { randomUUID } from 'node:crypto';
import {
  type ArtefactStore,
  pruneArtefacts,
  retentionCutoff,
  type StoredExecution,
  uploadPendingArtefacts,
} from '@databridge/engine';
import { acquireLease, getExecution, type Store, updateExecution } from '@databridge/store';

export interface ArtefactUpkeepContext {
  readonly store: Store;
  readonly artefacts?: ArtefactStore;
  readonly reportsDir?: string;
  readonly env?: { readonly artefactRetentionDays?: number | undefined };
  /** A BullMQ worker's name for its rejects (see RunDeps.artefactWriter). */
  readonly artefactWriter?: string;
}

/** One prune per hour across every scheduler: listing a whole bucket every tick would be waste. */
const RETENTION_LEASE = 'artefact-retention';
const RETENTION_EVERY_MS = 60 * 60_000;

/**
 * Uploads what failed uploads left in this process's local folder, and clears the reason the
 * executions' status gave once their artefacts are stored. Returns the executions now stored.
 */
export async function uploadLeftArtefacts(ctx: ArtefactUpkeepContext): Promise<string[]> {
  if (!ctx.artefacts || ctx.artefacts.isLocalFolder || !ctx.reportsDir) return [];
  const stored = await uploadPendingArtefacts(
    ctx.artefacts,
    ctx.reportsDir,
    ctx.artefactWriter ? { writer: ctx.artefactWriter } : {},
  );
  for (const id of stored) {
    const execution = await getExecution(ctx.store, id);
    const summary = execution?.summary;
    if (summary?.artefacts?.pending) {
      await updateExecution(ctx.store, id, {
        summary: { ...summary, artefacts: { ...summary.artefacts, pending: null } },
      });
    }
  }
  return stored;
}

/**
 * Removes the artefacts of executions older than DATABRIDGE_ARTEFACT_RETENTION_DAYS (nothing when
 * unset), at most once an hour whoever ticks. Returns the executions removed.
 */
export async function pruneExpiredArtefacts(
  ctx: ArtefactUpkeepContext,
  now: Date,
): Promise<StoredExecution[]> {
  const days = ctx.env?.artefactRetentionDays;
  if (!days || !ctx.artefacts) return [];
  if (
    !(await acquireLease(ctx.store, RETENTION_LEASE, `${process.pid}:${randomUUID()}`, RETENTION_EVERY_MS))
  ) {
    return [];
  }
  return pruneArtefacts(ctx.artefacts, retentionCutoff(days, now), {
    // An execution that has not ended (paused for weeks, waiting for a retry) keeps what it wrote.
    keep: async (id) => {
      const execution = await getExecution(ctx.store, id).catch(() => undefined);
      return execution !== undefined && execution !== null && execution.endedAt === null;
    },
  });
}
