import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import {
  freshMysql,
  freshPostgres,
  MYSQL_ADMIN_URL,
  PG_ADMIN_URL,
  type TestDatabase,
} from '../../engine/test/support/databases.ts';
import {
  cancelExecution,
  getExecutionStages,
  getExecutionStatus,
  startExecution,
} from '../src/services/executions-service.ts';
import { type ExecutorKind, eventually, type Harness, openHarness, projectFor } from './support/harness.ts';

/** The bound the issue sets: a cancel ends every statement of the run within 10 s. */
const CANCEL_BOUND_MS = 10_000;

type TargetKind = 'postgres' | 'mysql';

/** Another user's session holding the target table locked in an open transaction. */
interface Locker {
  /** Sessions of the run on the target: busy or idle, the locker and the test's own excluded. */
  runSessions(): Promise<number>;
  /** Whether a session of the run is waiting for the lock. */
  blocked(): Promise<boolean>;
  release(): Promise<void>;
}

async function lockPostgres(db: TestDatabase): Promise<Locker> {
  const locker = new pg.Client({ connectionString: db.url, application_name: 'the-locker' });
  await locker.connect();
  await locker.query('BEGIN');
  // Waits for the batch in flight to commit; the next one then waits for this transaction.
  await locker.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
  return {
    runSessions: () => postgresSessions(db.name),
    async blocked() {
      const rows = await adminPg(
        "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'databridge' AND wait_event_type = 'Lock'",
        [db.name],
      );
      return rows.length > 0;
    },
    async release() {
      await locker.query('ROLLBACK').catch(() => {});
      await locker.end();
    },
  };
}

async function lockMysql(db: TestDatabase): Promise<Locker> {
  const locker = await mysql.createConnection(db.url);
  await locker.query('LOCK TABLES t WRITE');
  const others = async (where: string) => {
    const admin = await mysql.createConnection(MYSQL_ADMIN_URL);
    try {
      const [rows] = await admin.query(
        `SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> ? AND ID <> CONNECTION_ID() ${where}`,
        [db.name, locker.threadId],
      );
      return (rows as unknown[]).length;
    } finally {
      await admin.end();
    }
  };
  return {
    runSessions: () => others(''),
    blocked: async () => (await others("AND STATE LIKE '%lock%'")) > 0,
    async release() {
      await locker.query('UNLOCK TABLES').catch(() => {});
      await locker.end();
    },
  };
}

async function adminPg(text: string, params: unknown[]): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** The run's sessions on a PostgreSQL database (its pools name themselves `databridge`). */
async function postgresSessions(database: string): Promise<number> {
  const rows = await adminPg(
    "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'databridge'",
    [database],
  );
  return rows.length;
}

async function sql(db: TestDatabase, kind: TargetKind, text: string): Promise<void> {
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(text).finally(() => client.end());
  } else {
    const connection = await mysql.createConnection(db.url);
    await connection.query(text).finally(() => connection.end());
  }
}

async function targetRows(db: TestDatabase, kind: TargetKind): Promise<number> {
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) AS n FROM t')).rows[0].n);
    } finally {
      await client.end();
    }
  }
  const connection = await mysql.createConnection(db.url);
  try {
    const [rows] = await connection.query('SELECT count(*) AS n FROM t');
    return Number((rows as { n: number }[])[0]!.n);
  } finally {
    await connection.end();
  }
}

const CASES: readonly (readonly [ExecutorKind, TargetKind])[] = [
  ['in-process', 'postgres'],
  ['bullmq', 'postgres'],
  ['in-process', 'mysql'],
  ['bullmq', 'mysql'],
];

