import type {
  Checkpoint,
  Connection,
  LoadSession,
  LoadTarget,
  ReadRequest,
} from '../connectors/connection.ts';
import { DataBridgeError, isDataBridgeError, messageOf } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { ColumnInfo } from '../schema/model.ts';
import type { ErrorPolicy } from '../spec/spec-schema.ts';
import type { Value } from '../values.ts';
import { RowChecksum } from './checksum.ts';
import type { ExtractArchiveTask } from './extract-archive-task.ts';
import { type ArchiveState, decodePosition, encodePosition, type Position } from './key-codec.ts';
import { loadPage, RowsRejected } from './load-page.ts';
import { pageSizeFor } from './page-size.ts';
import type { ReadLayout } from './read-layout.ts';
import type { RejectedRow } from './rejected-row.ts';
import type { RowTransform } from './row-transform.ts';
import type { TaskRecord } from './run-state.ts';

export interface BatchStats {
  readonly rowsRead: number;
  /** Rows committed by this step. */
  readonly rowsWritten: number;
  /**
   * Change of the rows sent into the task's open transaction but not committed yet (a `replace` or
   * keyless load commits once, at its end): positive as they are sent, negative by as many at the
   * commit that makes them `rowsWritten`. Omitted where each batch commits at once.
   */
  readonly rowsUncommitted?: number;
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
  readonly policy: ErrorPolicy;
  /** The task's last committed checkpoint, when resuming. */
  readonly checkpoint: Checkpoint | undefined;
  /**
   * Sum the source rows while reading them (PostgreSQL's hash of each row's canonical text by these
   * target types, of the values at these indexes), committed with each checkpoint: the validate stage
   * then need not read the source again.
   */
  readonly sourceSum?: { readonly types: readonly ColumnInfo[]; readonly indexes: readonly number[] };
  /**
   * Set when the run archives extracted rows: the task's archive, continued from the state its
   * checkpoint recorded (extract-archive-task.ts).
   */
  readonly archive?: (resumed: ArchiveState | undefined) => ExtractArchiveTask;
  readonly signal: AbortSignal;
  onBatch(stats: BatchStats): void;
  /**
   * Rejected rows of a batch, once the batch is committed, or, under fail_fast, the rows that stopped
   * the run (`stopped`: they were read but no batch counted them).
   */
  onRejected(rows: readonly RejectedRow[], stopped: boolean): void;
}

export interface TaskResult {
  readonly rowsWritten: number;
  readonly rowsRejected: number;
}

/**
 * Moves one task's rows. Keyed tables page through the source in key order and commit each batch with
 * its checkpoint in the same target transaction, so a kill at any instant loses nothing and repeats
 * nothing. `replace` and tables without a key load in one transaction, which a resume starts over.
 */
export async function runTask(ctx: TaskContext): Promise<TaskResult> {
  if (ctx.checkpoint?.done) return finished(ctx.checkpoint);
  const keyed = ctx.mapping.sourceKey.length > 0;
  if (keyed && ctx.mapping.mode !== 'replace') return runKeyedBatches(ctx);
  return runSingleTransaction(ctx, keyed);
}

export function finished(checkpoint: Checkpoint): TaskResult {
  return { rowsWritten: checkpoint.rowsWritten, rowsRejected: decodePosition(checkpoint.position).rejected };
}

function loadTarget(mapping: PlannedMapping): LoadTarget {
  return { table: mapping.target, columns: mapping.columns.map((c) => c.target) };
}

export function baseRequest(ctx: TaskContext): ReadRequest {
  return {
    table: ctx.mapping.source,
    select: ctx.layout.select,
    ...(ctx.task.range ? { range: ctx.task.range } : {}),
    ...(ctx.mapping.where ? { where: ctx.mapping.where } : {}),
  };
}

/**
 * The request for the page after `key`. Once a position is known, the range's lower bound says
 * nothing more and is dropped: given two lower bounds on one indexed column, SQLite seeks with one of
 * them, and if it picks the range start every page rescans the range from its beginning.
 */
