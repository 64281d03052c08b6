import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openConnection } from '../src/connectors/open.ts';
import { DataBridgeError } from '../src/errors.ts';
import { column } from './support/builders.ts';
import { freshDatabase, freshMysql, rawExec, type TestDatabase } from './support/databases.ts';
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

/**
 * A target that goes silent in the middle of a load: the batch being written gets no answer. The
 * load session gives up after the stall timeout with a transient error (a retry or a resume then
 * goes on), and rolling back and closing do not wait on that server either.
 */
for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`a ${dialect} target gone silent mid-load`, () => {
    let db: TestDatabase | undefined;
    after(async () => db?.drop());

    test('the write fails transient after the stall timeout; rollback and close return', async () => {
      db = await freshDatabase(dialect);
      await rawExec(db, dialect, 'CREATE TABLE t (id INT PRIMARY KEY, v TEXT)');
      const port = dialect === 'postgres' ? 5432 : 3306;
      const proxy = await freezableProxy(port);
      const connection = await openConnection(db.url.replace(`:${port}/`, `:${proxy.port}/`), {
        stallTimeoutMs: 1_000,
      });
      const target = {
        table: { schema: dialect === 'postgres' ? 'public' : db.name, name: 't' },
        columns: [column('id', 'int32'), column('v', 'text')],
      };
      const batch = (from: number) => Array.from({ length: 1_000 }, (_, i) => [from + i, 'x'.repeat(200)]);
      try {
        const session = await connection.loader.begin();
        assert.equal(await session.write(target, batch(1), 'append', ['id']), 1_000);
        proxy.freeze();
        const started = Date.now();
        await assert.rejects(session.write(target, batch(1_001), 'append', ['id']), (e: unknown) => {
          assert.ok(e instanceof DataBridgeError, String(e));
          assert.equal(e.code, 'transient', e.message);
          assert.match(e.message, /the target answered nothing for 1 s/);
          return true;
        });
        const failedAfter = Date.now() - started;
        await session.rollback();
        const closing = Date.now();
        await connection.cancelInFlight?.(500);
        await connection.close();
        const closedAfter = Date.now() - closing;
        process.stderr.write(
          `# silent ${dialect} target: failed after ${failedAfter} ms, closed in ${closedAfter} ms\n`,
        );
        assert.ok(failedAfter >= 900 && failedAfter < 5_000, `the write gave up after ${failedAfter} ms`);
        assert.ok(closedAfter < 7_000, `rollback, cancel and close took ${closedAfter} ms`);
      } finally {
        proxy.close();
      }
      assert.deepEqual(await rawExec(db, dialect, 'SELECT count(*) AS n FROM t'), [
        { n: dialect === 'postgres' ? '0' : 0 },
      ]);
    });
  });
}
