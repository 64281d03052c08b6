import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createExecution, getExecution, openStore, type Store } from '@databridge/store';
import Database from 'better-sqlite3';
import { freshPostgres, type TestDatabase } from '../../engine/test/support/databases.ts';
import {
  S3RVER_KEY,
  startObjectStore,
  type TestObjectStore,
} from '../../engine/test/support/object-store.ts';
import { openServiceContext, type ServiceContext } from '../src/context.ts';
import { readServerEnv } from '../src/env.ts';
import { listExecutionArtefacts, readExecutionArtefact } from '../src/services/artefact-files.ts';
import { getExecutionStatus } from '../src/services/executions-service.ts';
import { deleteProjectRecord } from '../src/services/projects-service.ts';
import { readExecutionReport } from '../src/services/report-files.ts';
import { projectFor, SECRET } from './support/harness.ts';

// A worker and a server on two machines: separate processes, separate data folders, one metadata
// store (PostgreSQL) and one object store (s3rver on loopback). The server serves what the worker wrote.

const CHILD = join(import.meta.dirname, 'support/artefact-worker-child.ts');
const root = mkdtempSync(join(tmpdir(), 'databridge-two-'));
let s3: TestObjectStore;
let meta: TestDatabase;
let store: Store;
let server: ServiceContext;
let executionId: string;

const envOf = (dataDir: string) => ({
  DATABRIDGE_DATA_DIR: dataDir,
  DATABASE_URL: meta.url,
  SESSION_SECRET: SECRET,
  SAP_OBJECT_STORE_URL: `${s3.url}/databridge`,
  SAP_OBJECT_STORE_API_KEY: S3RVER_KEY,
});

async function text(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

before(async () => {
  s3 = await startObjectStore();
  meta = await freshPostgres();
  store = await openStore({ databaseUrl: meta.url, dataDir: join(root, 'setup'), sessionSecret: SECRET });
  const source = join(root, 'source.sqlite');
  const db = new Database(source);
  // One row the target's NOT NULL refuses: the run writes a rejects file too.
  db.exec(
    "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO people VALUES (1, 'ada'), (2, NULL);",
  );
  db.close();
  const target = join(root, 'target.sqlite');
  new Database(target).exec('CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL)').close();
  const project = await projectFor(store, `sqlite:${source}`, `sqlite:${target}`, {
    // The extracted rows archived too: the worker streams them straight into the object store.
    pipeline: { errorPolicy: 'skip_and_log', extractArchive: 'csv_gz' },
    mappings: [
      {
        source: 'people',
        target: 'people',
        columns: [
          { source: 'id', target: 'id' },
          { source: 'name', target: 'name' },
        ],
      },
    ],
  });
  executionId = (await createExecution(store, { projectId: project.id })).id;
  const worker = spawn(process.execPath, ['--import', 'tsx', CHILD, executionId], {
    env: { ...process.env, ...envOf(join(root, 'worker')) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise((resolve) => worker.once('exit', resolve));
  assert.equal(code, 0, 'the worker process ran the execution');
  server = await openServiceContext(readServerEnv(envOf(join(root, 'server'))));
});

after(async () => {
  await server?.close();
  await store?.close();
  await meta?.drop();
  await s3?.close();
  rmSync(root, { recursive: true, force: true });
});

test('the server serves the report, log and rejects another process wrote, from the object store', async () => {
  const status = await getExecutionStatus(server, executionId);
  assert.equal(status.status, 'completed', status.error?.message ?? '');
  assert.equal((await getExecution(store, executionId))?.summary?.artefacts?.pending, null);
  assert.equal(
    existsSync(join(root, 'server', 'reports', executionId)),
    false,
    'nothing in the server’s folder',
  );

  const listed = await listExecutionArtefacts(server, executionId);
  assert.equal(listed.store, 'object store');
  const names = listed.artefacts.map((a) => a.name);
  assert.deepEqual(names, [
    'extracts/m1-people/m1-part0001.csv.gz',
    'extracts/manifest.json',
    'rejects/m1-main.people.jsonl.gz',
    'report.html',
    'report.json',
    'run.log',
  ]);
  const local = (name: string) => readFileSync(join(root, 'worker', 'reports', executionId, name));
  for (const a of listed.artefacts) {
    const size = a.name.endsWith('.gz') ? a.size : local(a.name).length;
    assert.equal(a.size, size, `${a.name} size`);
  }

  const report = JSON.parse((await readExecutionReport(server, executionId, 'json')).toString());
  assert.equal(report.runId, executionId);
  assert.equal(report.totals.rowsRejected, 1);
  const log = await readExecutionArtefact(server, executionId, 'run.log');
  assert.deepEqual(await text(log.body), local('run.log'));
  const rejects = await readExecutionArtefact(server, executionId, 'rejects/m1-main.people.jsonl.gz');
  assert.equal(rejects.contentType, 'application/gzip');
  const rows = gunzipSync(await text(rejects.body))
    .toString()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(rows.length, 1);
  assert.match(JSON.stringify(rows[0]), /NOT NULL|null/i);
});

test('the server serves the extract archive the worker streamed, as its manifest describes it', async () => {
  const manifest = JSON.parse(
    (
      await text((await readExecutionArtefact(server, executionId, 'extracts/manifest.json')).body)
    ).toString(),
  );
  const [people] = manifest.mappings;
  assert.equal(people.rows, 2, 'the rejected row was extracted too');
  assert.equal(people.complete, true);
  const part = await readExecutionArtefact(server, executionId, people.parts[0].name);
  assert.equal(part.contentType, 'application/gzip');
  const bytes = await text(part.body);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), people.parts[0].sha256);
  assert.equal(bytes.length, people.parts[0].bytes);
  // NULL is an empty field; the header names the columns.
  assert.equal(gunzipSync(bytes).toString(), 'id,name\r\n1,ada\r\n2,\r\n');
});

test('names and ids that leave the execution are refused, whatever the store holds', async () => {
  await server.artefacts!.put('other-run/secret.txt', 'not yours');
  for (const name of [
    '../other-run/secret.txt',
    '/other-run/secret.txt',
    'rejects/../../other-run/secret.txt',
    'extracts/../../other-run/secret.txt',
    'extracts/m1-people/../../../other-run/secret.txt',
    'extracts/m1-people/%2e%2e/%2e%2e/%2e%2e/other-run/secret.txt',
    '..',
    '.',
    'a//b',
    '%2e%2e/x',
  ]) {
    await assert.rejects(readExecutionArtefact(server, executionId, name), { code: 'bad_input' }, name);
  }
  await assert.rejects(readExecutionArtefact(server, executionId, 'secret.txt'), { code: 'not_found' });
  for (const id of ['../x', 'other-run', `${executionId}/..`]) {
    await assert.rejects(readExecutionArtefact(server, id, 'secret.txt'), { code: 'not_found' }, id);
    await assert.rejects(listExecutionArtefacts(server, id), { code: 'not_found' }, id);
  }
});

test('deleting the project removes its runs’ rejected and archived rows from the object store too', async () => {
  const execution = await getExecution(store, executionId);
  assert.ok((await server.artefacts!.list(`${executionId}/rejects/`)).length > 0);
  assert.ok((await server.artefacts!.list(`${executionId}/extracts/`)).length > 0);
  await deleteProjectRecord(server, execution!.projectId);
  assert.deepEqual(await server.artefacts!.list(`${executionId}/rejects/`), []);
  assert.deepEqual(await server.artefacts!.list(`${executionId}/extracts/`), []);
});
