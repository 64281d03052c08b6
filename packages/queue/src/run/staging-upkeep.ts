import { randomUUID } from 'node:crypto';
import {
  FAILED_RETENTION_DAYS,
  type HeldRunState,
  type KnownRun,
  type PrunedStaging,
  pruneStaging,
  type StagingDatabase,
} from '@databridge/engine';
import {
  acquireLease,
  type ExecutionStatus,
  getExecution,
  releaseLease,
  type Store,
} from '@databridge/store';

export interface StagingUpkeepContext {
  readonly store: Store;
  readonly env?: {
    readonly staging?: StagingDatabase | undefined;
    readonly stagingFailedRetentionDays?: number | undefined;
  };
}

/** Held while one scheduler prunes, so that two ticks at once do not both list and drop. */
const STAGING_LEASE = 'staging-retention';
const STAGING_LEASE_MS = 10 * 60_000;

/**
 * The staging retention at `now` (docs/staging.md): drops the staging schemas whose `keepStaging`
 * has run out, and those of failed, cancelled or paused executions idle past
 * DATABRIDGE_STAGING_FAILED_RETENTION_DAYS. The metadata store's status of each execution wins over
 * the staging ledger's: an execution still active (queued, running, interrupted and about to resume,
 * cancelling) keeps its schema whatever the ledger last heard. Nothing without STAGING_DATABASE_URL.
 */
export async function pruneExpiredStaging(ctx: StagingUpkeepContext, now: Date): Promise<PrunedStaging[]> {
  const staging = ctx.env?.staging;
  if (!staging) return [];
  const holder = `${process.pid}:${randomUUID()}`;
  if (!(await acquireLease(ctx.store, STAGING_LEASE, holder, STAGING_LEASE_MS))) return [];
  try {
    return await pruneStaging(staging, now, {
      failedDays: ctx.env?.stagingFailedRetentionDays ?? FAILED_RETENTION_DAYS,
      stateOf: (runId) => executionState(ctx.store, runId),
    });
  } finally {
    await releaseLease(ctx.store, STAGING_LEASE, holder);
  }
}

/** An execution's status in the retention's terms; undefined for a run the store does not know (a CLI run). */
export async function executionState(store: Store, runId: string): Promise<KnownRun | undefined> {
  const execution = await getExecution(store, runId).catch(() => undefined);
  if (!execution) return undefined;
  const state = RETENTION_STATE[execution.status];
  return { state, endedAt: state === 'running' || !execution.endedAt ? null : new Date(execution.endedAt) };
}

/** A paused execution has no end time: the ledger's last word on it says how long it has been idle. */
const RETENTION_STATE: Record<ExecutionStatus, HeldRunState> = {
  pending: 'running',
  queued: 'running',
  running: 'running',
  interrupted: 'running',
  cancelling: 'running',
  paused: 'paused',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};
