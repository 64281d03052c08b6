import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { createExecution, getExecution, listLogEntries, openStore, type Store } from '@databridge/store';
import pg from 'pg';
import { freshPostgres, type TestDatabase } from '../../engine/test/support/databases.ts';
import { InProcessExecutor } from '../src/executor/in-process-executor.ts';
import { HELD_AFTER_TWO_STOPS } from '../src/run/crash-loop.ts';
import { resumeExecution } from '../src/services/executions-service.ts';
import { eventually, projectFor, SECRET } from './support/harness.ts';

// The crash loop of issue 13: a run that kills its server was resumed at every start. Here a real
// server-like process (support/serving-child.ts) is killed with SIGKILL while it runs an execution;
// the next start resumes it once, and after a second death the one after leaves it `interrupted`.

const CHILD = join(import.meta.dirname, 'support/serving-child.ts');
const ROWS = 60_000;
let store: Store;
const dataDir = mkdtempSync(join(tmpdir(), 'databridge-crash-loop-'));
const dbs: TestDatabase[] = [];
const children: ChildProcess[] = [];

async function query(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** Starts a server-like process; resolves with it and the execution ids it resumed. */
function startServer(): Promise<{ child: ChildProcess; resumed: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, SECRET], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  let errors = '';
  child.stderr!.on('data', (chunk) => {
    errors += chunk;
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const line = output.split('\n')[0];
      if (output.includes('\n')) resolve({ child, resumed: JSON.parse(line!) as string[] });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before starting: ${errors}`)));
  });
}

async function killMidRun(child: ChildProcess, targetUrl: string, moreThan: number): Promise<number> {
  let rows = 0;
  await eventually(async () => {
    rows = Number((await query(targetUrl, 'SELECT count(*) AS n FROM orders'))[0]!.n);
    return rows > moreThan;
  }, `more than ${moreThan} rows loaded`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return rows;
}

before(async () => {
  store = await openStore({ dataDir, sessionSecret: SECRET });
});

after(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await store.close();
  for (const db of dbs) await db.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('a run whose server died twice is left interrupted with the reason, not resumed; a person resumes it to completion', async () => {
  const [source, target] = [await freshPostgres(), await freshPostgres()];
  dbs.push(source, target);
  await query(
    source.url,
    `CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL);
     INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, ${ROWS}) g;`,
  );
  // Each batch sleeps 0.1 s in a trigger, so the run lasts seconds and a kill lands inside it.
  await query(
    target.url,
    `CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL);
     CREATE FUNCTION slow_batch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.1); RETURN NULL; END $$;
     CREATE TRIGGER slow_batch AFTER INSERT ON orders FOR EACH STATEMENT EXECUTE FUNCTION slow_batch();`,
  );
  const project = await projectFor(store, source.url, target.url, {
    pipeline: { batchSize: 1000, parallelism: 1 },
    mappings: [
      {
        source: 'orders',
        target: 'orders',
        columns: [
          { source: 'id', target: 'id' },
          { source: 'note', target: 'note' },
        ],
      },
    ],
  });
  const { id } = await createExecution(store, { projectId: project.id });

  // First server: starts the pending execution, and dies running it.
  const first = await startServer();
  assert.deepEqual(first.resumed, [id]);
  const afterFirst = await killMidRun(first.child, target.url, 0);
  assert.equal((await getExecution(store, id))?.status, 'running', 'a killed process leaves it running');

  // Second server: the first death, so it resumes by itself, and dies again.
  const second = await startServer();
  assert.deepEqual(second.resumed, [id], 'resumed once after the first death');
  await killMidRun(second.child, target.url, afterFirst);

  // Third server: the second death, so it is held for a person.
  const third = await startServer();
  assert.deepEqual(third.resumed, [], 'not resumed after the second death');
  const held = await getExecution(store, id);
  assert.equal(held?.status, 'interrupted');
  assert.equal(held?.errorMessage, HELD_AFTER_TWO_STOPS);
  const log = await listLogEntries(store, id, { order: 'newest', limit: 5 });
  assert.match(log.items[0]!.message, /stopped twice while running it/);
  const rowsHeld = Number((await query(target.url, 'SELECT count(*) AS n FROM orders'))[0]!.n);
  assert.ok(rowsHeld < ROWS, 'the run had not finished');
  await new Promise<void>((resolve) => third.child.once('exit', () => resolve()));

  // A fourth start holds it too: only a person resumes it.
  const fourth = await startServer();
  assert.deepEqual(fourth.resumed, []);
  await new Promise<void>((resolve) => fourth.child.once('exit', () => resolve()));
  assert.equal(Number((await query(target.url, 'SELECT count(*) AS n FROM orders'))[0]!.n), rowsHeld);

  // The person's resume continues from the checkpoints to the exact count.
  const executor = new InProcessExecutor({ store, reportsDir: join(dataDir, 'reports') });
  try {
    const resumed = await resumeExecution({ store, executor }, id);
    assert.equal(resumed.status, 'running');
    await executor.settled(id);
    assert.equal((await getExecution(store, id))?.status, 'completed');
    assert.equal(Number((await query(target.url, 'SELECT count(*) AS n FROM orders'))[0]!.n), ROWS);
  } finally {
    await executor.close();
  }
});
