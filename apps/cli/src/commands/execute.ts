import { createHash } from 'node:crypto';
import {
  classifyFailure,
  isTransientFailure,
  type LoadedSpec,
  messageOf,
  RetrySettings,
  type RunSummary,
  retryDelayMs,
  runMigration,
  type StagingDatabase,
} from '@databridge/engine';
import { reportsDir, stateFile } from '../paths.ts';
import { ProgressBar } from '../render/progress-bar.ts';
import { renderSummary } from '../render/summary.ts';

export interface ExecuteOptions {
  readonly json?: boolean;
  readonly resume?: string;
  /** Hash of the spec text, so a resume can refuse a spec that changed. */
  readonly specText: string;
  /** Retries after a transient failure; default the spec's `schedule.retries.maxRetries` (0 without). */
  readonly retries?: number;
  /** The staging database configured (STAGING_DATABASE_URL, `--staging`). */
  readonly staging?: StagingDatabase;
}

/**
 * Runs a loaded spec with a live bar on a terminal and a summary at the end; Ctrl-C stops at the next
 * batch boundary, leaving checkpoints to resume from. A run that fails with a transient error (a lost
 * connection, a deadlock, a timeout) goes on from its checkpoints after the spec's retry delay, as
 * the executors' retries do, up to `retries` times. Sets the exit code: 0 completed, 1 otherwise.
 */
export async function execute(loaded: LoadedSpec, options: ExecuteOptions): Promise<RunSummary> {
  const abort = new AbortController();
  const onSignal = () => {
    process.stderr.write('\nstopping at the next batch boundary (Ctrl-C again to quit at once)…\n');
    abort.abort();
    process.once('SIGINT', () => {
      process.off('exit', onExit);
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  const bar = new ProgressBar(!options.json && process.stderr.isTTY === true);
  const retries = loaded.spec.schedule?.retries ?? RetrySettings.parse({});
  const maxRetries = options.retries ?? retries.maxRetries;
  // Node exits (code 13) when a wait that nothing keeps alive never ends, e.g. a driver that never
  // reports its lost connection: say so, with the resume command, rather than end with no word.
  let runId: string | undefined;
  const onExit = () => {
    process.stderr.write(
      `error: the run stopped waiting for a database that never answered (a connection lost without notice)${runId ? `\nresume: databridge run <spec> --resume ${runId}` : ''}\n`,
    );
    process.exitCode = 1;
  };
  process.once('exit', onExit);
  const started = (id: string) => {
    runId = id;
  };
  try {
    let resume = options.resume;
    for (let attempt = 1; ; attempt++) {
      let summary: RunSummary;
      try {
        summary = await runOnce(loaded, options, resume, abort.signal, bar, started);
      } catch (error) {
        if (runId) addResumeHint(error, runId);
        // A failure before the run starts: a lock or a lost connection is retried; a server that
        // does not answer at first is a wrong URL more often than not (exit 2 at once), unless a
        // retry meets it (the server went down under the run).
        const retry = attempt === 1 ? classifyFailure(error) === 'transient' : isTransientFailure(error);
        if (!retry || attempt > maxRetries) throw error;
        await waitToRetry(attempt, maxRetries, retries, messageOf(error), abort.signal);
        continue;
      }
      const transient = summary.error?.code === 'transient' || summary.error?.code === 'connection_failed';
      if (summary.status === 'failed' && transient && attempt <= maxRetries && !abort.signal.aborted) {
        // The run goes on from its checkpoints; one that failed before it was recorded starts again.
        resume = summary.resumeWith ? summary.runId : undefined;
        await waitToRetry(attempt, maxRetries, retries, summary.error!.message, abort.signal);
        if (!abort.signal.aborted) continue;
      }
      bar.stop();
      process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary));
      process.exitCode = summary.status === 'completed' ? 0 : 1;
      // A socket a silent server never closed must not keep a finished command alive.
      setTimeout(() => process.exit(), 2_000).unref();
      return summary;
    }
  } finally {
    bar.stop();
    process.off('SIGINT', onSignal);
    process.off('exit', onExit);
  }
}

/**
 * An error thrown after the run started (its state file or its disk failing, say) ends the command
 * without a summary: its message then carries the run id and the resume command.
 */
function addResumeHint(error: unknown, runId: string): void {
  if (!(error instanceof Error) || error.message.includes(runId)) return;
  error.message += ` (run ${runId}; once the cause is fixed: databridge run <spec> --resume ${runId})`;
}

function runOnce(
  loaded: LoadedSpec,
  options: ExecuteOptions,
  resume: string | undefined,
  signal: AbortSignal,
  bar: ProgressBar,
  started: (runId: string) => void,
): Promise<RunSummary> {
  return runMigration({
    spec: loaded.spec,
    lineOf: loaded.lineOf,
    specHash: createHash('sha256').update(options.specText).digest('hex'),
    state: { file: stateFile() },
    reportsDir: reportsDir(),
    signal,
    ...(resume ? { resumeRunId: resume } : {}),
    ...(options.staging ? { staging: options.staging } : {}),
    // On stderr in both modes, first thing: after a crash the run id is what a resume needs.
    onStart: (runId) => {
      started(runId);
      process.stderr.write(`run ${runId}${resume ? ' (resumed)' : ''}\n`);
    },
    onProgress: (p) => bar.update(p),
  });
}

/** Says why and for how long on stderr, then waits the executors' backoff (Ctrl-C ends the wait). */
async function waitToRetry(
  attempt: number,
  maxRetries: number,
  retries: RetrySettings,
  why: string,
  signal: AbortSignal,
): Promise<void> {
  const ms = retryDelayMs(attempt, retries);
  process.stderr.write(
    `transient error: ${why}\nretry ${attempt} of ${maxRetries} in ${(ms / 1000).toFixed(1)} s, from the checkpoints\n`,
  );
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