export function pageRequest(base: ReadRequest, key: Value[] | undefined): ReadRequest {
  if (!key) return base;
  const { range, ...rest } = base;
  if (!range) return { ...rest, after: key };
  const { from: _from, ...upper } = range;
  return { ...rest, range: upper, after: key };
}

function pageContext(ctx: TaskContext) {
  const sourceNames = ctx.layout.select.map((s) => ('column' in s ? s.column : s.expression));
  return { mapping: ctx.mapping, transform: ctx.transform, sourceNames, policy: ctx.policy };
}

/**
 * Streams the task's rows in key order (one query, read with backpressure, so the source keeps
 * sending while the target writes) and commits every `batchSize` rows together with the key of the
 * last one. A resume starts the stream after that key.
 */
async function runKeyedBatches(ctx: TaskContext): Promise<TaskResult> {
  const target = loadTarget(ctx.mapping);
  const writeMode = ctx.mapping.mode === 'upsert' ? 'upsert' : 'append';
  const pageCtx = pageContext(ctx);
  const start = ctx.checkpoint ? decodePosition(ctx.checkpoint.position) : { key: undefined, rejected: 0 };
  let written = ctx.checkpoint?.rowsWritten ?? 0;
  let rejectedTotal = start.rejected;
  let lastKey = start.key;
  const sum = startSum(ctx, ctx.checkpoint ? start : undefined);
  const archive = ctx.archive?.(start.archive);
  // Rows the target has but the archive lost with an unstored part: read again for the archive alone.
  let replay = archive?.replayRows ?? 0;
  let session: LoadSession | undefined;
  let inBatch = 0;
  let batchRejects: RejectedRow[] = [];
  const commit = async (done: boolean) => {
    // The archive's part is stored before the checkpoint that names it is committed.
    const archived = archive && { archive: await archive.atCommit(lastKey, done) };
    session ??= await ctx.target.loader.begin();
    const position = encodePosition({
      key: lastKey,
      rejected: rejectedTotal,
      ...sumState(sum),
      ...archived,
    });
    await session.writeCheckpoint({
      runId: ctx.runId,
      taskId: ctx.task.id,
      position,
      rowsWritten: written,
      done,
    });
    await session.commit();
    await session.rollback();
    session = undefined;
    inBatch = 0;
    ctx.onRejected(batchRejects, false);
    batchRejects = [];
  };
  const from = archive && replay > 0 ? archive.resumeKey : start.key;
  const request = { ...pageRequest(baseRequest(ctx), from), orderBy: ctx.mapping.sourceKey };
  const pageSize = await pageSizeFor(ctx.source.reader, request, ctx.batchSize, ctx.signal);
  try {
    let readStarted = performance.now();
    for await (const page of ctx.source.reader.stream(request, pageSize, ctx.signal)) {
      const readMs = performance.now() - readStarted;
      let rowsRead = page;
      if (replay > 0) {
        const take = Math.min(replay, page.length);
        await archive!.write(take === page.length ? page : page.slice(0, take));
        replay -= take;
        rowsRead = take === page.length ? [] : page.slice(take);
      }
      // A page that straddles a batch boundary is split there: batches hold exactly batchSize rows.
      for (let offset = 0; offset < rowsRead.length; ) {
        const take = Math.min(rowsRead.length - offset, ctx.batchSize - inBatch);
        const rows = take === rowsRead.length ? rowsRead : rowsRead.slice(offset, offset + take);
        offset += take;
        const started = performance.now();
        lastKey = ctx.layout.keyIndex.map((k) => rows[rows.length - 1]![k]!);
        session ??= await ctx.target.loader.begin();
        const result = await loadOrReport(ctx, () => loadPage(pageCtx, session!, target, rows, writeMode));
        if (sum) for (const row of rows) sum.add(row, ctx.sourceSum!.indexes);
        await archive?.write(rows);
        written += result.written;
        rejectedTotal += result.rejected.length;
        batchRejects = batchRejects.concat(result.rejected);
        inBatch += rows.length;
        if (inBatch >= ctx.batchSize) await commit(false);
        ctx.onBatch({
          rowsRead: rows.length,
          rowsWritten: result.written,
          readMs: offset === take ? readMs : 0,
          writeMs: performance.now() - started,
        });
      }
      if (ctx.signal.aborted) throw new DataBridgeError('cancelled', 'the run was cancelled');
      readStarted = performance.now();
    }
    await commit(true);
    return { rowsWritten: written, rowsRejected: rejectedTotal };
  } finally {
    await archive?.abort();
    await session?.rollback();
  }
}

