import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { readObjectStoreConfig, S3ArtefactStore, writerTag } from '@databridge/engine';
import { openStore, type Store } from '@databridge/store';
import Database from 'better-sqlite3';
import { freshPostgres, rawExec, type TestDatabase } from '../../engine/test/support/databases.ts';
import {
  S3RVER_KEY,
  startObjectStore,
  type TestObjectStore,
} from '../../engine/test/support/object-store.ts';
import { BullmqExecutor } from '../src/executor/bullmq-executor.ts';
import { listExecutionArtefacts, readExecutionArtefact } from '../src/services/artefact-files.ts';
import { getExecutionStatus, startExecution } from '../src/services/executions-service.ts';
import { idNameMappings, projectFor, REDIS_URL, SECRET } from './support/harness.ts';

// Two BullMQ workers with their own data folders share a run's tasks: every rejected row, and every
// archived row of the extract, reaches the object store once, whichever worker wrote it and whichever
// reported the run.

const TABLES = ['people_a', 'people_b', 'people_c', 'people_d'];
const ROWS = 20_000; // every 10th row has no name: 2,000 rejected per table
const root = mkdtempSync(join(tmpdir(), 'databridge-bull-artefacts-'));
const prefix = `dbtest-${randomBytes(4).toString('hex')}`;
let s3: TestObjectStore;
let store: Store;
let artefacts: S3ArtefactStore;
const workers: BullmqExecutor[] = [];
let targetDb: TestDatabase;

before(async () => {
  s3 = await startObjectStore();
  targetDb = await freshPostgres();
  store = await openStore({ dataDir: join(root, 'meta'), sessionSecret: SECRET });
  artefacts = new S3ArtefactStore(
    readObjectStoreConfig({ SAP_OBJECT_STORE_URL: s3.url, SAP_OBJECT_STORE_API_KEY: S3RVER_KEY })!,
  );
  for (const name of ['a', 'b']) {
    const worker = new BullmqExecutor(
      { store, reportsDir: join(root, name, 'reports'), artefacts },
      { redisUrl: REDIS_URL, prefix, concurrency: 1, lockDurationMs: 5000, stalledIntervalMs: 2000 },
    );
    worker.startWorker();
    workers.push(worker);
  }
});

after(async () => {
  for (const w of workers) await w.close();
  await store?.close();
  await s3?.close();
  await targetDb?.drop();
  rmSync(root, { recursive: true, force: true });
});

test('rejected and archived rows written on two workers are all in the store, once each', async (t) => {
  const source = join(root, 'source.sqlite');
  const src = new Database(source);
  for (const table of TABLES) {
    src.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, name TEXT)`);
    const insert = src.prepare(`INSERT INTO ${table} VALUES (?, ?)`);
    src.transaction(() => {
      for (let i = 1; i <= ROWS; i++) insert.run(i, i % 10 === 0 ? null : `name ${i}`);
    })();
    await rawExec(targetDb, 'postgres', `CREATE TABLE ${table} (id integer PRIMARY KEY, name text NOT NULL)`);
  }
  src.close();
  const project = await projectFor(store, `sqlite:${source}`, targetDb.url, {
    pipeline: { errorPolicy: 'skip_and_log', parallelism: 4, batchSize: 1000, extractArchive: 'csv_gz' },
    mappings: idNameMappings(TABLES),
  });
  const { executionId } = await startExecution({ store, executor: workers[0]!, reportsDir: '' } as never, {
    projectId: project.id,
  });
  await workers[0]!.settled(executionId);
  const status = await getExecutionStatus({ store }, executionId);
  assert.equal(status.status, 'completed', status.error?.message ?? '');
  assert.equal(status.failedRecords, TABLES.length * (ROWS / 10));
  assert.equal(status.artefactsPending, null);

  const listed = await listExecutionArtefacts({ store, reportsDir: '', artefacts }, executionId);
  const rejects = listed.artefacts.filter((a) => a.name.startsWith('rejects/'));
  const writers = new Set(rejects.map((a) => a.name.split('/')[1]));
  const tags = new Set(['a', 'b'].map((n) => writerTag(join(root, n, 'reports'))));
  for (const w of writers) assert.ok(tags.has(w!), `written by one of the two workers: ${w}`);
  t.diagnostic(`rejects objects: ${rejects.map((a) => a.name).join(', ')}`);
  const seen = new Set<string>();
  for (const a of rejects) {
    const file = await readExecutionArtefact({ store, reportsDir: '', artefacts }, executionId, a.name);
    const chunks: Buffer[] = [];
    for await (const c of file.body) chunks.push(Buffer.from(c));
    for (const line of gunzipSync(Buffer.concat(chunks)).toString().trim().split('\n')) {
      const row = JSON.parse(line) as { mappingId: string; values?: unknown; row?: unknown };
      const key = `${row.mappingId}:${JSON.stringify(row.values ?? row.row ?? line)}`;
      assert.ok(!seen.has(key), `a rejected row stored twice: ${key}`);
      seen.add(key);
    }
  }
  assert.equal(seen.size, TABLES.length * (ROWS / 10), 'every rejected row, once');

  // The archive: each table split into key ranges, a part per task from whichever worker ran it.
  const read = async (name: string) => {
    const file = await readExecutionArtefact({ store, reportsDir: '', artefacts }, executionId, name);
    const chunks: Buffer[] = [];
    for await (const c of file.body) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  };
  const manifest = JSON.parse((await read('extracts/manifest.json')).toString()) as {
    mappings: { source: string; rows: number; complete: boolean; parts: { name: string; rows: number }[] }[];
  };
  assert.equal(manifest.mappings.length, TABLES.length);
  for (const m of manifest.mappings) {
    assert.equal(m.complete, true, m.source);
    assert.equal(m.parts.length, 4, `${m.source}: a part per key range`);
    const ids = new Set<string>();
    for (const part of m.parts) {
      const lines = gunzipSync(await read(part.name))
        .toString()
        .split('\r\n')
        .slice(1, -1);
      assert.equal(lines.length, part.rows, part.name);
      for (const line of lines) ids.add(line.slice(0, line.indexOf(',')));
    }
    assert.equal(m.rows, ROWS, m.source);
    assert.equal(ids.size, ROWS, `${m.source}: every row archived once`);
  }
});
