import { cancelExecution } from '@databridge/queue';
import { executionRoute } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

export const POST = executionRoute((context, id) => cancelExecution(context, id));
