import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { connectorOf } from '../../connectors/registry.ts';
import type { DialectName } from '../../schema/model.ts';
import type { FromThread, ThreadTask, ToThread } from './thread-messages.ts';

/**
 * The loader thread's entry for a source database: the bundle's `task-thread-<db>.mjs` beside the
 * CLI's own bundle, or, when the engine runs from its TypeScript sources (tests,
 * DATABRIDGE_FROM_SOURCE), the database's `<db>-task-thread.ts`. The names are built at run time so
 * that a bundler does not try to resolve them.
 */
function threadEntry(dialect: DialectName): { url: URL; typescript: boolean } | undefined {
  for (const [name, typescript] of [
    [`./task-thread-${dialect}.mjs`, false],
    [`../../${dialect}/${dialect}-task-thread.ts`, true],
  ] as const) {
    const url = new URL(name, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return { url, typescript };
  }
  return undefined;
}

/** A task running on a loader thread: its messages in order, and the way to pace or stop it. */
export interface ThreadJob {
  next(): Promise<FromThread>;
  /** The last batch is committed: the thread may encode one more, in these buffers again. */
  ack(buffers: readonly ArrayBuffer[]): void;
  abort(): void;
}

interface Thread {
  readonly worker: Worker;
  readonly jobs: Map<number, (message: FromThread) => void>;
}

/**
 * Loader threads for one run: each reads, converts and encodes the rows of the tasks it is given (as
 * many at once as the run's parallelism allows), while the run's main thread writes the encoded
 * batches and commits them. Started on first use; `close` ends them.
 *
 * Off with DATABRIDGE_LOADER_THREADS=0; the number of threads defaults to one per core less one (at
 * least one), never more than the run's parallelism. A source without a server (SQLite) is read on
 * the thread itself, so there it is one per core: on 2 cores the benchmark's SQLite load took
 * 19-22 s with two threads against 24-27 s with one, while PostgreSQL still had a core to spare.
 * A MariaDB source does its own reading on its server: one thread was faster there (18.5 s
 * against 19.6 s), the second one only competing with the servers for the cores.
 */
export class TaskThreads {
  private readonly threads: Thread[] = [];
  private nextJob = 0;

  private constructor(
    private readonly entry: { url: URL; typescript: boolean },
    private readonly size: number,
  ) {}

  static forRun(source: DialectName, parallelism: number): TaskThreads | undefined {
    const setting = process.env.DATABRIDGE_LOADER_THREADS;
    const inProcess = connectorOf(source).server === undefined;
    const wanted =
      setting === undefined || setting === ''
        ? availableParallelism() - (inProcess ? 0 : 1)
        : Number(setting);
    if (!Number.isInteger(wanted) || wanted <= 0) return undefined;
    const entry = threadEntry(source);
    return entry && new TaskThreads(entry, Math.max(1, Math.min(wanted, parallelism)));
  }

  start(task: ThreadTask): ThreadJob {
    const thread = this.pick();
    const id = this.nextJob++;
    const queued: FromThread[] = [];
    let waiting: ((message: FromThread) => void) | undefined;
    thread.jobs.set(id, (message) => {
      if (waiting) {
        const deliver = waiting;
        waiting = undefined;
        deliver(message);
      } else queued.push(message);
    });
    const send = (message: ToThread, transfer: ArrayBuffer[] = []) =>
      thread.worker.postMessage(message, transfer);
    send({ type: 'start', job: id, task });
    return {
      next: () =>
        queued.length > 0
          ? Promise.resolve(queued.shift()!)
          : new Promise((resolve) => {
              waiting = resolve;
            }),
      ack: (buffers) => send({ type: 'ack', job: id, buffers }, [...buffers]),
      // Stops the thread's reading; a task waiting for its next batch gets the cancellation instead.
      abort: () => {
        if (!thread.jobs.delete(id)) return;
        send({ type: 'abort', job: id });
        waiting?.({ type: 'failed', job: id, code: 'cancelled', message: 'the run was cancelled' });
        waiting = undefined;
      },
    };
  }

  /** Asks each thread to close its connections and end; one that has not ended in 5 s is stopped. */
  async close(): Promise<void> {
    await Promise.all(
      this.threads.splice(0).map(async ({ worker }) => {
        const ended = new Promise((resolve) => worker.once('exit', resolve));
        worker.postMessage({ type: 'close' } satisfies ToThread);
        const timer = setTimeout(() => void worker.terminate(), 5000);
        await ended;
        clearTimeout(timer);
      }),
    );
  }

  /** The thread with the fewest tasks, a new one while there are fewer than `size`. */
  private pick(): Thread {
    const idle = this.threads.find((t) => t.jobs.size === 0);
    if (idle) return idle;
    if (this.threads.length < this.size) return this.spawn();
    return this.threads.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  }

  private spawn(): Thread {
    const { url, typescript } = this.entry;
    // From sources, the thread registers tsx's loader before it imports the entry.
    const options = { resourceLimits: threadHeap() };
    const worker = typescript
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`,
          { eval: true, ...options },
        )
      : new Worker(url, options);
    const thread: Thread = { worker, jobs: new Map() };
    worker.on('message', (message: FromThread) => thread.jobs.get(message.job)?.(message));
    const fail = (reason: string) => {
      for (const [job, deliver] of thread.jobs)
        deliver({ type: 'failed', job, code: 'internal', message: `a loader thread stopped: ${reason}` });
      thread.jobs.clear();
      const at = this.threads.indexOf(thread);
      if (at >= 0) this.threads.splice(at, 1);
    };
    worker.on('error', (error: unknown) => fail(error instanceof Error ? error.message : String(error)));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    this.threads.push(thread);
    return thread;
  }
}

/**
 * A loader thread's heap: rows die young, and a page in flight survives a scavenge or two, so the new
 * space is 12 MB (4 MB semispaces); the old space holds the module graph and the pages of the tasks.
 * Measured on the benchmark (MariaDB and SQLite, 4 tasks on one thread): larger spaces bought no
 * speed and cost 20-40 MB of resident memory.
 */
function threadHeap() {
  return { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 48 };
}
