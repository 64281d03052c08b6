import { randomUUID } from 'node:crypto';
import { writerTag } from '@databridge/engine';
import { getExecution } from '@databridge/store';
import { DelayedError, FlowProducer, type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { advanceExecution } from '../run/advance-execution.ts';
import type { RunDeps } from '../run/open-execution-session.ts';
import { runExecutionTask } from '../run/run-execution-task.ts';
import { storeArtefacts } from '../run/store-artefacts.ts';
import { waitUntilSettled } from '../run/wait-until-settled.ts';
import { retryDelayMs } from '../schedule/retry-delay.ts';
import type { Executor } from './executor.ts';
import { type AdvanceJobData, JOB_RETENTION, readJobData, TaskJobData } from './job-catalogue.ts';
import { RedisLeases } from './redis-leases.ts';

export interface BullmqOptions {
  readonly redisUrl: string;
  /** Namespaces every key (tests use a fresh one each). Default `databridge`. */
  readonly prefix?: string;
  /** Jobs one worker process runs at once. Default 4. */
  readonly concurrency?: number;
  /** How soon a killed worker's job is taken over: BullMQ's lock duration. Default 30 s. */
  readonly lockDurationMs?: number;
  /** How often workers look for stalled jobs. Default 15 s. */
  readonly stalledIntervalMs?: number;
}

const QUEUE = 'executions';

/**
 * Executions on BullMQ. A run is a chain of flows (FlowProducer): each flow's children are the tasks of
 * one foreign-key level of a load stage, one job per table or key range, and its parent is the next
 * `advance` job, which BullMQ starts once every child has finished. `advance` runs the stages that
 * need no parallel work (extract, transform, finishing a load stage, validate, report) and adds the
 * next flow. Any number of worker processes, on any machine, share the jobs; the per-execution
 * parallelism is enforced by Redis leases; a worker killed mid-task loses its lock, BullMQ's stalled
 * check hands the job to another worker, and the task resumes from its checkpoint in the target.
 */
export class BullmqExecutor implements Executor {
  readonly kind = 'bullmq' as const;
  private readonly prefix: string;
  private readonly queue: Queue;
  private readonly flows: FlowProducer;
  private worker: Worker | undefined;
  private redis: Redis | undefined;
  /**
   * Stops this process's running tasks at their next batch boundary, or ends their statements after
   * the session's grace (SIGTERM); they are left `interrupted` and resume from their checkpoints.
   */
  private readonly shutdown = new AbortController();

  private readonly deps: RunDeps;

  constructor(
    deps: RunDeps,
    private readonly options: BullmqOptions,
  ) {
    // Tasks of one run execute on several workers: each uploads the rejects it wrote under its name.
    this.deps = { ...deps, artefactWriter: deps.artefactWriter ?? writerTag(deps.reportsDir) };
    this.prefix = options.prefix ?? 'databridge';
    const connection = connectionOptions(options.redisUrl);
    this.queue = new Queue(QUEUE, { connection, prefix: this.prefix });
    this.flows = new FlowProducer({ connection, prefix: this.prefix });
  }

  /** Starts executing jobs in this process (`databridge worker`). */
  startWorker(): void {
    if (this.worker) return;
    const connection = connectionOptions(this.options.redisUrl);
    this.redis = new Redis(this.options.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false });
    const lockDuration = this.options.lockDurationMs ?? 30_000;
    const leases = new RedisLeases(this.redis, `${this.prefix}:leases`, lockDuration);
    this.worker = new Worker(QUEUE, (job, token) => this.process(job, token, leases), {
      connection,
      prefix: this.prefix,
      concurrency: this.options.concurrency ?? 4,
      lockDuration,
      stalledInterval: this.options.stalledIntervalMs ?? 15_000,
      maxStalledCount: 3,
      settings: {
        backoffStrategy: (attemptsMade, _type, _error, job) => {
          const retries = TaskJobData.safeParse(job?.data).data?.retries;
          return retries ? retryDelayMs(Math.max(1, attemptsMade), retries) : 1000;
        },
      },
    });
    // Failed jobs are recorded in the store by the processors; the event only keeps Node from throwing.
    this.worker.on('error', () => {});
    // A task that fails just as a pause or cancel arrives may reach its retry delay after cancel()
    // looked for delayed jobs. The worker emits `failed` once the job is moved, so look again here.
    this.worker.on('failed', (job) => {
      if (job?.name === 'task') void this.promoteIfStopped(job).catch(() => {});
    });
  }

  async start(executionId: string): Promise<void> {
    await this.queue.add('advance', { executionId } satisfies AdvanceJobData, {
      jobId: `advance-${executionId}-${randomUUID()}`,
      ...JOB_RETENTION,
    });
  }

  // Pause and cancel travel through the store, which every running task on every worker watches.
  async pause(executionId: string): Promise<void> {
    await this.cancel(executionId);
  }

  /**
   * Jobs of the execution waiting out a retry delay run now: they see the pause or cancel and stop
   * at once, so the run's next step settles it without waiting minutes.
   */
  async cancel(executionId: string): Promise<void> {
    for (const job of await this.queue.getDelayed()) {
      if ((job.data as { executionId?: string }).executionId === executionId) {
        await job.promote().catch(() => {}); // it may have just started
      }
    }
  }

  /** Runs a task waiting out a retry delay now when its execution is no longer running. */
  private async promoteIfStopped(job: Job): Promise<void> {
    const execution = await getExecution(this.deps.store, readJobData('task', job.data).executionId);
    if (execution && execution.status !== 'running' && (await job.isDelayed())) await job.promote();
  }

  async settled(executionId: string): Promise<void> {
    await waitUntilSettled(this.deps.store, executionId);
  }

  async close(): Promise<void> {
    this.shutdown.abort();
    await this.worker?.close();
    await Promise.allSettled([this.queue.close(), this.flows.close()]);
    this.redis?.disconnect();
  }

  private async process(job: Job, token: string | undefined, leases: RedisLeases): Promise<unknown> {
    if (job.name === 'advance') return this.advance(readJobData('advance', job.data));
    if (job.name === 'task') return this.task(job, token, leases);
    throw new Error(`unknown job ${job.name}`);
  }

  private async advance({ executionId, attempt }: AdvanceJobData): Promise<string> {
    const step = await advanceExecution(this.deps, executionId, {
      attempt: attempt ?? 1,
      signal: this.shutdown.signal,
    });
    if (step.kind === 'settled') return step.status;
    if (step.kind === 'retry') {
      await this.queue.add('advance', { executionId, attempt: step.attempt } satisfies AdvanceJobData, {
        jobId: `advance-${executionId}-${randomUUID()}`,
        delay: step.delayMs,
        ...JOB_RETENTION,
      });
      return `retry in ${step.delayMs} ms`;
    }
    const attempts = 1 + step.retries.maxRetries;
    await this.flows.add({
      name: 'advance',
      queueName: QUEUE,
      data: { executionId } satisfies AdvanceJobData,
      opts: JOB_RETENTION,
      children: step.taskIds.map((taskId, i) => ({
        name: 'task',
        queueName: QUEUE,
        data: {
          executionId,
          taskId,
          parallelism: step.parallelism,
          retries: step.retries,
        } satisfies TaskJobData,
        opts: {
          // Parents first, in the engine's order: a freed slot takes the next task in line.
          priority: i + 1,
          attempts,
          backoff: { type: 'custom' },
          // A task that finally fails has failed its execution already; the parent still runs, to report.
          ignoreDependencyOnFailure: true,
          ...JOB_RETENTION,
        },
      })),
    });
    return `${step.stageIds.join(', ')}: ${step.taskIds.length} task(s)`;
  }

  private async task(job: Job, token: string | undefined, leases: RedisLeases): Promise<string> {
    const data = readJobData('task', job.data);
    const lease = {
      executionId: data.executionId,
      taskId: data.taskId,
      owner: `${job.id}:${token ?? randomUUID()}`,
      parallelism: data.parallelism,
    };
    if (!(await leases.acquire(lease))) {
      // Every slot of this execution is taken (or the task still runs elsewhere): try again shortly.
      await job.moveToDelayed(Date.now() + 500, token);
      throw new DelayedError();
    }
    const renew = setInterval(() => void leases.acquire(lease).catch(() => {}), leases.leaseMs / 3);
    try {
      return await runExecutionTask(this.deps, data.executionId, data.taskId, {
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
        signal: this.shutdown.signal,
      });
      // A RetryableTaskError fails this attempt; BullMQ runs the next after the project's retry delay.
    } finally {
      clearInterval(renew);
      await leases.release(lease).catch(() => {});
      // Before the next stage can start: the report's worker may be another machine.
      await storeArtefacts(this.deps, data.executionId, { only: 'rejects' }).catch(() => {});
    }
  }
}

/** ioredis options from a redis:// URL; BullMQ makes its own connections from them. */
function connectionOptions(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
