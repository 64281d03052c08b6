import { join } from 'node:path';
import { writerTag } from '@databridge/engine';
import {
  BullmqExecutor,
  EnvError,
  openCheckedArtefactStore,
  readServerEnv,
  sqliteFolderOf,
  uploadLeftArtefacts,
} from '@databridge/queue';
import { openStore } from '@databridge/store';
import { Command } from 'commander';
import { wholeNumber } from '../commands/preview.ts';

/**
 * `databridge worker`: executes queued runs from Redis until stopped. Start as many as you like, on
 * any machine that reaches Redis, the metadata store (DATABASE_URL) and the databases, with the same
 * SESSION_SECRET as the server. SIGTERM or Ctrl-C stops the running tasks at their next batch
 * boundary (committed and checkpointed), or after DATABRIDGE_SHUTDOWN_GRACE_SECONDS (10) ends their
 * statements, leaves them interrupted and exits; another worker resumes them from their checkpoints.
 */
export function workerCommand(): Command {
  return new Command('worker')
    .description('execute queued runs from Redis (REDIS_URL) until stopped; run one or many, on any machine')
    .exitOverride()
    .option('--concurrency <n>', 'jobs this worker runs at once', wholeNumber, 4)
    .option(
      '--lock-duration <ms>',
      'how soon a killed worker’s job is taken over by another',
      wholeNumber,
      30_000,
    )
    .option('--stalled-interval <ms>', 'how often to look for jobs of killed workers', wholeNumber, 15_000)
    .action(async (opts: { concurrency: number; lockDuration: number; stalledInterval: number }) => {
      const env = readServerEnv();
      if (!env.redisUrl) {
        throw new EnvError('environment variable REDIS_URL is not set: a worker takes its jobs from Redis');
      }
      const artefacts = await openCheckedArtefactStore(env);
      const store = await openStore({
        databaseUrl: env.databaseUrl,
        dataDir: env.dataDir,
        sessionSecret: env.sessionSecret,
      });
      const executor = new BullmqExecutor(
        {
          store,
          reportsDir: join(env.dataDir, 'reports'),
          artefacts,
          sqliteFolder: sqliteFolderOf(env),
          stopGraceMs: env.shutdownGraceMs,
          ...(env.staging ? { staging: env.staging } : {}),
        },
        {
          redisUrl: env.redisUrl,
          prefix: env.queuePrefix,
          concurrency: opts.concurrency,
          lockDurationMs: opts.lockDuration,
          stalledIntervalMs: opts.stalledInterval,
        },
      );
      executor.startWorker();
      // What a failed upload left here goes up now and every ten minutes (the scheduler's tick does
      // this for `serve`); the executions' status stops saying it is pending once it is stored.
      const reportsDir = join(env.dataDir, 'reports');
      const uploadLeft = () =>
        void uploadLeftArtefacts({ store, artefacts, reportsDir, artefactWriter: writerTag(reportsDir) })
          .then((ids) => {
            if (ids.length)
              process.stdout.write(`stored the artefacts of ${ids.length} earlier execution(s)\n`);
          })
          .catch(() => {});
      uploadLeft();
      const uploading = setInterval(uploadLeft, 10 * 60_000);
      uploading.unref();
      process.stdout.write(
        `worker ready (pid ${process.pid}): jobs from Redis, metadata in ${store.location}, artefacts in the ${artefacts.description}\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      process.stdout.write(
        `stopping: running tasks stop at their next batch boundary, or in ${env.shutdownGraceMs / 1000} s are ended and left interrupted\n`,
      );
      clearInterval(uploading);
      await executor.close();
      await store.close();
      process.stdout.write('worker stopped\n');
    });
}
