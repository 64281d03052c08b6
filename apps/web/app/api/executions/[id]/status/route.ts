import { getExecutionStatus } from '@databridge/queue';
import { executionRoute } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

export const GET = executionRoute((context, id) => getExecutionStatus(context, id));
