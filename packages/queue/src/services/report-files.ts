import { type RunSummary, renderHtmlReport } from '@databridge/engine';
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

/**
 * The execution's report as an HTML page drawn again from its report.json, with `appLink` back to
 * the run in the app. A report.json that is not one this version can draw (cut short in the store,
 * written by an older version) is `invalid_state` saying so, not a server error.
 */
export async function renderExecutionReport(
  ctx: ArtefactsContext,
  executionId: string,
  options: { readonly appLink: string },
): Promise<string> {
  const json = await readExecutionReport(ctx, executionId, 'json');
  try {
    const summary = JSON.parse(json.toString('utf8')) as RunSummary;
    return renderHtmlReport(summary, { appLink: options.appLink });
  } catch (error) {
    throw new ServiceError(
      'invalid_state',
      `The report of execution ${executionId} cannot be shown: its report.json is not a report this version of DataBridge can read. Download report.json from the execution's artefacts to look at it.`,
      { cause: error },
    );
  }
}
