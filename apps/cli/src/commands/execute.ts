import { createHash } from 'node:crypto';
import type { LoadedSpec, RunSummary } from '@databridge/engine';
import { runMigration } from '@databridge/engine';
import { reportsDir, stateFile } from '../paths.ts';
import { ProgressBar } from '../render/progress-bar.ts';
import { renderSummary } from '../render/summary.ts';

export interface ExecuteOptions {
  readonly json?: boolean;
  readonly resume?: string;
  /** Hash of the spec text, so a resume can refuse a spec that changed. */
  readonly specText: string;
}

/**
 * Runs a loaded spec with a live bar on a terminal and a summary at the end; Ctrl-C stops at the next
 * batch boundary, leaving checkpoints to resume from. Sets the exit code: 0 completed, 1 otherwise.
 */
export async function execute(loaded: LoadedSpec, options: ExecuteOptions): Promise<RunSummary> {
  const abort = new AbortController();
  const onSignal = () => {
    process.stderr.write('\nstopping at the next batch boundary (Ctrl-C again to quit at once)…\n');
    abort.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  const bar = new ProgressBar(!options.json && process.stderr.isTTY === true);
  try {
    const summary = await runMigration({
      spec: loaded.spec,
      lineOf: loaded.lineOf,
      specHash: createHash('sha256').update(options.specText).digest('hex'),
      state: { file: stateFile() },
      reportsDir: reportsDir(),
      signal: abort.signal,
      ...(options.resume ? { resumeRunId: options.resume } : {}),
      // On stderr in both modes, first thing: after a crash the run id is what a resume needs.
      onStart: (runId) => process.stderr.write(`run ${runId}${options.resume ? ' (resumed)' : ''}\n`),
      onProgress: (p) => bar.update(p),
    });
    bar.stop();
    process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary));
    process.exitCode = summary.status === 'completed' ? 0 : 1;
    return summary;
  } finally {
    bar.stop();
    process.off('SIGINT', onSignal);
  }
}
