import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { writerTag } from '@databridge/engine';
import {
  getExecutionLogs,
  getExecutionStatus,
  listExecutionArtefacts,
  openServiceContext,
  readExecutionArtefact,
  readExecutionReport,
  readServerEnv,
  type ServiceContext,
  startExecution,
} from '@databridge/queue';
import {
  freshPostgres,
  rawExec,
  type TestDatabase,
} from '../../../packages/engine/test/support/databases.ts';
import {
  S3RVER_KEY,
  startObjectStore,
  type TestObjectStore,
} from '../../../packages/engine/test/support/object-store.ts';
import {
  idNameMappings,
  projectFor,
  REDIS_URL,
  SECRET,
} from '../../../packages/queue/test/support/harness.ts';
import { startCli } from './cli-helpers.ts';

// Two `databridge worker` processes, each with its own data folder (two machines), share a run's
// tasks through Redis; the server (this process, a third folder) serves the report, the log and the
// rejects they wrote, from the object store alone.

const TABLES = ['people_a', 'people_b', 'people_c', 'people_d'];
const ROWS = 20_000; // every 10th row has no name: the target's NOT NULL rejects it
const root = mkdtempSync(join(tmpdir(), 'databridge-two-workers-'));
const queuePrefix = `dbtest-${randomBytes(4).toString('hex')}`;
let s3: TestObjectStore;
let meta: TestDatabase;
let source: TestDatabase;
let target: TestDatabase;
let server: ServiceContext;
const workers: ChildProcess[] = [];
const workerOutput: string[] = [];

const envOf = (dataDir: string) => ({
  DATABRIDGE_DATA_DIR: dataDir,
  DATABASE_URL: meta.url,
  REDIS_URL,
  DATABRIDGE_QUEUE_PREFIX: queuePrefix,
  SESSION_SECRET: SECRET,
  OBJECT_STORE_URL: `${s3.url}/two`,
  OBJECT_STORE_API_KEY: S3RVER_KEY,
  DATABRIDGE_LOADER_THREADS: '0',
});

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

before(async () => {
  s3 = await startObjectStore();
  [meta, source, target] = await Promise.all([freshPostgres(), freshPostgres(), freshPostgres()]);
  for (const table of TABLES) {
    await rawExec(
      source,
      'postgres',
      `CREATE TABLE ${table} (id integer PRIMARY KEY, name text);
       INSERT INTO ${table} SELECT i, CASE WHEN i % 10 = 0 THEN NULL ELSE 'name ' || i END
         FROM generate_series(1, ${ROWS}) i;`,
    );
    await rawExec(target, 'postgres', `CREATE TABLE ${table} (id integer PRIMARY KEY, name text NOT NULL)`);
  }
  server = await openServiceContext(readServerEnv(envOf(join(root, 'server'))));
  for (const name of ['a', 'b']) {
    const child = startCli(['worker', '--concurrency', '1'], envOf(join(root, name)));
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    workers.push(child);
    const deadline = Date.now() + 120_000;
    while (!out.includes('worker ready')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker ${name}: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    workerOutput.push(out);
  }
});

after(async () => {
  for (const w of workers) {
    if (w.exitCode !== null) continue;
    w.kill('SIGTERM');
    await new Promise((r) => w.once('exit', r));
  }
  await server?.close();
  await Promise.allSettled([meta, source, target].map((d) => d?.drop()));
  await s3?.close();
  rmSync(root, { recursive: true, force: true });
});

test('two worker processes with their own folders run one execution; the server serves its report, whole log and every rejected row', async () => {
  const project = await projectFor(server.store, source.url, target.url, {
    pipeline: { errorPolicy: 'skip_and_log', parallelism: 4, batchSize: 1000 },
    mappings: idNameMappings(TABLES),
  });
  const { executionId } = await startExecution(server, { projectId: project.id });
  const deadline = Date.now() + 240_000;
  let status = await getExecutionStatus(server, executionId);
  while (!['completed', 'failed', 'cancelled'].includes(status.status)) {
    assert.ok(Date.now() < deadline, `still ${status.status}`);
    await new Promise((r) => setTimeout(r, 250));
    status = await getExecutionStatus(server, executionId);
  }
  assert.equal(status.status, 'completed', status.error?.message ?? '');
  assert.equal(status.artefactsPending, null);
  assert.equal(
    existsSync(join(root, 'server', 'reports', executionId)),
    false,
    'nothing in the server’s folder',
  );

  // Both processes ran tasks of the run: each stored the rows it rejected under its own name.
  const listed = await listExecutionArtefacts(server, executionId);
  const rejects = listed.artefacts.filter((a) => a.name.startsWith('rejects/'));
  const writers = new Set(rejects.map((a) => a.name.split('/')[1]));
  assert.deepEqual(
    [...writers].sort(),
    ['a', 'b'].map((n) => writerTag(join(root, n, 'reports'))).sort(),
    rejects.map((a) => a.name).join(', '),
  );
  let rejected = 0;
  for (const a of rejects) {
    const file = await readExecutionArtefact(server, executionId, a.name);
    rejected += gunzipSync(await collect(file.body))
      .toString()
      .trim()
      .split('\n').length;
  }
  assert.equal(rejected, TABLES.length * (ROWS / 10), 'every rejected row, once');

  const report = JSON.parse((await readExecutionReport(server, executionId, 'json')).toString());
  assert.equal(report.runId, executionId);
  assert.equal(report.totals.rowsRejected, TABLES.length * (ROWS / 10));

  // The stored log holds every line of the run, whichever process wrote it (the monitor's log).
  const log = await readExecutionArtefact(server, executionId, 'run.log');
  const stored = (await collect(log.body))
    .toString()
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { message: string }).message);
  const monitor = await getExecutionLogs(server, executionId, { limit: 1000, order: 'oldest' });
  const expected = (monitor.entries as { message: string }[]).map((e) => e.message);
  // The same lines, in the same order (each process's "100 row(s) rejected" counted, not just one).
  assert.deepEqual(stored, expected);
  assert.ok(
    workerOutput.length === 2 && stored.filter((m) => /^task .* started on /.test(m)).length === 16,
    'every task of the four tables in four key ranges says where it started',
  );
});
