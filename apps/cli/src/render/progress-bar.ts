import { type RunProgress, totals } from '@databridge/engine';
import cliProgress from 'cli-progress';

/**
 * A live bar on a terminal: rows done of total, rows/s, ETA, failed rows and the running stage.
 * Redrawn at most ten times a second whatever the batch rate. On a pipe it prints nothing.
 */
export class ProgressBar {
  private readonly bar: cliProgress.SingleBar | null;
  private started = false;

  constructor(enabled: boolean) {
    this.bar = enabled
      ? new cliProgress.SingleBar(
          {
            format:
              ' {bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted} | failed {failed} | {stage}',
            stream: process.stderr,
            fps: 10,
            hideCursor: true,
            barsize: 30,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  }

  update(progress: RunProgress): void {
    if (!this.bar) return;
    const t = totals(progress);
    const stage = progress.stages.find((s) => s.status === 'running')?.id ?? '';
    const payload = { rate: Math.round(t.rowsPerSecond).toLocaleString('en-US'), failed: t.failed, stage };
    if (!this.started) {
      this.bar.start(Math.max(t.total, 1), t.done, payload);
      this.started = true;
    }
    // An estimated total (large MySQL tables) may be passed: the bar then grows with the rows.
    this.bar.setTotal(Math.max(t.total, t.done, 1));
    this.bar.update(t.done, payload);
  }

  stop(): void {
    if (this.started) this.bar?.stop();
  }
}
