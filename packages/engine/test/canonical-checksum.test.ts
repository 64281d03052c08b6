import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openConnection } from '../src/connectors/open.ts';
import { RowChecksum } from '../src/run/checksum.ts';
import { pgHash64 } from '../src/run/pg-hash64.ts';
import type { NormalisedType } from '../src/schema/model.ts';
import type { Row } from '../src/values.ts';
import { freshDatabase, rawExec } from './support/databases.ts';

test('PostgreSQL sums the same checksum DataBridge computes from values as other databases deliver them', async () => {
  const db = await freshDatabase('postgres');
  try {
    await rawExec(
      db,
      'postgres',
      `CREATE TABLE t (i bigint, d numeric(12,2), b boolean, s varchar(20), ts timestamp, tz timestamptz, dt date, tm time, bin bytea, u uuid);
      INSERT INTO t VALUES
        (9007199254740993, 1.50, true, 'Ünïcødé ✓', '2024-01-01 10:00:00.5', '2024-01-01 12:00:00+02', '2024-02-29', '23:59:59', '\\x00ff', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
        (-1, 0.00, false, '', '1999-12-31 23:59:59', '1969-07-20 20:17:40.123456+00', '1970-01-01', '00:00:00', '\\x', NULL),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);`,
    );
    const columns: { name: string; type: NormalisedType }[] = [
      { name: 'i', type: 'int64' },
      { name: 'd', type: 'decimal' },
      { name: 'b', type: 'boolean' },
      { name: 's', type: 'string' },
      { name: 'ts', type: 'timestamp' },
      { name: 'tz', type: 'timestamptz' },
      { name: 'dt', type: 'date' },
      { name: 'tm', type: 'time' },
      { name: 'bin', type: 'binary' },
      { name: 'u', type: 'uuid' },
    ];
    // The same rows as MySQL or SQLite would hand them over: other spellings, same values.
    const delivered: Row[] = [
      [
        '9007199254740993',
        '1.5',
        1,
        'Ünïcødé ✓',
        '2024-01-01 10:00:00.500000',
        '2024-01-01 10:00:00+00',
        '2024-02-29',
        '23:59:59.000',
        Buffer.from([0, 255]),
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      ],
      [
        -1,
        '0',
        false,
        '',
        '1999-12-31 23:59:59',
        '1969-07-20 20:17:40.123456+00:00',
        '1970-01-01',
        '00:00:00',
        Buffer.alloc(0),
        null,
      ],
      [null, null, null, null, null, null, null, null, null, null],
    ];
    const local = RowChecksum.postgres(columns);
    for (const row of delivered) local.add(row);
    const conn = await openConnection(db.url);
    try {
      const request = {
        table: { schema: 'public', name: 't' },
        select: columns.map((c) => ({ column: c.name })),
      };
      const server = await conn.reader.checksumCanonical!(request, columns);
      assert.deepEqual(server, { rows: 3, digest: local.digest() });
      await conn.query("UPDATE t SET s = 'changed' WHERE i = -1");
      const changed = await conn.reader.checksumCanonical!(request, columns);
      assert.notEqual(changed.digest, local.digest(), 'one changed value changes the sum');
    } finally {
      await conn.close();
    }
  } finally {
    await db.drop();
  }
});

test("pgHash64 is PostgreSQL's hashtextextended(text, 0), byte for byte, for every tail length and any UTF-8", async () => {
  const db = await freshDatabase('postgres');
  try {
    const texts = ['', 'a', 'héllo wörld', '日本語テキスト', '😀 four-byte', '\u0001\u001f', "it's \\ back"];
    for (let length = 0; length <= 40; length++)
      texts.push(
        Array.from({ length }, (_, i) => String.fromCharCode(33 + ((i * 7 + length) % 90))).join(''),
      );
    texts.push('é'.repeat(1000));
    const rows = (await rawExec(
      db,
      'postgres',
      `SELECT t, hashtextextended(t, 0)::text AS h FROM unnest(ARRAY[${texts.map((t) => `'${t.replaceAll("'", "''")}'`).join(', ')}]::text[]) t`,
    )) as { t: string; h: string }[];
    assert.equal(rows.length, texts.length);
    const out = new Float64Array(2);
    for (const { t, h } of rows) {
      pgHash64(t, out);
      assert.equal((BigInt(out[0]!) * 2n ** 32n + BigInt(out[1]!)).toString(), h, JSON.stringify(t));
    }
  } finally {
    await db.drop();
  }
});

test('a checksum summed over many rows, and over parts carried through checkpoints, is the server sum exactly', async () => {
  const db = await freshDatabase('postgres');
  try {
    await rawExec(
      db,
      'postgres',
      `CREATE TABLE n AS SELECT g AS id, 'row ' || g || repeat('é', g % 7) AS label FROM generate_series(1, 30000) g`,
    );
    const columns: { name: string; type: NormalisedType }[] = [
      { name: 'id', type: 'int64' },
      { name: 'label', type: 'text' },
    ];
    const rows = (await rawExec(db, 'postgres', 'SELECT id::text AS id, label FROM n')) as {
      id: string;
      label: string;
    }[];
    // Three tasks, each carried through a checkpoint state half way, as resumed tasks are.
    const parts = [0, 1, 2].map((p) => rows.filter((_, i) => i % 3 === p));
    const states = parts.map((part) => {
      const first = RowChecksum.postgres(columns);
      const half = Math.floor(part.length / 2);
      for (const r of part.slice(0, half)) first.add([r.id, r.label]);
      const resumed = RowChecksum.postgres(columns, JSON.parse(JSON.stringify(first.state)));
      for (const r of part.slice(half)) resumed.add([r.id, r.label]);
      return resumed.state;
    });
    const conn = await openConnection(db.url);
    try {
      const server = await conn.reader.checksumCanonical!(
        { table: { schema: 'public', name: 'n' }, select: columns.map((c) => ({ column: c.name })) },
        columns,
      );
      assert.deepEqual(server, RowChecksum.combine(states));
    } finally {
      await conn.close();
    }
  } finally {
    await db.drop();
  }
});

test('the checksum written as bytes equals the hash of the canonical text, for any integer and any text', () => {
  const columns: { type: NormalisedType }[] = [{ type: 'int64' }, { type: 'text' }, { type: 'int32' }];
  const rows: Row[] = [
    [0, 'plain', -0],
    [-9007199254740991, 'aé', 9007199254740991],
    [1234567890, '✓ first', -10],
    ['18446744073709551615', 'a\ud800b', 7],
    [null, 'x'.repeat(10_000) + '💥', null],
  ];
  const hash = new Float64Array(2);
  let high = 0n;
  let low = 0n;
  for (const row of rows) {
    const text = row.map((v) => `${v === null ? '\u0001' : String(v)}\u001f`).join('');
    pgHash64(text, hash);
    high += BigInt(hash[0]!);
    low += BigInt(hash[1]!);
  }
  const sum = RowChecksum.postgres(columns);
  for (const row of rows) sum.add(row);
  assert.equal(sum.digest(), (high * 2n ** 32n + low).toString());
});
