import { peopleError } from '@databridge/engine';
import { listSyncCursors, resetSyncCursors, type SyncCursor } from '@databridge/store';
import { z } from 'zod';
import { type ProjectsContext, requireProject } from './projects-service.ts';
import { withServiceErrors } from './service-failures.ts';

const worded = { error: peopleError } as const;

/**
 * The body of `POST /api/projects/[id]/sync-state`: forget the saved cursor of one incremental
 * mapping (`mappingKey`, as the GET lists it), or of all of them when omitted.
 */
export const ResetSyncStateInput = z
  .object({ mappingKey: z.string(worded).trim().min(1, worded).max(1_000, worded).optional() })
  .strict();
export type ResetSyncStateInput = z.infer<typeof ResetSyncStateInput>;

/** The saved cursors of a project's incremental mappings: where each one's next run starts. */
export async function projectSyncState(
  ctx: Pick<ProjectsContext, 'store'>,
  projectId: string,
): Promise<SyncCursor[]> {
  await requireProject(ctx, projectId);
  return withServiceErrors(() => listSyncCursors(ctx.store, projectId));
}

/**
 * Reset state: forgets saved cursors, so that the next run of each mapping is a full load that
 * records its cursor again. Returns the mapping keys forgotten (none when nothing was saved).
 */
export async function resetProjectSyncState(
  ctx: Pick<ProjectsContext, 'store'>,
  projectId: string,
  input: ResetSyncStateInput,
): Promise<{ forgotten: string[] }> {
  await requireProject(ctx, projectId);
  const forgotten = await withServiceErrors(() => resetSyncCursors(ctx.store, projectId, input.mappingKey));
  return { forgotten };
}
