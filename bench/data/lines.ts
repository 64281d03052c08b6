import { Readable } from 'node:stream';
import { chunks, customerRow, orderRow } from './rows.ts';
import { tsvLine } from './tsv.ts';

/** customers 1..rows as tab-separated lines, generated lazily as the reader pulls. */
export function customerLines(rows: number): Readable {
  return Readable.from(joined(chunks(customerRow, 1, rows)));
}

/** orders 1..2*rows as tab-separated lines. */
export function orderLines(rows: number): Readable {
  return Readable.from(joined(chunks((id) => orderRow(id, rows), 1, 2 * rows)));
}

function* joined(
  source: Iterable<readonly (readonly (string | number | boolean | null)[])[]>,
): Generator<string> {
  for (const rows of source) {
    let text = '';
    for (const row of rows) text += tsvLine(row);
    yield text;
  }
}
