import { pipeline } from 'node:stream';
import type { Connection, LoadTarget, ReadRequest } from '../connectors/connection.ts';
import { DataBridgeError, isDataBridgeError } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import { compareTypes } from '../plan/type-compatibility.ts';
import { binaryCopyFits, binaryKeyReader } from '../postgres/postgres-binary-copy.ts';
import type { Value } from '../values.ts';
import { CopyBinaryBatches } from './copy-binary-batches.ts';
import { CopyTextBatches } from './copy-text-batches.ts';
import { CopyTextTail } from './copy-text-tail.ts';
import { decodePosition, encodePosition } from './key-codec.ts';
import { RowsRejected } from './load-page.ts';
import { finished, loadError, type TaskContext, type TaskResult } from './run-task.ts';

/** How often a one-COPY load tells how many rows it has sent so far. */
const SENT_EVERY_MS = 500;

/**
 * True when a mapping can move as PostgreSQL COPY text from source to target without parsing a row:
 * both ends speak COPY text, every column is a plain copy into a type that takes the source's text
 * as it is, and the key that pages the reads is among the copied columns.
 */
export function canPassThrough(mapping: PlannedMapping, source: Connection, target: Connection): boolean {
  if (!source.capabilities.copyText || !target.capabilities.copyText || !source.reader.copyOutText)
    return false;
  // Incremental mappings go row by row: they sum the rows they move, for their report.
  if (!mapping.plainCopy || mapping.mode === 'upsert' || mapping.sync) return false;
  const typesFit = mapping.columns.every((c) => {
    if (!c.source || c.deferred) return false;
    if (c.source.nativeType === c.target.nativeType) return true;
    if (c.source.type === 'unknown' || c.target.type === 'unknown') return false;
    const level = compareTypes(c.source, c.target).level;
    return level === 'same' || level === 'widening';
  });
  const copied = new Set(mapping.columns.map((c) => c.source?.name));
  return typesFit && mapping.sourceKey.every((k) => copied.has(k));
}

/**
 * How a keyed pass-through reads its key back from a batch's last binary row, one reader per key
 * column; undefined when the mapping goes as COPY text: an end without binary COPY, a column whose
 * type differs or is not a built-in scalar, a key of a type not read back from binary.
 */
function binaryKeyReaders(mapping: PlannedMapping, source: Connection, target: Connection) {
  if (!source.capabilities.copyBinary || !target.capabilities.copyBinary || !source.reader.copyOutBinary)
    return undefined;
  if (!mapping.columns.every((c) => c.source && binaryCopyFits(c.source.nativeType, c.target.nativeType)))
    return undefined;
  const readers = mapping.sourceKey.map((k) => {
    const at = mapping.columns.findIndex((c) => c.source!.name === k);
    const read = binaryKeyReader(mapping.columns[at]!.source!.nativeType);
    return read && { at, read };
  });
  return readers.every((r) => r !== undefined) ? readers : undefined;
}

/**
 * A batch the database refused for a row-level reason. The caller goes on from the last checkpoint
 * on the parsed path, which isolates the bad rows; a byte batch cannot say which row it was. Rows a
 * loader thread already rejected under fail_fast (RowsRejected) have been reported: that is the end.
 */
export function isRowLevelFailure(error: unknown): boolean {
  if (error instanceof RowsRejected) return false;
  return isDataBridgeError(error) && (error.code === 'constraint_violation' || error.code === 'bad_value');
}

/**
 * The pass-through twin of the keyed batch loop: the task's range is one `COPY (SELECT … ORDER BY
 * key) TO STDOUT`, cut into batches of `batchSize` rows, each piped straight into a `COPY … FROM
 * STDIN` committed with its checkpoint. Only the last row of each batch is decoded, for its key.
 * `replace` and keyless tables are one COPY in one transaction.
 */
