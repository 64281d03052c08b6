import { getExecutionMetrics } from '@databridge/queue';
import { executionRoute } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

/** The throughput chart: rows processed, failed and rows/s over time, oldest first. */
export const GET = executionRoute((context, id) => getExecutionMetrics(context, id));
