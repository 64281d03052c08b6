import { getStagingOverview } from '@databridge/queue';
import { route } from '../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** What the staging database holds: each run's schema, its size, state and when the retention drops it. */
export const GET = route('admin', async ({ context }) => ({ data: await getStagingOverview(context) }));
