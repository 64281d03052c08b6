import { checkHealth } from '@databridge/queue';
import { route } from '../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** Readiness, public for load balancers: the metadata store answers (503 when it does not). */
export const GET = route('public', async ({ context }) => ({ data: await checkHealth(context) }));
