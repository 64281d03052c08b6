import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { binaryKeyReader } from '../src/postgres/postgres-binary-copy.ts';
import { CopyBinaryBatches } from '../src/run/copy-binary-batches.ts';
import { freshPostgres, type TestDatabase } from './support/databases.ts';

let db: TestDatabase;
let client: pg.Client;
/** The source table's rows as one binary COPY stream, as PostgreSQL sends it. */
let binary: Buffer;
const ROWS = 1003;

before(async () => {
  db = await freshPostgres();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  // NULLs, empty strings, text longer than the smallest chunks, multi-byte characters, bytes.
  await client.query(`
    CREATE TABLE source (id bigint PRIMARY KEY, name text, note varchar(5000), amount numeric(12,2),
      at timestamptz, blob bytea, token uuid);
    INSERT INTO source
    SELECT i, CASE WHEN i % 5 = 0 THEN NULL ELSE 'name ' || i || ' ünïcødé ✓' END,
      CASE WHEN i % 3 = 0 THEN '' ELSE repeat('x', i % 400) END, i * 1.25,
      timestamptz '2024-02-29 12:00:00+00' + i * interval '1 minute',
      CASE WHEN i % 4 = 0 THEN NULL ELSE decode(repeat('ff00', i % 50), 'hex') END,
      md5(i::text)::uuid
    FROM generate_series(1, ${ROWS}) AS i;
    CREATE TABLE target (LIKE source);
  `);
  binary = await copyOut('SELECT * FROM source ORDER BY id');
});

after(async () => {
  await client.end();
  await db.drop();
});

async function copyOut(select: string): Promise<Buffer> {
  const chunks = await client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT binary)`)).toArray();
  return Buffer.concat(chunks);
}

/** The bytes in chunks of `size`: rows, lengths and the header cut anywhere. */
function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks, { objectMode: false });
}

/** Copies every batch into the target, each as its own COPY; the rows of each batch and its last id. */
async function loadBatches(source: Readable, size: number): Promise<{ rows: number; lastId?: string }[]> {
  const batches = new CopyBinaryBatches(source, size);
  const readId = binaryKeyReader('bigint')!;
  const out: { rows: number; lastId?: string }[] = [];
  for (;;) {
    const sink = client.query(copyFrom('COPY target FROM STDIN (FORMAT binary)'));
    await pipeline(batches.next(), sink);
    const last = batches.lastRow();
    out.push({ rows: sink.rowCount, ...(last ? { lastId: readId(last[0]!) } : {}) });
    if (sink.rowCount < size) return out;
  }
}

test('one binary COPY stream is cut into batches PostgreSQL takes, every row once, whatever the chunk size', async () => {
  for (const size of [1, 7, 64, 65536]) {
    await client.query('TRUNCATE target');
    const batches = await loadBatches(chunked(binary, size), 100);
    assert.deepEqual(
      batches.map((b) => b.rows),
      [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 3],
      `chunks of ${size} bytes`,
    );
    // Each batch's last key is what a checkpoint keeps: the id of its last row.
    assert.deepEqual(
      batches.map((b) => b.lastId),
      ['100', '200', '300', '400', '500', '600', '700', '800', '900', '1000', '1003'],
    );
    const differing = await client.query(
      '(SELECT * FROM source EXCEPT ALL SELECT * FROM target) UNION ALL (SELECT * FROM target EXCEPT ALL SELECT * FROM source)',
    );
    assert.equal(differing.rowCount, 0, `chunks of ${size} bytes: the target equals the source`);
  }
});

test('a source that ends on a batch boundary gives one empty batch, and an empty source one', async () => {
  await client.query('TRUNCATE target');
  const exact = await loadBatches(chunked(await copyOut('SELECT * FROM source WHERE id <= 200'), 50), 100);
  assert.deepEqual(
    exact.map((b) => b.rows),
    [100, 100, 0],
  );
  assert.equal(exact[2]!.lastId, undefined);
  const none = await loadBatches(chunked(await copyOut('SELECT * FROM source WHERE id < 0'), 50), 100);
  assert.deepEqual(none, [{ rows: 0 }]);
});

test('a stream cut in the middle of a row, or not binary COPY at all, fails the batch reading it', async () => {
  const cut = new CopyBinaryBatches(chunked(binary.subarray(0, binary.length - 40), 64), 5000);
  await assert.rejects(cut.next().toArray(), /ended in the middle of a row/);
  const text = new CopyBinaryBatches(chunked(Buffer.from('1\tname\n2\tother name\n'), 64), 100);
  await assert.rejects(text.next().toArray(), /did not send binary COPY/);
});

test('key columns read back from binary as PostgreSQL prints them', async () => {
  const row = await copyOut(
    "SELECT (-32768)::smallint, (-2147483648)::integer, (-9223372036854775808)::bigint, 'clé ✓'::text, 'abc'::varchar(10), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid",
  );
  const batches = new CopyBinaryBatches(chunked(row, 3), 10);
  await batches.next().toArray();
  const fields = batches.lastRow()!;
  const types = ['smallint', 'integer', 'bigint', 'text', 'character varying(10)', 'uuid'];
  assert.deepEqual(
    types.map((t, i) => binaryKeyReader(t)!(fields[i]!)),
    ['-32768', '-2147483648', '-9223372036854775808', 'clé ✓', 'abc', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  );
  assert.equal(binaryKeyReader('numeric(10,0)'), undefined, 'other key types page as COPY text');
});
