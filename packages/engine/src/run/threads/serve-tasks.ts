import { parentPort } from 'node:worker_threads';
import type { Connection, ConnectOptions } from '../../connectors/connection.ts';
import { isDataBridgeError, messageOf } from '../../errors.ts';
import { RowsRejected } from '../load-page.ts';
import { BufferPool } from './buffer-pool.ts';
import { encodeBatches } from './encode-batches.ts';
import type { EncodedBatch, FromThread, ThreadTask, ToThread } from './thread-messages.ts';

/** Batches a task may have encoded and not yet committed: one being written, one ready. */
const AHEAD = 2;

interface Job {
  readonly controller: AbortController;
  unacknowledged: number;
  room: (() => void) | undefined;
}

/** Opens the source by its URL: each database's thread entry gives its own, so no other driver loads. */
export type OpenSource = (url: string, options: ConnectOptions) => Promise<Connection>;

const jobs = new Map<number, Job>();
const buffers = new BufferPool();
/**
 * The thread's source connections, one per URL, shared by its tasks: an SQLite handle keeps a page
 * cache of its own (16 MB in better-sqlite3's build), and a pool per task would multiply it.
 */
const sources = new Map<string, Promise<Connection>>();

/**
 * A loader thread's work: reads, converts and encodes the rows of the tasks the run hands it, so that
 * the run's main thread only writes COPY bytes and commits (see task-threads.ts). Each database's
 * `<db>-task-thread.ts` calls this with its opener.
 */
export function serveTasks(open: OpenSource): void {
  parentPort!.on('message', (message: ToThread) => {
    const job = 'job' in message ? jobs.get(message.job) : undefined;
    if (message.type === 'start') void run(open, message.job, message.task);
    else if (message.type === 'ack') {
      buffers.give(message.buffers);
      if (!job) return;
      job.unacknowledged--;
      job.room?.();
    } else if (message.type === 'abort' && job) {
      job.controller.abort();
      job.room?.();
    } else if (message.type === 'close') void closeSources();
  });
}

/** Closes the connections, then lets the thread end (its port no longer holds it). */
async function closeSources(): Promise<void> {
  for (const job of jobs.values()) job.controller.abort();
  const open = [...sources.values()];
  sources.clear();
  await Promise.allSettled(open.map(async (c) => (await c).close()));
  parentPort!.close();
}

function sourceFor(open: OpenSource, task: ThreadTask): Promise<Connection> {
  const { url, options } = task.source;
  let source = sources.get(url);
  if (!source) {
    source = open(url, options);
    sources.set(url, source);
    // A connection that could not open is not kept: the next task tries again.
    source.catch(() => sources.delete(url));
  }
  return source;
}

function post(message: FromThread, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

async function run(open: OpenSource, id: number, task: ThreadTask): Promise<void> {
  const job: Job = { controller: new AbortController(), unacknowledged: 0, room: undefined };
  jobs.set(id, job);
  const emit = async (batch: EncodedBatch) => {
    // The chunks are the encoder's own buffers: handed over, not copied.
    post(
      { type: 'batch', job: id, ...batch },
      batch.chunks.map((c) => c.buffer as ArrayBuffer),
    );
    job.unacknowledged++;
    while (job.unacknowledged >= AHEAD && !job.controller.signal.aborted) {
      await new Promise<void>((resolve) => {
        job.room = resolve;
      });
      job.room = undefined;
    }
  };
  try {
    await encodeBatches(await sourceFor(open, task), task, job.controller.signal, emit, buffers.take);
  } catch (error) {
    if (error instanceof RowsRejected)
      post({ type: 'stopped', job: id, message: error.message, rejected: error.rows });
    else
      post({
        type: 'failed',
        job: id,
        code: isDataBridgeError(error) ? error.code : 'internal',
        message: messageOf(error),
      });
  } finally {
    jobs.delete(id);
  }
}
