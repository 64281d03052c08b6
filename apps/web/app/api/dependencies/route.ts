import { dependencyGraph } from '@databridge/queue';
import { route } from '../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/**
 * The dependency graph: `nodes` (every project, its timetable in words, whether it is enabled and
 * `dependsOn` entries that name no project) and `edges` from each upstream project to each project
 * that waits for it.
 */
export const GET = route('read', async ({ context }) => ({ data: await dependencyGraph(context) }));
