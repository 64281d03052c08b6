import { describeTick, openServiceContext, readServerEnv, runScheduler, tick } from '@databridge/queue';
import { Command } from 'commander';
import { wholeNumber } from '../commands/preview.ts';

/**
 * `databridge scheduler`: starts the runs schedules make due, and sends SLA, failure and recovery
 * alerts, ticking every `--interval` seconds until SIGTERM or Ctrl-C. Any number may run at once,
 * on any machine that reaches the metadata store: each due run still starts once. With REDIS_URL
 * the runs go to the queue for `databridge worker` processes; without it they execute in this
 * process, and stopping it interrupts them (they resume from their checkpoints when started again).
 */
export function schedulerCommand(): Command {
  return new Command('scheduler')
    .description(
      'start scheduled runs and send alerts, ticking every few seconds until stopped; run one or many',
    )
    .exitOverride()
    .option('--interval <seconds>', 'seconds between ticks', wholeNumber, 30)
    .option('--once', 'tick once, print what it did and exit (for an outside timer such as cron)')
    .action(async (opts: { interval: number; once?: boolean }) => {
      const context = await openServiceContext(readServerEnv());
      const print = (lines: string[]) => {
        const at = new Date().toISOString();
        for (const line of lines) process.stdout.write(`${at} ${line}\n`);
      };
      try {
        if (opts.once) {
          const summary = await tick(context, new Date());
          print(describeTick(summary));
          // In-process runs would stop with the process: see them through first.
          if (context.executor.kind === 'in-process') {
            for (const run of summary.started) await context.executor.settled(run.executionId);
          }
          return;
        }
        const executes =
          context.executor.kind === 'in-process'
            ? 'runs execute in this process (no REDIS_URL)'
            : 'runs go to the queue for workers';
        process.stdout.write(
          `scheduler ready (pid ${process.pid}): ticking every ${opts.interval} s, ${executes}, metadata in ${context.store.location}\n`,
        );
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        await runScheduler(context, {
          intervalMs: opts.interval * 1000,
          signal: stop.signal,
          onTick: (summary) => print(describeTick(summary)),
          onError: (error) =>
            print([`tick failed: ${error instanceof Error ? error.message : String(error)}`]),
        });
        process.stdout.write('stopping: the tick in progress has finished\n');
      } finally {
        await context.close();
      }
      process.stdout.write('scheduler stopped\n');
    });
}
