import type { Reader, ReadRequest } from '../connectors/connection.ts';
import type { Row } from '../values.ts';

/** Rows read per page at most; a batch (the commit unit) is written page by page. */
export const PAGE_ROWS = 2_000;
/** Roughly how much row data one page may hold, so that wide rows (documents, blobs) get short pages. */
const PAGE_BYTES = 4 * 1024 * 1024;
const SAMPLE_ROWS = 50;

/**
 * The page size for a task: at most PAGE_ROWS and the batch size, and fewer when a sample of the first
 * rows shows them wide, so memory in flight stays near PAGE_BYTES per page whatever the table holds.
 */
export async function pageSizeFor(
  reader: Reader,
  request: ReadRequest,
  batchSize: number,
  signal?: AbortSignal,
): Promise<number> {
  const limit = Math.min(PAGE_ROWS, batchSize);
  const sample = await reader.fetch({ ...request, limit: SAMPLE_ROWS }, signal);
  if (sample.length === 0) return limit;
  const average = sample.reduce((n, row) => n + rowBytes(row), 0) / sample.length;
  return Math.max(10, Math.min(limit, Math.floor(PAGE_BYTES / Math.max(average, 1))));
}

/** A rough size of a row in memory: string lengths (two bytes a character), bytes, and a word per value. */
export function rowBytes(row: Row): number {
  let bytes = 0;
  for (const v of row) {
    if (typeof v === 'string') bytes += 2 * v.length + 16;
    else if (v instanceof Uint8Array) bytes += v.byteLength + 16;
    else bytes += 16;
  }
  return bytes;
}
