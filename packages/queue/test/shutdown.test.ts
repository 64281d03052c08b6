import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createExecution, openStore, type Store } from '@databridge/store';
import pg from 'pg';
import { freshPostgres, PG_ADMIN_URL, type TestDatabase } from '../../engine/test/support/databases.ts';
import { BullmqExecutor } from '../src/executor/bullmq-executor.ts';
import { getExecutionStages, getExecutionStatus } from '../src/services/executions-service.ts';
import { eventually, projectFor, REDIS_URL, SECRET } from './support/harness.ts';

const CLI = join(import.meta.dirname, '../../../apps/cli/bin/databridge.js');
const CHILD = join(import.meta.dirname, 'support/shutdown-child.ts');
const ROWS = 400_000;
/** The grace the processes are given here (the default is 10 s), and what a process may add to it. */
const GRACE_S = 3;
const MARGIN_MS = 6_000;

async function query<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The run's sessions on a database (its pools name themselves `databridge`). */
async function runSessions(db: TestDatabase): Promise<number> {
  const rows = await query(
    PG_ADMIN_URL,
    `SELECT pid FROM pg_stat_activity WHERE datname = '${db.name}' AND application_name = 'databridge'`,
  );
  return rows.length;
}

function output(child: ChildProcess): () => string {
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  return () => text;
}

/** Sends SIGTERM and resolves with the exit code and the milliseconds it took. */
async function terminate(child: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const start = Date.now();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await exited;
  return { code, ms: Date.now() - start };
}

