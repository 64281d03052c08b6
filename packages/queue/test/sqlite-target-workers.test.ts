import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { listLogEntries, openStore } from '@databridge/store';
import { freshPostgres } from '../../engine/test/support/databases.ts';
import { BullmqExecutor } from '../src/executor/bullmq-executor.ts';
import { getExecutionStatus, startExecution } from '../src/services/executions-service.ts';
import { projectFor, REDIS_URL, SECRET } from './support/harness.ts';
import { countRows, twoTableMappings, writeTwoTables } from './support/two-tables.ts';

const CLI = join(import.meta.dirname, '../../../apps/cli/bin/databridge.js');
const ROWS = 20_000;
const workers: ChildProcess[] = [];

after(() => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
});

function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', '--concurrency', '2'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const take = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('worker ready')) resolve(child);
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
}

it('two `databridge worker` processes load one SQLite file at once: the run completes with exact counts', async () => {
  const meta = await freshPostgres();
  const dataDir = mkdtempSync(join(tmpdir(), 'databridge-sqlite-workers-'));
  const sqliteDir = mkdtempSync(join(tmpdir(), 'databridge-sqlite-files-'));
  const prefix = `dbtest-${randomBytes(4).toString('hex')}`;
  const store = await openStore({ databaseUrl: meta.url, dataDir, sessionSecret: SECRET });
  const server = new BullmqExecutor(
    { store, reportsDir: join(dataDir, 'reports') },
    { redisUrl: REDIS_URL, prefix },
  );
  try {
    const env = {
      DATABASE_URL: meta.url,
      REDIS_URL,
      SESSION_SECRET: SECRET,
      DATABRIDGE_DATA_DIR: dataDir,
      DATABRIDGE_SQLITE_DIR: sqliteDir,
      DATABRIDGE_QUEUE_PREFIX: prefix,
    };
    const [first, second] = await Promise.all([startWorker(env), startWorker(env)]);
    const source = join(sqliteDir, 'source.sqlite');
    const target = join(sqliteDir, 'target.sqlite');
    writeTwoTables(source, ROWS);
    const project = await projectFor(store, `sqlite:${source}`, `sqlite:${target}`, {
      version: 1,
      name: 'sqlite-workers',
      pipeline: { batchSize: 500, parallelism: 4, createTables: true },
      mappings: twoTableMappings,
    });
    const { executionId } = await startExecution({ store, executor: server }, { projectId: project.id });
    await server.settled(executionId);
    const status = await getExecutionStatus({ store }, executionId);
    assert.equal(status.status, 'completed', JSON.stringify(status.error));
    assert.equal(status.recordsProcessed, 2 * ROWS);
    for (const table of ['customer', 'product']) assert.equal(countRows(target, table), ROWS, table);
    const logs = await listLogEntries(store, executionId, { limit: 1000 });
    const pids = new Set(logs.items.map((e) => e.fields?.pid).filter((p) => p !== undefined));
    assert.ok(pids.has(first.pid ?? -1) && pids.has(second.pid ?? -1), 'both workers loaded tasks');
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await server.close();
    await store.close();
    await meta.drop();
  }
});
