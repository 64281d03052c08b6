import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ReadRequest } from '../src/connectors/connection.ts';
import { openConnection } from '../src/connectors/open.ts';
import type { Row } from '../src/values.ts';
import { freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

test('PostgreSQL: readers given an exported snapshot see the source as it was, whatever commits after', async () => {
  const db = await freshPostgres();
  databases.push(db);
  await rawExec(db, 'postgres', 'CREATE TABLE t (id integer PRIMARY KEY)');
  await rawExec(db, 'postgres', 'INSERT INTO t SELECT generate_series(1, 100)');
  const source = await openConnection(db.url, { poolSize: 4 });
  try {
    const snapshot = await source.exportSnapshot!();
    assert.ok(snapshot);
    await rawExec(db, 'postgres', 'DELETE FROM t WHERE id <= 10');
    await rawExec(db, 'postgres', 'INSERT INTO t SELECT generate_series(101, 150)');
    const read = async (request: ReadRequest) => {
      const rows: Row[] = [];
      for await (const page of source.reader.stream(request, 30)) rows.push(...page);
      return rows.map((r) => Number(r[0]));
    };
    const base = { table: { schema: 'public', name: 't' }, select: [{ column: 'id' }], orderBy: ['id'] };
    // Two ranges read side by side, as a staged extract's parallel tasks do.
    const [low, high] = await Promise.all([
      read({ ...base, range: { column: 'id', to: 50 }, snapshot: snapshot!.id }),
      read({ ...base, range: { column: 'id', from: 50 }, snapshot: snapshot!.id }),
    ]);
    await snapshot!.release();
    assert.deepEqual(
      [...low, ...high],
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    const now = await read(base);
    assert.equal(now.length, 140, 'without the snapshot the reader sees the changes');
    assert.equal(now[0], 11);
  } finally {
    await source.close();
  }
});

test('a snapshot id is only ever a snapshot id', async () => {
  const db = await freshPostgres();
  databases.push(db);
  await rawExec(db, 'postgres', 'CREATE TABLE t (id integer PRIMARY KEY)');
  const source = await openConnection(db.url, { poolSize: 2 });
  try {
    const request = {
      table: { schema: 'public', name: 't' },
      select: [{ column: 'id' }],
      snapshot: "x'; DROP TABLE t; --",
    };
    await assert.rejects(async () => {
      for await (const _ of source.reader.stream(request, 10)) void _;
    }, /not a snapshot id/);
  } finally {
    await source.close();
  }
});
