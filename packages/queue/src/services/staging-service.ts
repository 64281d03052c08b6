import {
  dropStagingSchema,
  dropWhen,
  FAILED_RETENTION_DAYS,
  type HeldRunState,
  heldRuns,
  heldStaging,
  maskPassword,
  messageOf,
  STAGING_SCHEMA_PREFIX,
  type StagingDatabase,
  stagingSchemaName,
} from '@databridge/engine';
import { getExecution, getProject, type Store } from '@databridge/store';
import type { RequestInfo } from '../auth/admin-service.ts';
import { audit } from '../auth/audit.ts';
import { executionState } from '../run/staging-upkeep.ts';
import { ServiceError } from './service-error.ts';

type Ctx = {
  readonly store: Store;
  readonly env: {
    readonly staging: StagingDatabase | undefined;
    readonly stagingFailedRetentionDays?: number;
  };
};

/** One schema the staging database holds, as the admin page shows it. */
export interface HeldStagingView {
  readonly schema: string;
  /** The execution (or CLI run) it belongs to. */
  readonly runId: string;
  /** The execution's project when the metadata store knows the run (the monitor links it); null for a CLI run. */
  readonly projectId: string | null;
  /** The project's name, or the spec's name a CLI run staged under. */
  readonly project: string | null;
  readonly state: HeldRunState;
  readonly tables: number;
  readonly bytes: number;
  /** When the run first staged, ISO-8601; null when the ledger has no record of it. */
  readonly stagedAt: string | null;
  readonly endedAt: string | null;
  /** When the retention drops it: `at` (ISO-8601), after `runs` more completed runs, or never by itself. */
  readonly drop:
    | { readonly kind: 'at'; readonly at: string; readonly why: string }
    | { readonly kind: 'after_runs'; readonly runs: number; readonly why: string }
    | { readonly kind: 'never'; readonly why: string };
}

export interface StagingOverview {
  /** Whether STAGING_DATABASE_URL is set; the URL is shown without its password. */
  readonly configured: boolean;
  readonly database: string | null;
  readonly failedRetentionDays: number;
  readonly schemas: readonly HeldStagingView[];
  readonly bytes: number;
  /** The staging database did not answer: why, with the setting to check. */
  readonly problem: string | null;
}

/**
 * What the staging database holds, for the admin page: each run's schema with its execution, project,
 * state, size, age and when the retention will drop it (the scheduler's tick does), as the metadata
 * store and the staging ledger know them.
 */
export async function getStagingOverview(ctx: Ctx): Promise<StagingOverview> {
  const staging = ctx.env.staging;
  const failedDays = ctx.env.stagingFailedRetentionDays ?? FAILED_RETENTION_DAYS;
  const empty = { schemas: [], bytes: 0, failedRetentionDays: failedDays };
  if (!staging) return { configured: false, database: null, problem: null, ...empty };
  const database = maskPassword(staging.url);
  try {
    const held = await heldStaging(staging);
    const runs = await heldRuns(held, (runId) => executionState(ctx.store, runId));
    const projectNames = new Map<string, string>();
    const schemas = await Promise.all(
      runs.map(async (run, i): Promise<HeldStagingView> => {
        const h = held[i]!;
        const when = dropWhen(run, runs, { failedDays });
        const project = await projectOf(ctx.store, run.runId, projectNames);
        return {
          schema: run.schema,
          runId: run.runId,
          projectId: project?.id ?? null,
          project: project?.name ?? run.project,
          state: run.state,
          tables: h.tables,
          bytes: h.bytes,
          stagedAt: h.run?.startedAt.toISOString() ?? null,
          endedAt: run.endedAt?.toISOString() ?? null,
          drop: when.kind === 'at' ? { ...when, at: when.at.toISOString() } : when,
        };
      }),
    );
    return {
      configured: true,
      database,
      problem: null,
      failedRetentionDays: failedDays,
      schemas,
      bytes: schemas.reduce((n, s) => n + s.bytes, 0),
    };
  } catch (error) {
    return { configured: true, database, problem: messageOf(error), ...empty };
  }
}

/**
 * Drops one run's staging schema on an admin's word (a run id or the schema's name), with an audit
 * entry. An execution still active keeps its schema: cancel it first. A later retry of the run
 * stops, saying its staged rows were dropped and by whom.
 */
export async function dropStagingForActor(ctx: Ctx, run: string, request: RequestInfo) {
  const staging = ctx.env.staging;
  if (!staging)
    throw new ServiceError(
      'invalid_state',
      'This server has no staging database (STAGING_DATABASE_URL is not set)',
    );
  const schema = run.startsWith(STAGING_SCHEMA_PREFIX) ? run : stagingSchemaName(run);
  const overview = await getStagingOverview(ctx);
  if (overview.problem) throw new ServiceError('unavailable', overview.problem);
  const held = overview.schemas.find((s) => s.schema === schema);
  if (!held) throw new ServiceError('not_found', `The staging database holds no schema for run ${run}`);
  if (held.state === 'running') {
    throw new ServiceError(
      'invalid_state',
      `Run ${held.runId} is still active and reads its staged rows: cancel it first, then drop its staging schema`,
    );
  }
  const dropped = await dropStagingSchema(
    staging,
    schema,
    `dropped by ${request.actor.display} on the admin page`,
  );
  if (!dropped) throw new ServiceError('not_found', `The staging database holds no schema for run ${run}`);
  await audit(
    ctx,
    request.actor,
    'staging.drop',
    { kind: 'execution', id: held.runId },
    {
      ip: request.ip,
      details: { before: { schema, state: held.state, tables: held.tables, bytes: held.bytes } },
    },
  );
  return { dropped: schema, runId: held.runId };
}

/** The project of the execution `runId`, if the store has that execution. */
async function projectOf(
  store: Store,
  runId: string,
  names: Map<string, string>,
): Promise<{ id: string; name: string } | undefined> {
  const execution = await getExecution(store, runId).catch(() => undefined);
  if (!execution) return undefined;
  const id = execution.projectId;
  const name = names.get(id) ?? (await getProject(store, id))?.name;
  if (name === undefined) return undefined;
  names.set(id, name);
  return { id, name };
}
