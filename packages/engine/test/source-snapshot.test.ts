import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ReadRequest } from '../src/connectors/connection.ts';
import { openConnection } from '../src/connectors/open.ts';
import { DataBridgeError } from '../src/errors.ts';
import type { Row } from '../src/values.ts';
import { freshMysql, freshPostgres, freshSqlite, rawExec, type TestDatabase } from './support/databases.ts';

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
    const snapshot = await source.openSnapshot!({ readers: 2, tables: [{ schema: 'public', name: 't' }] });
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

test('MySQL/MariaDB: the readers keep their snapshot across tasks, and a MyISAM table is named as read without one', async () => {
  const db = await freshMysql();
  databases.push(db);
  await rawExec(db, 'mysql', 'CREATE TABLE t (id integer PRIMARY KEY) ENGINE=InnoDB');
  await rawExec(db, 'mysql', 'CREATE TABLE log (id integer PRIMARY KEY) ENGINE=MyISAM');
  await rawExec(db, 'mysql', 'INSERT INTO t VALUES (1), (2), (3)');
  const source = await openConnection(db.url, { poolSize: 4 });
  try {
    const tables = [
      { schema: db.name, name: 't' },
      { schema: db.name, name: 'log' },
    ];
    const snapshot = await source.openSnapshot!({ readers: 1, tables });
    assert.equal(snapshot?.kind, 'started_under_lock');
    assert.deepEqual(snapshot?.withoutSnapshot, [{ schema: db.name, name: 'log' }]);
    const read = async () => {
      const rows: Row[] = [];
      const request = {
        table: tables[0]!,
        select: [{ column: 'id' }],
        orderBy: ['id'],
        snapshot: snapshot!.id,
      };
      for await (const page of source.reader.stream(request, 10)) rows.push(...page);
      return rows.map((r) => Number(r[0]));
    };
    assert.deepEqual(await read(), [1, 2, 3]);
    await rawExec(db, 'mysql', 'INSERT INTO t VALUES (4)');
    // The second task of the same reader, on the same connection, in the same transaction.
    assert.deepEqual(await read(), [1, 2, 3]);
    await snapshot!.release();
    const [row] = (await source.query('SELECT count(*) AS n FROM t')) as { n: number }[];
    assert.equal(Number(row!.n), 4, 'released, the connection went back to the pool without its transaction');
  } finally {
    await source.close();
  }
});

test('SQLite: one read transaction that every stream of the connection reads in', async () => {
  const db = await freshSqlite();
  databases.push(db);
  await rawExec(db, 'sqlite', 'PRAGMA journal_mode = WAL');
  await rawExec(db, 'sqlite', 'CREATE TABLE t (id integer PRIMARY KEY)');
  await rawExec(db, 'sqlite', 'INSERT INTO t VALUES (1), (2), (3)');
  const source = await openConnection(db.url, { poolSize: 4 });
  try {
    const table = { schema: 'main', name: 't' };
    const snapshot = await source.openSnapshot!({ readers: 2, tables: [table] });
    assert.equal(snapshot?.kind, 'one_snapshot');
    await rawExec(db, 'sqlite', 'DELETE FROM t WHERE id = 1');
    const request = { table, select: [{ column: 'id' }], orderBy: ['id'], snapshot: snapshot!.id };
    const rows: Row[] = [];
    for await (const page of source.reader.stream(request, 10)) rows.push(...page);
    assert.deepEqual(
      rows.map((r) => Number(r[0])),
      [1, 2, 3],
    );
    await snapshot!.release();
    assert.equal(await source.reader.count(table), 2);
  } finally {
    await source.close();
  }
});

test('MySQL/MariaDB: a table rebuilt after the snapshot began fails its read as transient, to be read again in a new one', async () => {
  const db = await freshMysql();
  databases.push(db);
  await rawExec(db, 'mysql', 'CREATE TABLE t (id integer PRIMARY KEY) ENGINE=InnoDB');
  await rawExec(db, 'mysql', 'INSERT INTO t VALUES (1), (2)');
  const source = await openConnection(db.url, { poolSize: 4 });
  try {
    const table = { schema: db.name, name: 't' };
    const snapshot = await source.openSnapshot!({ readers: 1, tables: [table] });
    await rawExec(db, 'mysql', 'ALTER TABLE t FORCE');
    const request = { table, select: [{ column: 'id' }], snapshot: snapshot!.id };
    await assert.rejects(
      async () => {
        for await (const _ of source.reader.stream(request, 10)) void _;
      },
      (error: unknown) =>
        error instanceof DataBridgeError &&
        error.code === 'transient' &&
        /Table definition has changed/.test(error.message),
    );
    await snapshot!.release();
  } finally {
    await source.close();
  }
});
