import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openConnection } from '../src/connectors/open.ts';
import { PAGE_ROWS, pageSizeFor } from '../src/run/page-size.ts';
import { freshDatabase, rawExec } from './support/databases.ts';

test('wide rows get short pages so memory in flight stays bounded; narrow rows get full pages', async () => {
  const db = await freshDatabase('sqlite');
  try {
    await rawExec(
      db,
      'sqlite',
      `CREATE TABLE narrow (id INTEGER PRIMARY KEY, v TEXT);
      CREATE TABLE wide (id INTEGER PRIMARY KEY, doc TEXT);
      WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 100)
        INSERT INTO narrow SELECT x, 'v' || x FROM g;
      WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 100)
        INSERT INTO wide SELECT x, printf('%.*c', 200000, 'x') FROM g;`,
    );
    const conn = await openConnection(db.url);
    try {
      const request = (name: string) => ({
        table: { schema: 'main', name },
        select: [{ column: 'id' }],
        orderBy: ['id'],
      });
      assert.equal(await pageSizeFor(conn.reader, request('narrow'), 10_000), PAGE_ROWS);
      assert.equal(await pageSizeFor(conn.reader, request('narrow'), 500), 500, 'never above the batch size');
      const wide = { ...request('wide'), select: [{ column: 'id' }, { column: 'doc' }] };
      const size = await pageSizeFor(conn.reader, wide, 10_000);
      assert.ok(size >= 10 && size <= 20, `200 kB rows: ${size} rows a page`);
    } finally {
      await conn.close();
    }
  } finally {
    await db.drop();
  }
});