async function runSingleTransaction(ctx: TaskContext, keyed: boolean): Promise<TaskResult> {
  const target = loadTarget(ctx.mapping);
  const page = pageContext(ctx);
  const session = await ctx.target.loader.begin();
  const sum = startSum(ctx, undefined);
  // The whole task starts over on a resume, and so does its archive (the same part names).
  const archive = ctx.archive?.(undefined);
  let written = 0;
  let rejected: RejectedRow[] = [];
  try {
    if (ctx.mapping.mode === 'replace') await session.truncate(ctx.mapping.target);
    const request = keyed ? { ...baseRequest(ctx), orderBy: ctx.mapping.sourceKey } : baseRequest(ctx);
    const pageSize = await pageSizeFor(ctx.source.reader, request, ctx.batchSize, ctx.signal);
    let started = performance.now();
    for await (const rows of ctx.source.reader.stream(request, pageSize, ctx.signal)) {
      const readMs = performance.now() - started;
      const writeStarted = performance.now();
      const mode = ctx.mapping.mode === 'upsert' ? 'upsert' : 'append';
      const result = await loadOrReport(ctx, () => loadPage(page, session, target, rows, mode));
      if (sum) for (const row of rows) sum.add(row, ctx.sourceSum!.indexes);
      await archive?.write(rows);
      written += result.written;
      rejected = rejected.concat(result.rejected);
      ctx.onBatch({
        rowsRead: rows.length,
        rowsWritten: 0,
        rowsUncommitted: result.written,
        readMs,
        writeMs: performance.now() - writeStarted,
      });
      if (ctx.signal.aborted) throw new DataBridgeError('cancelled', 'the run was cancelled');
      started = performance.now();
    }
    const archived = archive && { archive: await archive.atCommit(undefined, true) };
    const position = encodePosition({
      key: undefined,
      rejected: rejected.length,
      ...sumState(sum),
      ...archived,
    });
    await session.writeCheckpoint({
      runId: ctx.runId,
      taskId: ctx.task.id,
      position,
      rowsWritten: written,
      done: true,
    });
    await session.commit();
    ctx.onBatch({ rowsRead: 0, rowsWritten: written, rowsUncommitted: -written, readMs: 0, writeMs: 0 });
    ctx.onRejected(rejected, false);
    return { rowsWritten: written, rowsRejected: rejected.length };
  } finally {
    await archive?.abort();
    await session.rollback();
  }
}

/**
 * The task's running source sum: new for a task starting from nothing, continued from a checkpoint
 * that carries one; none when the checkpoint has none (a byte pass-through wrote it): then the
 * validate stage reads the source instead.
 */
function startSum(ctx: TaskContext, resumed: Position | undefined): RowChecksum | undefined {
  if (!ctx.sourceSum) return undefined;
  if (!resumed) return RowChecksum.postgres(ctx.sourceSum.types);
  return resumed.sum ? RowChecksum.postgres(ctx.sourceSum.types, resumed.sum) : undefined;
}

const sumState = (sum: RowChecksum | undefined) => (sum ? { sum: sum.state } : {});

/** Runs a page load; a fail-fast rejection still reports its rows; other errors name the tables. */
async function loadOrReport<T>(ctx: TaskContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RowsRejected) {
      ctx.onRejected(error.rows, true);
      throw error;
    }
    throw loadError(ctx.mapping, error);
  }
}

/**
 * An error of a task's load, naming its tables, with the code of the error under it kept (so that a
 * transient failure stays transient): every path a task's rows take words its failures so.
 */
export function loadError(mapping: PlannedMapping, error: unknown): DataBridgeError {
  const table = `${mapping.target.schema}.${mapping.target.name}`;
  const code = isDataBridgeError(error) ? error.code : 'internal';
  return new DataBridgeError(code, `loading ${table} from ${mapping.source.name}: ${messageOf(error)}`, {
    cause: error,
  });
}
