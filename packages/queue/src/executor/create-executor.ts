import { sqliteFolderOf } from '../services/sqlite-files.ts';
import { BullmqExecutor } from './bullmq-executor.ts';
import type { Executor, ExecutorOptions } from './executor.ts';
import { InProcessExecutor } from './in-process-executor.ts';

/**
 * The executor the environment asks for: BullMQ with REDIS_URL (a server only enqueues; a worker
 * also executes), else in-process.
 */
export async function createExecutor(options: ExecutorOptions): Promise<Executor> {
  const deps = {
    store: options.store,
    reportsDir: options.reportsDir,
    ...(options.artefacts ? { artefacts: options.artefacts } : {}),
    sqliteFolder: sqliteFolderOf(options.env),
    stopGraceMs: options.env.shutdownGraceMs,
    ...(options.env.staging ? { staging: options.env.staging } : {}),
  };
  if (!options.env.redisUrl) return new InProcessExecutor(deps);
  const executor = new BullmqExecutor(deps, {
    redisUrl: options.env.redisUrl,
    prefix: options.env.queuePrefix,
  });
  if (options.role === 'worker') executor.startWorker();
  return executor;
}
