import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openConnection } from '../src/connectors/open.ts';
import { freshMysql, rawExec, type TestDatabase } from './support/databases.ts';

/**
 * The stall timeout of a MySQL read measures the server's silence only: a target that takes longer
 * than the timeout to write a batch (a slow COPY, a lock) must not fail a read that is waiting for it.
 * (A silent server failing the read is silent-server.test.ts.)
 */
describe('a MySQL read with a short stall timeout', () => {
  const dbs: TestDatabase[] = [];
  after(async () => {
    for (const db of dbs) await db.drop();
  });

  test('a consumer slower than the stall timeout gets every row, in order, in batches of the size asked', async () => {
    const db = await freshMysql();
    dbs.push(db);
    await rawExec(
      db,
      'mysql',
      `CREATE TABLE t (id INT PRIMARY KEY, v TEXT);
       INSERT INTO t SELECT seq, REPEAT('x', 200) FROM seq_1_to_4500;`,
    );
    const connection = await openConnection(db.url, { stallTimeoutMs: 300 });
    try {
      const request = {
        table: { schema: db.name, name: 't' },
        select: [{ column: 'id' }, { column: 'v' }],
        orderBy: ['id'],
      };
      const sizes: number[] = [];
      const ids: number[] = [];
      for await (const batch of connection.reader.stream(request, 1_000)) {
        sizes.push(batch.length);
        for (const row of batch) ids.push(Number(row[0]));
        await sleep(700); // the target at work, more than twice the stall timeout
      }
      assert.deepEqual(sizes, [1_000, 1_000, 1_000, 1_000, 500]);
      assert.deepEqual(
        ids,
        Array.from({ length: 4_500 }, (_, i) => i + 1),
      );
    } finally {
      await connection.close();
    }
  });
});
