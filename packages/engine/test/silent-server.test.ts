import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openConnection } from '../src/connectors/open.ts';
import { DataBridgeError } from '../src/errors.ts';
import { freshMysql, rawExec, type TestDatabase } from './support/databases.ts';
import { freezableProxy } from './support/freezable-proxy.ts';

/**
 * A server that goes silent (no close, no error: a machine that vanished) must cost a run its
 * stall timeout and no more: what the run does after the failure (ending the statements in flight,
 * closing its pools) must not wait on that server again.
 */
describe('a MySQL server gone silent', () => {
  const dbs: TestDatabase[] = [];
  after(async () => {
    for (const db of dbs) await db.drop();
  });

  test('after a read gave up on it, ending the statements in flight returns at once', async () => {
    const db = await freshMysql();
    dbs.push(db);
    await rawExec(
      db,
      'mysql',
      `CREATE TABLE t (id INT PRIMARY KEY, v TEXT);
       INSERT INTO t SELECT seq, REPEAT('x', 500) FROM seq_1_to_200000;`,
    );
    const proxy = await freezableProxy(3306);
    const connection = await openConnection(db.url.replace(':3306/', `:${proxy.port}/`), {
      stallTimeoutMs: 1_000,
    });
    try {
      const request = {
        table: { schema: db.name, name: 't' },
        select: [{ column: 'id' }, { column: 'v' }],
        orderBy: ['id'],
      };
      let batches = 0;
      await assert.rejects(
        (async () => {
          for await (const _ of connection.reader.stream(request, 1_000)) {
            if (++batches === 2) proxy.freeze();
          }
        })(),
        (e: unknown) =>
          e instanceof DataBridgeError && e.code === 'transient' && /sent nothing for 1 s/.test(e.message),
      );
      const started = Date.now();
      await connection.cancelInFlight?.(500);
      const ms = Date.now() - started;
      process.stderr.write(`# cancelInFlight after a silent read: ${ms} ms\n`);
      assert.ok(
        ms < 1_000,
        `ending the statements in flight took ${ms} ms on a connection already destroyed`,
      );
    } finally {
      await connection.close();
      proxy.close();
    }
  });
});
