import { type ArtefactsOutcome, publishRunArtefacts, storeFailureInWords } from '@databridge/engine';
import type { RunDeps } from './open-execution-session.ts';
import { writeWholeRunLog } from './whole-run-log.ts';

interface LogLines {
  info(message: string, fields?: Record<string, unknown>): void;
  warning(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Uploads an ended execution's artefacts to the object store, saying in its log what happened:
 * each retry, and when the store stayed out of reach, that the local copy is kept and why.
 * Where several processes ran the execution (BullMQ workers, `artefactWriter` set) its run.log is
 * written again from the metadata store first, so that the stored log has every process's lines;
 * `flushLog` writes this process's last lines there before. Undefined when artefacts stay in the local
 * folder (nothing to say).
 */
export async function storeArtefacts(
  deps: Pick<RunDeps, 'store' | 'artefacts' | 'artefactRetry' | 'reportsDir' | 'artefactWriter'>,
  executionId: string,
  options: {
    readonly log?: LogLines;
    readonly only?: 'rejects';
    readonly flushLog?: () => Promise<void>;
  } = {},
): Promise<ArtefactsOutcome | undefined> {
  const { log, only } = options;
  const store = deps.artefacts;
  if (!store || store.isLocalFolder) return undefined;
  if (!only && deps.artefactWriter) {
    await options.flushLog?.();
    await writeWholeRunLog(deps.store, deps.reportsDir, executionId);
  }
  // Said before the upload so that the stored run.log says it too; a failure is added after. Every
  // role reads the log: the store's address and bucket are the admin page's to show.
  if (!only) log?.info('storing the report, log, rejects and DDL in the object store');
  const outcome = await publishRunArtefacts(store, deps.reportsDir, executionId, {
    ...deps.artefactRetry,
    ...(deps.artefactWriter ? { writer: deps.artefactWriter } : {}),
    ...(only ? { only } : {}),
    onRetry: (file, attempt, delayMs, error) =>
      log?.warning(
        `storing ${file} in the object store failed (try ${attempt}); trying again in ${delayMs / 1000} s: ${storeFailureInWords(error)}`,
      ),
  });
  if (outcome.pending) log?.error(outcome.pending);
  return outcome;
}