/** A source of ROWS rows and an empty target whose table the test can lock mid-load. */
async function blockedLoad(store: Store, dbs: TestDatabase[]) {
  const [source, target] = [await freshPostgres(), await freshPostgres()];
  dbs.push(source, target);
  await query(
    source.url,
    `CREATE TABLE t (id bigint PRIMARY KEY, v text);
     INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, ${ROWS}) g;`,
  );
  await query(target.url, 'CREATE TABLE t (id bigint PRIMARY KEY, v text)');
  const project = await projectFor(store, source.url, target.url, {
    version: 1,
    name: 'shutdown',
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
  return { source, target, project };
}

/** Once rows arrive, another session locks the table: the next batch waits for good. */
async function lockMidLoad(target: TestDatabase): Promise<pg.Client> {
  await eventually(
    async () => Number((await query<{ n: string }>(target.url, 'SELECT count(*) AS n FROM t'))[0]!.n) > 0,
    'the first rows',
    60_000,
  );
  const locker = new pg.Client({ connectionString: target.url, application_name: 'the-locker' });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
  await eventually(
    async () =>
      (
        await query(
          PG_ADMIN_URL,
          `SELECT 1 FROM pg_stat_activity WHERE datname = '${target.name}' AND application_name = 'databridge' AND wait_event_type = 'Lock'`,
        )
      ).length > 0,
    'the load to wait for the lock',
  );
  return locker;
}

async function exact(target: TestDatabase): Promise<void> {
  const [row] = await query<{ n: string; d: string }>(
    target.url,
    'SELECT count(*) AS n, count(DISTINCT id) AS d FROM t',
  );
  assert.equal(Number(row!.n), ROWS, 'no gaps');
  assert.equal(Number(row!.d), ROWS, 'no duplicates');
}

describe('SIGTERM during a load: the process exits within its grace, the run is interrupted and resumes exact', () => {
  const dbs: TestDatabase[] = [];
  const children: ChildProcess[] = [];
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const step of cleanup.reverse()) await step().catch(() => {});
    for (const db of dbs) await db.drop().catch(() => {});
  });

  it('in-process executor (databridge serve)', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'databridge-shutdown-'));
    const store = await openStore({ dataDir, sessionSecret: SECRET });
    cleanup.push(() => store.close());
    const { source, target, project } = await blockedLoad(store, dbs);
    const { id } = await createExecution(store, { projectId: project.id });
    const serve = () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CHILD, dataDir, SECRET, String(GRACE_S * 1000)],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      return child;
    };
    const first = serve();
    const text = output(first);
    const locker = await lockMidLoad(target);
    cleanup.push(() => locker.end());

    const { code, ms } = await terminate(first);
    t.diagnostic(`SIGTERM to exit: ${ms} ms (grace ${GRACE_S} s)`);
    assert.equal(code, 0, text());
    assert.ok(ms < GRACE_S * 1000 + MARGIN_MS, `exited ${ms} ms after SIGTERM`);
    assert.ok(ms >= GRACE_S * 1000 - 500, `the tasks had their grace (${ms} ms)`);
    const status = await getExecutionStatus({ store }, id);
    assert.equal(status.status, 'interrupted');
    const { stages } = await getExecutionStages({ store }, id);
    const load = stages.find((s) => s.tasks.length > 0)!;
    assert.equal(load.status, 'interrupted');
    assert.deepEqual(
      load.tasks.map((t) => t.status),
      ['interrupted'],
    );
    assert.equal(await runSessions(source), 0, 'no session left on the source');
    assert.equal(await runSessions(target), 0, 'no session left on the target');

    await locker.query('ROLLBACK');
    const second = serve();
    const again = output(second);
    await new Promise((resolve) => second.once('exit', resolve));
    assert.match(again(), new RegExp(`resumed \\["${id}"\\]`));
    const done = await getExecutionStatus({ store }, id);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.equal(done.recordsProcessed, ROWS);
    await exact(target);
  });

  it('BullMQ executor (databridge worker)', async (t) => {
    const meta = await freshPostgres();
    dbs.push(meta);
    const dataDir = mkdtempSync(join(tmpdir(), 'databridge-shutdown-'));
    const store = await openStore({ databaseUrl: meta.url, dataDir, sessionSecret: SECRET });
    cleanup.push(() => store.close());
    const prefix = `dbtest-${randomBytes(4).toString('hex')}`;
    const server = new BullmqExecutor(
      { store, reportsDir: join(dataDir, 'reports') },
      { redisUrl: REDIS_URL, prefix },
    );
    cleanup.push(() => server.close());
    const worker = () => {
      const child = spawn(
        process.execPath,
        [CLI, 'worker', '--lock-duration', '3000', '--stalled-interval', '1000'],
        {
          env: {
            ...process.env,
            DATABASE_URL: meta.url,
            REDIS_URL,
            SESSION_SECRET: SECRET,
            DATABRIDGE_DATA_DIR: dataDir,
            DATABRIDGE_QUEUE_PREFIX: prefix,
            DATABRIDGE_SHUTDOWN_GRACE_SECONDS: String(GRACE_S),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      return child;
    };
    const { source, target, project } = await blockedLoad(store, dbs);
    const first = worker();
    const text = output(first);
    const { id } = await createExecution(store, { projectId: project.id });
    await server.start(id);
    const locker = await lockMidLoad(target);
    cleanup.push(() => locker.end());

    const { code, ms } = await terminate(first);
    t.diagnostic(`SIGTERM to exit: ${ms} ms (grace ${GRACE_S} s)`);
    assert.equal(code, 0, text());
    assert.ok(ms < GRACE_S * 1000 + MARGIN_MS, `exited ${ms} ms after SIGTERM`);
    assert.ok(ms >= GRACE_S * 1000 - 500, `the tasks had their grace (${ms} ms)`);
    const { stages } = await getExecutionStages({ store }, id);
    const load = stages.find((s) => s.tasks.length > 0)!;
    assert.deepEqual(
      load.tasks.map((t) => t.status),
      ['interrupted'],
      'the task this worker held is interrupted',
    );
    assert.equal(await runSessions(source), 0, 'no session left on the source');
    assert.equal(await runSessions(target), 0, 'no session left on the target');

    await locker.query('ROLLBACK');
    const second = worker();
    output(second);
    await server.settled(id);
    const done = await getExecutionStatus({ store }, id);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.equal(done.recordsProcessed, ROWS);
    await exact(target);
    await terminate(second);
  });
});
