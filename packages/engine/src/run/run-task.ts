import type {
  Checkpoint,
  Connection,
  LoadSession,
  LoadTarget,
  ReadRequest,
} from '../connectors/connection.ts';
import { DataBridgeError, isDataBridgeError, messageOf } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { Row, Value } from '../values.ts';
import { decodeKey, encodeKey } from './key-codec.ts';
import type { ReadLayout } from './read-layout.ts';
import { identity, type RowTransform } from './row-transform.ts';
import type { TaskRecord } from './run-state.ts';

export interface BatchStats {
  readonly rows: number;
  readonly readMs: number;
  readonly writeMs: number;
}

export interface TaskContext {
  readonly runId: string;
  readonly task: TaskRecord;
  readonly mapping: PlannedMapping;
  readonly layout: ReadLayout;
  readonly transform: RowTransform;
  readonly source: Connection;
  readonly target: Connection;
  readonly batchSize: number;
  /** The task's last committed checkpoint, when resuming. */
  readonly checkpoint: Checkpoint | undefined;
  readonly signal: AbortSignal;
  onBatch(stats: BatchStats): void;
}

export interface TaskResult {
  readonly rowsWritten: number;
}

/**
 * Moves one task's rows. Keyed tables page through the source in key order and commit each batch with
 * its checkpoint in the same target transaction, so a kill at any instant loses nothing and repeats
 * nothing. `replace` and tables without a key load in one transaction, which a resume starts over.
 */
export async function runTask(ctx: TaskContext): Promise<TaskResult> {
  if (ctx.checkpoint?.done) return { rowsWritten: ctx.checkpoint.rowsWritten };
  const keyed = ctx.mapping.sourceKey.length > 0;
  if (keyed && ctx.mapping.mode !== 'replace') return runKeyedBatches(ctx);
  return runSingleTransaction(ctx, keyed);
}

function loadTarget(mapping: PlannedMapping): LoadTarget {
  return { table: mapping.target, columns: mapping.columns.map((c) => c.target) };
}

function baseRequest(ctx: TaskContext): ReadRequest {
  return {
    table: ctx.mapping.source,
    select: ctx.layout.select,
    ...(ctx.task.range ? { range: ctx.task.range } : {}),
    ...(ctx.mapping.where ? { where: ctx.mapping.where } : {}),
  };
}

/**
 * Rows are read in pages of at most this many, whatever the batch size: a batch (the unit that commits
 * with its checkpoint) is written page by page into one transaction, so memory in flight stays bounded
 * by the page, not by the batch the user chose.
 */
export const PAGE_ROWS = 2_000;

async function runKeyedBatches(ctx: TaskContext): Promise<TaskResult> {
  const target = loadTarget(ctx.mapping);
  const writeMode = ctx.mapping.mode === 'upsert' ? 'upsert' : 'append';
  const pageSize = Math.min(PAGE_ROWS, ctx.batchSize);
  let written = ctx.checkpoint?.rowsWritten ?? 0;
  let lastKey = ctx.checkpoint ? decodeKey(ctx.checkpoint.position) : undefined;
  const fetchAfter = async (key: Value[] | undefined) => {
    const started = performance.now();
    const rows = await ctx.source.reader.fetch(
      {
        ...baseRequest(ctx),
        orderBy: ctx.mapping.sourceKey,
        ...(key ? { after: key } : {}),
        limit: pageSize,
      },
      ctx.signal,
    );
    return { rows, readMs: performance.now() - started };
  };
  // Read the next page while the current one is written: source and target work at the same time.
  let next = fetchAfter(lastKey);
  let session: LoadSession | undefined;
  let inBatch = 0;
  try {
    for (;;) {
      const { rows, readMs } = await next;
      // A full page may have more behind it; a short one (even empty) is the task's last.
      const full = rows.length === pageSize;
      if (rows.length > 0) lastKey = ctx.layout.keyIndex.map((i) => rows[rows.length - 1]![i]!);
      if (full) next = fetchAfter(lastKey);
      const started = performance.now();
      session ??= await ctx.target.loader.begin();
      if (rows.length > 0) {
        await write(
          ctx,
          session,
          target,
          ctx.transform === identity ? rows : rows.map(ctx.transform),
          writeMode,
        );
      }
      written += rows.length;
      inBatch += rows.length;
      const stopping = ctx.signal.aborted;
      if (inBatch >= ctx.batchSize || !full || stopping) {
        const checkpoint = {
          runId: ctx.runId,
          taskId: ctx.task.id,
          position: encodeKey(lastKey),
          rowsWritten: written,
          done: !full,
        };
        await session.writeCheckpoint(checkpoint);
        await session.commit();
        await session.rollback();
        session = undefined;
        inBatch = 0;
      }
      ctx.onBatch({ rows: rows.length, readMs, writeMs: performance.now() - started });
      if (!full) return { rowsWritten: written };
      if (stopping) {
        next.catch(() => {});
        throw new DataBridgeError('cancelled', 'the run was cancelled');
      }
    }
  } finally {
    await session?.rollback();
  }
}

async function runSingleTransaction(ctx: TaskContext, keyed: boolean): Promise<TaskResult> {
  const target = loadTarget(ctx.mapping);
  const session = await ctx.target.loader.begin();
  let written = 0;
  try {
    if (ctx.mapping.mode === 'replace') await session.truncate(ctx.mapping.target);
    const request = keyed ? { ...baseRequest(ctx), orderBy: ctx.mapping.sourceKey } : baseRequest(ctx);
    let started = performance.now();
    for await (const rows of ctx.source.reader.stream(request, ctx.batchSize, ctx.signal)) {
      const readMs = performance.now() - started;
      const writeStarted = performance.now();
      await write(
        ctx,
        session,
        target,
        rows.map(ctx.transform),
        ctx.mapping.mode === 'upsert' ? 'upsert' : 'append',
      );
      written += rows.length;
      ctx.onBatch({ rows: rows.length, readMs, writeMs: performance.now() - writeStarted });
      if (ctx.signal.aborted) throw new DataBridgeError('cancelled', 'the run was cancelled');
      started = performance.now();
    }
    await session.writeCheckpoint({
      runId: ctx.runId,
      taskId: ctx.task.id,
      position: 'null',
      rowsWritten: written,
      done: true,
    });
    await session.commit();
    return { rowsWritten: written };
  } finally {
    await session.rollback();
  }
}

async function write(
  ctx: TaskContext,
  session: LoadSession,
  target: LoadTarget,
  rows: readonly Row[],
  mode: 'append' | 'upsert',
) {
  try {
    await session.write(target, rows, mode, ctx.mapping.conflictKey);
  } catch (error) {
    const table = `${ctx.mapping.target.schema}.${ctx.mapping.target.name}`;
    const code = isDataBridgeError(error) ? error.code : 'internal';
    throw new DataBridgeError(code, `loading ${table} from ${ctx.mapping.source.name}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}
