import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { CopyTextBatches } from '../src/run/copy-text-batches.ts';

/** COPY text of rows 1..n (`id\tname`), with an escaped newline inside some values. */
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => `${i + 1}\tname ${i + 1}${i % 7 === 0 ? '\\nsecond line' : ''}\n`);

/** The source's bytes in chunks of `size` bytes: rows split anywhere, even mid-character. */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks, { objectMode: false });
}

async function allBatches(source: Readable, size: number): Promise<string[]> {
  const batches = new CopyTextBatches(source, size);
  const out: string[] = [];
  for (;;) {
    const text = Buffer.concat(await batches.next().toArray()).toString();
    out.push(text);
    if (text.split('\n').length - 1 < size) return out;
  }
}

test('one COPY stream is cut into batches of exactly the batch size, every row once and whole', async () => {
  const all = rows(1003);
  for (const chunk of [1, 7, 64, 65536]) {
    const batches = await allBatches(chunked(all.join(''), chunk), 100);
    assert.equal(batches.length, 11, `chunks of ${chunk} bytes`);
    assert.deepEqual(
      batches.map((b) => b.split('\n').length - 1),
      [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 3],
    );
    assert.equal(batches.join(''), all.join(''));
    assert.ok(batches.every((b) => b === '' || b.endsWith('\n')));
  }
});

test('a source that ends on a batch boundary gives one empty batch, then the caller stops', async () => {
  const batches = await allBatches(chunked(rows(200).join(''), 33), 100);
  assert.deepEqual(
    batches.map((b) => b.split('\n').length - 1),
    [100, 100, 0],
  );
});

test('a source that fails fails the batch reading it', async () => {
  const failing = new Readable({
    read() {
      this.push(Buffer.from('1\ta\n2\tb\n'));
      this.destroy(new Error('source connection lost'));
    },
  });
  const batches = new CopyTextBatches(failing, 100);
  await assert.rejects(batches.next().toArray(), /source connection lost/);
});
