import { type ArtefactsContext, readWholeArtefact, requireExecution } from './artefact-files.ts';
import { ServiceError } from './service-error.ts';

export type ReportFormat = 'html' | 'json';

/**
 * The execution's report (`report.html` or `report.json`), read through the artefact store from the
 * one place the run stores it: `<execution id>/`. The paths in the execution's summary are never
 * used as paths (a hook could rewrite them); the local folder follows links only inside itself.
 * `not_found` when the execution has no report yet (with the reason, when its upload failed).
 */
export async function readExecutionReport(
  ctx: ArtefactsContext,
  executionId: string,
  format: ReportFormat,
): Promise<Buffer> {
  const execution = await requireExecution(ctx, executionId);
  if (!execution.summary?.report) {
    throw new ServiceError('not_found', `Execution ${execution.id} has no report yet`);
  }
  return readWholeArtefact(ctx, execution, `report.${format}`);
}