describe('cancel ends the statements in flight', () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  });

  for (const [executorKind, targetKind] of CASES) {
    it(`a load blocked on a locked ${targetKind} table: its sessions on both databases are gone within 10 s, and only then is it cancelled (${executorKind})`, async (t) => {
      const h: Harness = await openHarness('sqlite', executorKind);
      cleanup.push(() => h.close());
      const source = await freshPostgres();
      cleanup.push(() => source.drop());
      const target = targetKind === 'postgres' ? await freshPostgres() : await freshMysql();
      cleanup.push(() => target.drop());
      await sql(
        source,
        'postgres',
        `CREATE TABLE t (id bigint PRIMARY KEY, v text);
         INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000000) g;`,
      );
      await sql(target, targetKind, 'CREATE TABLE t (id bigint PRIMARY KEY, v text)');
      const project = await projectFor(h.store, source.url, target.url, {
        version: 1,
        name: 'blocked',
        pipeline: { batchSize: 2000, parallelism: 1 },
        mappings: [
          {
            source: 't',
            target: 't',
            columns: [
              { source: 'id', target: 'id' },
              { source: 'v', target: 'v' },
            ],
          },
        ],
      });
      const { executionId } = await startExecution(h, { projectId: project.id });
      await eventually(
        async () => (await targetRows(target, targetKind)) > 0,
        'the first rows in the target',
      );
      const locker = targetKind === 'postgres' ? await lockPostgres(target) : await lockMysql(target);
      cleanup.push(() => locker.release());
      await eventually(() => locker.blocked(), 'the load to wait for the lock', 15_000);
      // Blocked: nothing moves, however long one waits.
      assert.equal((await getExecutionStatus(h, executionId)).status, 'running');

      const requested = await cancelExecution(h, executionId);
      assert.equal(requested.status, 'cancelling');
      const start = Date.now();
      let seen: string = requested.status;
      while (seen !== 'cancelled' && Date.now() - start < CANCEL_BOUND_MS + 5000) {
        await new Promise((r) => setTimeout(r, 50));
        seen = (await getExecutionStatus(h, executionId)).status;
        if (seen === 'cancelled') {
          // Read right after the status: the sessions were gone before it was written.
          assert.equal(await postgresSessions(source.name), 0, 'no session left on the source');
          assert.equal(await locker.runSessions(), 0, 'no session left on the target');
        }
      }
      const took = Date.now() - start;
      t.diagnostic(`cancel to cancelled, sessions gone: ${took} ms`);
      assert.equal(seen, 'cancelled', `still ${seen} after ${took} ms`);
      assert.ok(took < CANCEL_BOUND_MS, `cancelled in ${took} ms`);
      const { stages } = await getExecutionStages(h, executionId);
      const load = stages.find((s) => s.tasks.length > 0);
      assert.ok(load && load.tasks.length > 0, JSON.stringify(stages));
      assert.deepEqual(
        [load.status, ...load.tasks.map((t) => t.status)],
        ['cancelled', ...load.tasks.map(() => 'cancelled')],
        'the load stage and its task say cancelled, not running',
      );
      const status = await getExecutionStatus(h, executionId);
      assert.ok(status.reportUrl, 'the cancelled run has its report');
      await locker.release();
    });
  }
});

describe('cancel ends the run, not the work that closes it', () => {
  for (const executorKind of ['in-process', 'bullmq'] as const) {
    it(`the foreign key dropped for the load is added back even when that waits for a lock (${executorKind})`, async () => {
      const h = await openHarness('sqlite', executorKind);
      const source = await freshPostgres();
      const target = await freshPostgres();
      try {
        await sql(
          source,
          'postgres',
          `CREATE TABLE t (id bigint PRIMARY KEY, v text);
           INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 300000) g;`,
        );
        await sql(
          target,
          'postgres',
          'CREATE TABLE t (id bigint PRIMARY KEY, v text, up bigint CONSTRAINT t_up REFERENCES t)',
        );
        const project = await projectFor(h.store, source.url, target.url, {
          version: 1,
          name: 'keys back',
          pipeline: { batchSize: 500, parallelism: 1 },
          mappings: [
            {
              source: 't',
              target: 't',
              columns: [
                { source: 'id', target: 'id' },
                { source: 'v', target: 'v' },
              ],
            },
          ],
        });
        const { executionId } = await startExecution(h, { projectId: project.id });
        await eventually(async () => (await targetRows(target, 'postgres')) > 0, 'rows');
        // Someone else holds the table while the cancel's report adds the key back: it must wait.
        const locker = new pg.Client({ connectionString: target.url });
        await locker.connect();
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
        await cancelExecution(h, executionId);
        setTimeout(() => void locker.query('COMMIT').then(() => locker.end()), 2000);
        await h.executor.settled(executionId);
        assert.equal((await getExecutionStatus(h, executionId)).status, 'cancelled');
        const client = new pg.Client({ connectionString: target.url });
        await client.connect();
        const { rows } = await client
          .query("SELECT convalidated FROM pg_constraint WHERE conname = 't_up'")
          .finally(() => client.end());
        assert.deepEqual(rows, [{ convalidated: true }], 'the key is back, checked');
      } finally {
        await h.close();
        await source.drop();
        await target.drop();
      }
    });
  }
});
