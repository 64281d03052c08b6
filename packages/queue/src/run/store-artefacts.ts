import { type ArtefactsOutcome, messageOf, publishRunArtefacts } from '@databridge/engine';
import type { RunDeps } from './open-execution-session.ts';

interface LogLines {
  info(message: string, fields?: Record<string, unknown>): void;
  warning(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Uploads an ended execution's artefacts to the object store, saying in its log what happened:
 * each retry, and when the store stayed out of reach, that the local copy is kept and why.
 * Undefined when artefacts stay in the local folder (nothing to say).
 */
export async function storeArtefacts(
  deps: Pick<RunDeps, 'artefacts' | 'artefactRetry' | 'reportsDir' | 'artefactWriter'>,
  executionId: string,
  log?: LogLines,
  only?: 'rejects',
): Promise<ArtefactsOutcome | undefined> {
  const store = deps.artefacts;
  if (!store || store.isLocalFolder) return undefined;
  // Said before the upload so that the stored run.log says it too; a failure is added after.
  if (!only) log?.info(`storing the report, log, rejects and DDL in the ${store.description}`);
  const outcome = await publishRunArtefacts(store, deps.reportsDir, executionId, {
    ...deps.artefactRetry,
    ...(deps.artefactWriter ? { writer: deps.artefactWriter } : {}),
    ...(only ? { only } : {}),
    onRetry: (file, attempt, delayMs, error) =>
      log?.warning(
        `storing ${file} in the ${store.description} failed (try ${attempt}); trying again in ${delayMs / 1000} s: ${messageOf(error)}`,
      ),
  });
  if (outcome.pending) log?.error(outcome.pending);
  return outcome;
}
