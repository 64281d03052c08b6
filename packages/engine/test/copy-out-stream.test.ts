import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { copyOutQuery } from '../src/postgres/copy-out-stream.ts';
import { freshPostgres, type TestDatabase } from './support/databases.ts';

// The COPY TO reader every PostgreSQL pass-through goes through: its bytes must be exactly the ones
// pg-copy-streams (and psql) give, whatever the size of the rows against the socket's chunks; a notice
// between rows is skipped, and an error reaches pg, as with pg-copy-streams.

let db: TestDatabase;
let client: pg.Client;
before(async () => {
  db = await freshPostgres();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(`CREATE FUNCTION noisy(i int) RETURNS int LANGUAGE plpgsql AS $$
    BEGIN IF i % 1000 = 0 THEN RAISE NOTICE 'row %', i; END IF; RETURN i; END $$`);
});
after(async () => {
  await client.end();
  await db.drop();
});

async function copyOut(sql: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of client.query(copyOutQuery(sql))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function expectedText(rows: readonly string[]): string {
  return rows.map((r) => `${r}\n`).join('');
}

describe('COPY TO STDOUT, one buffer per socket chunk', () => {
  test('short rows, long rows and rows longer than a socket chunk arrive byte for byte', async () => {
    const text = await copyOut(
      `COPY (SELECT i, repeat('x', CASE WHEN i % 3 = 0 THEN 10 WHEN i % 3 = 1 THEN 100 ELSE 200000 END)
        FROM generate_series(1, 60) i ORDER BY i) TO STDOUT`,
    );
    const rows = Array.from({ length: 60 }, (_, k) => {
      const i = k + 1;
      return `${i}\t${'x'.repeat(i % 3 === 0 ? 10 : i % 3 === 1 ? 100 : 200_000)}`;
    });
    assert.equal(text.toString('utf8'), expectedText(rows));
  });

  test('binary COPY matches what the server writes, header and trailer included', async () => {
    const sql = `SELECT i, md5(i::text), CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1.5 END FROM generate_series(1, 20000) i`;
    const bytes = await copyOut(`COPY (${sql}) TO STDOUT (FORMAT binary)`);
    const { rows } = await client.query<{ hex: string }>(
      `SELECT encode(string_agg(b, ''::bytea), 'hex') AS hex FROM (SELECT int2send(3::int2) || int4send(4) || int4send(i) || int4send(32) || convert_to(md5(i::text), 'UTF8') ||
        CASE WHEN i % 7 = 0 THEN int4send(-1) ELSE int4send(length(numeric_send(i * 1.5))) || numeric_send(i * 1.5) END AS b
        FROM generate_series(1, 20000) i) r`,
    );
    const header = Buffer.from('PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0', 'latin1');
    const expected = Buffer.concat([header, Buffer.from(rows[0]!.hex, 'hex'), Buffer.from([0xff, 0xff])]);
    assert.equal(bytes.length, expected.length);
    assert.ok(bytes.equals(expected));
  });

  test('notices the server sends between rows do not cut or change a row', async () => {
    const text = await copyOut('COPY (SELECT noisy(i) FROM generate_series(1, 5000) i) TO STDOUT');
    assert.equal(text.toString('utf8'), expectedText(Array.from({ length: 5000 }, (_, k) => String(k + 1))));
  });

  test('an error after some rows fails the stream with the server message, and the connection goes on', async () => {
    await assert.rejects(
      copyOut('COPY (SELECT 1 / (50000 - i) FROM generate_series(1, 100000) i) TO STDOUT'),
      /division by zero/,
    );
    const { rows } = await client.query<{ ok: number }>('SELECT 1 AS ok');
    assert.equal(rows[0]!.ok, 1);
  });
});
