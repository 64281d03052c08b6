import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { listLogEntries, openStore, type Store } from '@databridge/store';
import pg from 'pg';
import { freshPostgres, type TestDatabase } from '../../engine/test/support/databases.ts';
import { BullmqExecutor } from '../src/executor/bullmq-executor.ts';
import {
  getExecutionStages,
  getExecutionStatus,
  startExecution,
} from '../src/services/executions-service.ts';
import { eventually, projectFor, REDIS_URL, SECRET } from './support/harness.ts';

const CLI = join(import.meta.dirname, '../../../apps/cli/bin/databridge.js');
const TABLES = ['orders_a', 'orders_b', 'orders_c'];
const ROWS = 150_000;

let store: Store;
let server: BullmqExecutor;
const dbs: TestDatabase[] = [];
const workers: ChildProcess[] = [];
const prefix = `dbtest-${randomBytes(4).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'databridge-workers-'));
let metaUrl: string;

function startWorker(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [CLI, 'worker', '--concurrency', '2', '--lock-duration', '3000', '--stalled-interval', '1000'],
    {
      env: {
        ...process.env,
        DATABASE_URL: metaUrl,
        REDIS_URL,
        SESSION_SECRET: SECRET,
        DATABRIDGE_DATA_DIR: dataDir,
        DATABRIDGE_QUEUE_PREFIX: prefix,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  workers.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('worker ready')) resolve(child);
    });
    child.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
}

async function query<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

before(async () => {
  const meta = await freshPostgres();
  dbs.push(meta);
  metaUrl = meta.url;
  store = await openStore({ databaseUrl: metaUrl, dataDir, sessionSecret: SECRET });
  server = new BullmqExecutor(
    { store, reportsDir: join(dataDir, 'reports') },
    { redisUrl: REDIS_URL, prefix },
  );
});

after(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await server.close();
  await store.close();
  for (const db of dbs) await db.drop();
});

it('two workers share a run; one killed with SIGKILL mid-load; the run completes with exact counts and checksums', async () => {
  const [source, target] = [await freshPostgres(), await freshPostgres()];
  dbs.push(source, target);
  for (const t of TABLES) {
    await query(
      source.url,
      `CREATE TABLE ${t} (id bigint PRIMARY KEY, customer int NOT NULL, note text, amount numeric(12,2));
       INSERT INTO ${t} SELECT g, g % 997, 'order ' || g, (g % 10000) / 100.0 FROM generate_series(1, ${ROWS}) g;`,
    );
  }
  // Each batch's COPY fires a statement trigger that sleeps 0.1 s, so every task lasts seconds on any
  // machine and the kill below lands inside one (tasks of a fraction of a second made that luck).
  await query(
    target.url,
    `CREATE FUNCTION slow_batch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.1); RETURN NULL; END $$;
     ${TABLES.map(
       (
         t,
       ) => `CREATE TABLE ${t} (id bigint PRIMARY KEY, customer int NOT NULL, note text, amount numeric(12,2));
       CREATE TRIGGER slow_batch AFTER INSERT ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION slow_batch();`,
     ).join('\n')}`,
  );
  const columns = ['id', 'customer', 'note', 'amount'].map((c) => ({ source: c, target: c }));
  const project = await projectFor(store, source.url, target.url, {
    version: 1,
    name: 'shared',
    pipeline: {
      batchSize: 2000,
      parallelism: 4,
      validation: { rowCount: true, checksum: true },
    },
    mappings: TABLES.map((t) => ({ source: t, target: t, columns })),
  });
  const [first, second] = await Promise.all([startWorker(), startWorker()]);
  const { executionId } = await startExecution({ store, executor: server }, { projectId: project.id });

  // Both workers hold tasks before one dies.
  const startedOn = async () => {
    const logs = await listLogEntries(store, executionId, { limit: 1000 });
    return new Set(logs.items.map((e) => e.fields?.pid).filter((p) => p !== undefined));
  };
  await eventually(async () => (await startedOn()).size >= 2, 'both workers to run tasks', 60_000);
  // Kill the first worker only while it holds a task with committed but unfinished progress, so that
  // the survivor must resume from a checkpoint (killing it between two tasks would prove nothing).
  const midTask = async () => {
    const logs = await listLogEntries(store, executionId, { limit: 1000 });
    const mine = new Set(
      logs.items.filter((e) => e.fields?.pid === first.pid).map((e) => String(e.fields?.taskId)),
    );
    const committed = await query<{ task_id: string }>(
      target.url,
      `SELECT task_id FROM public._databridge_checkpoints WHERE run_id = '${executionId}' AND NOT done AND rows_written > 0`,
    ).catch(() => []);
    return committed.some((c) => mine.has(c.task_id));
  };
  await eventually(midTask, 'the first worker to commit part of a task', 60_000);
  const status = await getExecutionStatus({ store }, executionId);
  assert.ok(status.recordsProcessed < ROWS * TABLES.length, 'killed before the load finished');
  first.kill('SIGKILL');

  await server.settled(executionId);
  const done = await getExecutionStatus({ store }, executionId);
  assert.equal(done.status, 'completed', JSON.stringify(done.error));
  assert.equal(done.recordsProcessed, ROWS * TABLES.length);
  for (const t of TABLES) {
    const [row] = await query<{ n: string; d: string; s: string }>(
      target.url,
      `SELECT count(*) AS n, count(DISTINCT id) AS d, sum(amount)::text AS s FROM public.${t}`,
    );
    const [expected] = await query<{ s: string }>(source.url, `SELECT sum(amount)::text AS s FROM ${t}`);
    assert.equal(Number(row!.n), ROWS, `${t}: no gaps`);
    assert.equal(Number(row!.d), ROWS, `${t}: no duplicates`);
    assert.equal(row!.s, expected!.s, `${t}: same amounts`);
  }
  const { stages } = await getExecutionStages({ store }, executionId);
  assert.equal(
    stages.find((s) => s.stageId === 'validate')?.status,
    'completed',
    'counts and checksums matched',
  );
  const pids = await startedOn();
  assert.ok(pids.has(first.pid ?? -1) && pids.has(second.pid ?? -1));
  const resumed = (await listLogEntries(store, executionId, { limit: 1000 })).items.filter(
    (e) => e.fields?.pid === second.pid && Number(e.fields?.fromRow) > 0,
  );
  assert.ok(resumed.length > 0, 'the surviving worker resumed a task from its checkpoint, not from row 0');
  second.kill('SIGTERM');
  await new Promise((resolve) => second.once('exit', resolve));
  assert.equal(second.exitCode, 0, 'SIGTERM stops a worker cleanly');
});
