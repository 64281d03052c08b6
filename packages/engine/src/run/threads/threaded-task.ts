import { Readable } from 'node:stream';
import type { Connection, ConnectOptions, LoadSession, LoadTarget } from '../../connectors/connection.ts';
import { DataBridgeError } from '../../errors.ts';
import type { PlannedMapping } from '../../plan/plan-types.ts';
import type { PipelineSettings } from '../../spec/spec-schema.ts';
import { decodePosition, encodePosition } from '../key-codec.ts';
import { RowsRejected } from '../load-page.ts';
import {
  baseRequest,
  finished,
  loadError,
  pageRequest,
  type TaskContext,
  type TaskResult,
} from '../run-task.ts';
import type { TaskThreads } from './task-threads.ts';
import type { EncodedBatch } from './thread-messages.ts';

/**
 * True when a task can be read and converted on a loader thread: a keyed append into a target that
 * takes COPY text, from a source the thread can open by its URL, without an extract archive (which
 * needs the rows) and outside an incremental mapping (which sums what it moves).
 */
export function canRunOnThread(
  mapping: PlannedMapping,
  ctx: Pick<TaskContext, 'archive' | 'target'>,
): boolean {
  return (
    ctx.target.dialect.name === 'postgres' &&
    ctx.target.capabilities.copyText &&
    mapping.sourceKey.length > 0 &&
    mapping.mode === 'append' &&
    !mapping.sync &&
    !ctx.archive
  );
}

export interface ThreadSource {
  readonly url: string;
  readonly options: ConnectOptions;
  readonly settings: PipelineSettings;
  readonly source: Connection;
}

/**
 * The keyed batch loop of run-task.ts with its reading, converting and encoding on a loader thread:
 * each batch the thread encodes is copied into the target and committed with its checkpoint here,
 * exactly as the loop commits it, so a resume (on a thread or not) starts after the same key.
 * A batch the database refuses for a row-level reason fails with that error: the caller goes on from
 * the last checkpoint on the main thread's path, which isolates the row.
 */
export async function runThreadedTask(
  ctx: TaskContext,
  threads: TaskThreads,
  from: ThreadSource,
): Promise<TaskResult> {
  if (ctx.checkpoint?.done) return finished(ctx.checkpoint);
  const start = ctx.checkpoint ? decodePosition(ctx.checkpoint.position) : { key: undefined, rejected: 0 };
  const resumedSum = ctx.checkpoint ? start.sum : undefined;
  // A checkpoint without a sum (a byte pass-through wrote it) leaves the source to the validate stage.
  const sum = ctx.sourceSum && (!ctx.checkpoint || resumedSum) ? ctx.sourceSum : undefined;
  const job = threads.start({
    source: { url: from.url, options: from.options },
    mapping: ctx.mapping,
    settings: from.settings,
    dialects: { source: from.source.dialect.name, target: ctx.target.dialect.name },
    request: { ...pageRequest(baseRequest(ctx), start.key), orderBy: ctx.mapping.sourceKey },
    batchSize: ctx.batchSize,
    policy: ctx.policy,
    ...(sum ? { sum: { ...sum, ...(resumedSum ? { state: resumedSum } : {}) } } : {}),
  });
  const target: LoadTarget = { table: ctx.mapping.target, columns: ctx.mapping.columns.map((c) => c.target) };
  let written = ctx.checkpoint?.rowsWritten ?? 0;
  let rejectedTotal = start.rejected;
  const onAbort = () => job.abort();
  ctx.signal.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const message = await job.next();
      if (message.type === 'stopped') {
        ctx.onRejected(message.rejected, true);
        throw new RowsRejected(message.message, message.rejected);
      }
      if (message.type === 'failed')
        throw loadError(ctx.mapping, new DataBridgeError(message.code, message.message));
      const started = performance.now();
      const copied = await commitBatch(ctx, target, message, {
        written,
        rejected: rejectedTotal + message.rejected.length,
      });
      written += copied;
      rejectedTotal += message.rejected.length;
      ctx.onRejected(message.rejected, false);
      ctx.onBatch({
        rowsRead: message.rowsRead,
        rowsWritten: copied,
        readMs: message.readMs,
        writeMs: performance.now() - started,
      });
      if (message.done) return { rowsWritten: written, rowsRejected: rejectedTotal };
      job.ack(message.chunks.map((c) => c.buffer as ArrayBuffer));
      if (ctx.signal.aborted) throw new DataBridgeError('cancelled', 'the run was cancelled');
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    job.abort();
  }
}

/** Copies a batch into the target and commits it with its checkpoint; returns the rows copied. */
async function commitBatch(
  ctx: TaskContext,
  target: LoadTarget,
  batch: EncodedBatch,
  before: { written: number; rejected: number },
): Promise<number> {
  let session: LoadSession | undefined;
  try {
    session = await ctx.target.loader.begin();
    const copied =
      batch.rowsOut > 0
        ? await session.copyInText!(
            target,
            Readable.from(batch.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))),
          )
        : 0;
    await session.writeCheckpoint({
      runId: ctx.runId,
      taskId: ctx.task.id,
      position: encodePosition({
        key: batch.lastKey,
        rejected: before.rejected,
        ...(batch.sum ? { sum: batch.sum } : {}),
      }),
      rowsWritten: before.written + copied,
      done: batch.done,
    });
    await session.commit();
    return copied;
  } catch (error) {
    throw loadError(ctx.mapping, error);
  } finally {
    await session?.rollback();
  }
}