export async function runPassThroughTask(ctx: TaskContext): Promise<TaskResult> {
  if (ctx.checkpoint?.done) return finished(ctx.checkpoint);
  const target: LoadTarget = { table: ctx.mapping.target, columns: ctx.mapping.columns.map((c) => c.target) };
  const select = ctx.mapping.columns.map((c) => ({ column: c.source!.name }));
  const keyPositions = ctx.mapping.sourceKey.map((k) =>
    ctx.mapping.columns.findIndex((c) => c.source!.name === k),
  );
  const base: ReadRequest = {
    table: ctx.mapping.source,
    select,
    ...(ctx.task.range ? { range: ctx.task.range } : {}),
    ...(ctx.mapping.where ? { where: ctx.mapping.where } : {}),
  };
  const batched = ctx.mapping.sourceKey.length > 0 && ctx.mapping.mode !== 'replace';
  const start = ctx.checkpoint ? decodePosition(ctx.checkpoint.position) : { key: undefined, rejected: 0 };
  let after = start.key;
  let written = ctx.checkpoint?.rowsWritten ?? 0;
  // A keyed task reads its range in key order with one query, cut into batches here: in binary
  // between columns of the very same types, else as text.
  const ranged: ReadRequest = { ...base, orderBy: ctx.mapping.sourceKey, ...(after ? { after } : {}) };
  const keyReaders = batched ? binaryKeyReaders(ctx.mapping, ctx.source, ctx.target) : undefined;
  const reader = ctx.source.reader;
  const stream = batched
    ? (keyReaders ? reader.copyOutBinary! : reader.copyOutText!).call(reader, ranged)
    : undefined;
  const binary = stream && keyReaders && new CopyBinaryBatches(stream, ctx.batchSize);
  const batches = stream && !keyReaders && new CopyTextBatches(stream, ctx.batchSize);
  try {
    for (;;) {
      const started = performance.now();
      const session = await ctx.target.loader.begin();
      let rows: number;
      let key: Value[] | undefined;
      // One COPY for a whole table commits once, at its end: until then its rows show as uncommitted.
      let sent = 0;
      let ticker: NodeJS.Timeout | undefined;
      try {
        if (ctx.mapping.mode === 'replace') await session.truncate(ctx.mapping.target);
        if (binary) {
          rows = await copyIn(ctx, () => session.copyInBinary!(target, binary.next()));
          const last = binary.lastRow();
          key = last ? keyReaders!.map(({ at, read }) => read(last[at]!)) : after;
        } else {
          const tail = new CopyTextTail();
          const piped = pipeline(
            batches ? batches.next() : ctx.source.reader.copyOutText!(base),
            tail,
            () => {},
          );
          if (!batched) {
            ticker = setInterval(() => {
              const more = tail.rows - sent;
              if (more <= 0) return;
              sent += more;
              ctx.onBatch({ rowsRead: more, rowsWritten: 0, rowsUncommitted: more, readMs: 0, writeMs: 0 });
            }, SENT_EVERY_MS);
          }
          rows = await copyIn(ctx, () => session.copyInText!(target, piped as never));
          clearInterval(ticker);
          const last = tail.lastRow();
          key = last ? keyPositions.map((i) => last[i] ?? null) : after;
        }
        written += rows;
        const done = !batched || rows < ctx.batchSize;
        const position = encodePosition({ key, rejected: start.rejected });
        await session.writeCheckpoint({
          runId: ctx.runId,
          taskId: ctx.task.id,
          position,
          rowsWritten: written,
          done,
        });
        await session.commit();
        ctx.onBatch({
          rowsRead: rows - sent,
          rowsWritten: rows,
          ...(sent > 0 ? { rowsUncommitted: -sent } : {}),
          readMs: 0,
          writeMs: performance.now() - started,
        });
        if (done) return { rowsWritten: written, rowsRejected: start.rejected };
      } finally {
        clearInterval(ticker);
        await session.rollback();
      }
      after = key;
      if (ctx.signal.aborted) throw new DataBridgeError('cancelled', 'the run was cancelled');
    }
  } finally {
    stream?.destroy();
  }
}

/** One COPY into the target, a refusal worded as the task's load failure. */
async function copyIn(ctx: TaskContext, copy: () => Promise<number>): Promise<number> {
  try {
    return await copy();
  } catch (error) {
    throw loadError(ctx.mapping, error);
  }
}
