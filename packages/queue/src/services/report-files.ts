import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { getExecution } from '@databridge/store';
import type { ServiceContext } from '../context.ts';
import { ServiceError } from './service-error.ts';
import { notFound } from './service-failures.ts';

export type ReportFormat = 'html' | 'json';

// Execution ids are UUIDs: nothing in one can climb out of the reports folder.
const SAFE_ID = /^[A-Za-z0-9-]{1,100}$/;

/**
 * The execution's report (`report.html` or `report.json`), read from the one place the run writes
 * it: `<reportsDir>/<execution id>/`. The paths in the execution's summary are never used as paths
 * (a hook could rewrite them); the file's real path, links followed, must stay inside the reports
 * folder. `not_found` when the execution has no report yet.
 */
export async function readExecutionReport(
  ctx: Pick<ServiceContext, 'store' | 'reportsDir'>,
  executionId: string,
  format: ReportFormat,
): Promise<Buffer> {
  const execution = await getExecution(ctx.store, executionId);
  if (!execution) throw notFound('execution', executionId);
  const missing = () => new ServiceError('not_found', `Execution ${execution.id} has no report yet`);
  if (!execution.summary?.report || !SAFE_ID.test(execution.id)) throw missing();
  let file: string;
  try {
    const folder = await realpath(ctx.reportsDir);
    file = await realpath(join(folder, execution.id, `report.${format}`));
    const inside = relative(folder, file);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw missing();
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    throw missing();
  }
  return readFile(file);
}
