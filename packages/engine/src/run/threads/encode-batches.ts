import type { Connection } from '../../connectors/connection.ts';
import { type BufferSource, CopyRowsEncoder } from '../../postgres/postgres-copy-text.ts';
import type { Value } from '../../values.ts';
import { RowChecksum } from '../checksum.ts';
import { type PageContext, pageRejects, transformPage } from '../load-page.ts';
import { pageSizeFor } from '../page-size.ts';
import { compileMapping } from '../sample-rows.ts';
import type { EncodedBatch, ThreadTask } from './thread-messages.ts';

/**
 * Reads one task's rows in key order and hands them on in batches of `batchSize` rows read, each
 * converted by the mapping's rules and encoded as PostgreSQL COPY text, with the key of its last row
 * and the running source sum: what the keyed batch loop does before it writes (run-task.ts), without
 * the write. `emit` resolves when the consumer has room for another batch.
 */
export async function encodeBatches(
  source: Connection,
  task: ThreadTask,
  signal: AbortSignal,
  emit: (batch: EncodedBatch) => Promise<void>,
  take?: BufferSource,
): Promise<void> {
  const compiled = compileMapping(task.mapping, task.settings, task.dialects);
  const page: PageContext = {
    mapping: task.mapping,
    transform: compiled.transform,
    sourceNames: compiled.sourceNames,
    policy: task.policy,
  };
  const columns = task.mapping.columns.map((c) => c.target.name);
  const keyIndex = compiled.layout.keyIndex;
  const sum = task.sum && RowChecksum.postgres(task.sum.types, task.sum.state);
  const pageSize = await pageSizeFor(source.reader, task.request, task.batchSize, signal);
  // Started by a batch's first converted row, so that a batch of none (the last, often) takes no buffer.
  let out: CopyRowsEncoder | undefined;
  let rowsOut = 0;
  let rejects = pageRejects(page);
  let rowsRead = 0;
  let lastKey: Value[] | undefined = task.request.after && [...task.request.after];
  let started = performance.now();
  const flush = async (done: boolean) => {
    const batch: EncodedBatch = {
      chunks: out?.end() ?? [],
      rowsRead,
      rowsOut,
      rejected: rejects.rejected,
      lastKey,
      sum: sum?.state,
      done,
      readMs: performance.now() - started,
    };
    out = undefined;
    rowsOut = 0;
    rejects = pageRejects(page);
    rowsRead = 0;
    await emit(batch);
    started = performance.now();
  };
  for await (const rows of source.reader.stream(task.request, pageSize, signal)) {
    // A page that straddles a batch boundary is split there: batches hold exactly batchSize rows.
    for (let offset = 0; offset < rows.length; ) {
      const count = Math.min(rows.length - offset, task.batchSize - rowsRead);
      const part = count === rows.length ? rows : rows.slice(offset, offset + count);
      offset += count;
      lastKey = keyIndex.map((k) => part[part.length - 1]![k]!);
      const converted = transformPage(page, part, rejects).out;
      if (converted.length > 0) {
        out ??= new CopyRowsEncoder(columns, task.batchSize, take);
        out.add(converted);
        rowsOut += converted.length;
      }
      if (sum) for (const row of part) sum.add(row, task.sum!.indexes);
      rowsRead += part.length;
      if (rowsRead >= task.batchSize) await flush(false);
    }
  }
  await flush(true);
}
