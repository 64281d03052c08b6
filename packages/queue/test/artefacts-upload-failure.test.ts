import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PENDING_MARKER, readObjectStoreConfig, S3ArtefactStore } from '@databridge/engine';
import { createExecution, openStore, type Store } from '@databridge/store';
import Database from 'better-sqlite3';
import {
  S3RVER_KEY,
  startObjectStore,
  type TestObjectStore,
} from '../../engine/test/support/object-store.ts';
import { InProcessExecutor } from '../src/executor/in-process-executor.ts';
import { pruneExpiredArtefacts, uploadLeftArtefacts } from '../src/run/artefact-upkeep.ts';
import { getArtefactStoreHealth, listExecutionArtefacts } from '../src/services/artefact-files.ts';
import { getExecutionLogs, getExecutionStatus, startExecution } from '../src/services/executions-service.ts';
import { readExecutionReport } from '../src/services/report-files.ts';
import { projectFor, SECRET } from './support/harness.ts';

// The object store is down when a run ends: the run still ends, its status and log say why its
// artefacts are not stored (where the local copy is, only on the server); once the store is back, the upkeep the
// scheduler's tick runs uploads them and the status stops saying so.

const root = mkdtempSync(join(tmpdir(), 'databridge-upload-failure-'));
let s3: TestObjectStore;
let store: Store;
let artefacts: S3ArtefactStore;
let projectId: string;
const reportsDir = join(root, 'data', 'reports');

before(async () => {
  s3 = await startObjectStore();
  store = await openStore({ dataDir: join(root, 'data'), sessionSecret: SECRET });
  artefacts = new S3ArtefactStore(
    readObjectStoreConfig({ SAP_OBJECT_STORE_URL: s3.url, SAP_OBJECT_STORE_API_KEY: S3RVER_KEY })!,
  );
  const source = join(root, 'source.sqlite');
  new Database(source)
    .exec("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO people VALUES (1, 'ada');")
    .close();
  const project = await projectFor(store, `sqlite:${source}`, `sqlite:${join(root, 'target.sqlite')}`, {
    pipeline: { createTables: true },
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
  projectId = project.id;
});

after(async () => {
  await store.close();
  await s3.close();
  rmSync(root, { recursive: true, force: true });
});

test('a run whose artefacts cannot be stored says why in its status and log, keeps them, and they go up later', async () => {
  await s3.stop();
  const executor = new InProcessExecutor({
    store,
    reportsDir,
    artefacts,
    artefactRetry: { attempts: 2, firstDelayMs: 20 },
  });
  let executionId: string;
  try {
    ({ executionId } = await startExecution({ store, executor, reportsDir } as never, { projectId }));
    await executor.settled(executionId);
  } finally {
    await executor.close();
    await s3.start();
  }
  const status = await getExecutionStatus({ store }, executionId);
  assert.equal(status.status, 'completed', 'the data moved: the run is not failed for its artefacts');
  assert.match(
    status.artefactsPending ?? '',
    /could not be stored in the object store \(it did not answer\); the server keeps its local copy and uploads it again later/,
  );
  // Every role reads the status, the log and the 404: none names the server's folder or the bucket.
  assert.ok(!status.artefactsPending?.includes(reportsDir), status.artefactsPending ?? '');
  assert.ok(!status.artefactsPending?.includes(s3.url), status.artefactsPending ?? '');
  assert.match(readFileSync(join(reportsDir, executionId, PENDING_MARKER), 'utf8'), /did not answer/);
  const logs = await getExecutionLogs({ store } as never, executionId, { limit: '500' });
  const messages = logs.entries.map((e: { message: string }) => e.message);
  assert.ok(
    messages.some((m: string) => /storing .* failed \(try 1\); trying again/.test(m)),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m: string) => m === status.artefactsPending),
    'the log says the same',
  );
  for (const m of messages) assert.ok(!m.includes(reportsDir) && !m.includes(s3.url), m);
  assert.ok(existsSync(join(reportsDir, executionId, 'report.json')), 'the local copy is kept');
  // Asked for meanwhile, the report is not "missing": the reason comes with the 404.
  await assert.rejects(readExecutionReport({ store, reportsDir, artefacts }, executionId, 'html'), {
    code: 'not_found',
    message: /no report yet in the store: the artefacts could not be stored/,
  });

  assert.deepEqual(await uploadLeftArtefacts({ store, artefacts, reportsDir }), [executionId]);
  assert.equal((await getExecutionStatus({ store }, executionId)).artefactsPending, null);
  const listed = await listExecutionArtefacts({ store, reportsDir, artefacts }, executionId);
  assert.deepEqual(
    listed.artefacts.map((a) => a.name),
    ['ddl.sql', 'report.html', 'report.json', 'run.log'],
  );
  const report = (
    await readExecutionReport({ store, reportsDir, artefacts }, executionId, 'json')
  ).toString();
  assert.match(report, /"status": "completed"/);
  // Any role downloads report.json: it names its files in the run's folder, not the server's paths.
  assert.ok(!report.includes(reportsDir), report);
  const parsed = JSON.parse(report);
  assert.deepEqual(parsed.report, { json: 'report.json', html: 'report.html' });
  assert.equal(parsed.log, 'run.log');
});

test('retention on the tick: executions older than the configured days go, at most once an hour', async () => {
  // Executions the metadata store no longer knows (their ids as DataBridge makes them).
  const oldRun = '01a00000-0000-7000-8000-000000000001';
  await artefacts.put(`${oldRun}/report.json`, '{}');
  // An execution that has not ended (paused, say) keeps its log and rejects, however old.
  const unfinished = await createExecution(store, { projectId });
  await artefacts.put(`${unfinished.id}/run.log`, '{}\n');
  const env = { artefactRetentionDays: 1 };
  const inTwoDays = new Date(Date.now() + 2 * 86_400_000);
  const removed = await pruneExpiredArtefacts({ store, artefacts, env }, inTwoDays);
  assert.ok(removed.some((e) => e.executionId === oldRun));
  assert.deepEqual(await artefacts.list(`${oldRun}/`), []);
  assert.equal(
    (await artefacts.list(`${unfinished.id}/`)).length,
    1,
    'the unfinished execution keeps its files',
  );
  const anotherRun = '01a00000-0000-7000-8000-000000000002';
  await artefacts.put(`${anotherRun}/report.json`, '{}');
  assert.deepEqual(
    await pruneExpiredArtefacts({ store, artefacts, env }, inTwoDays),
    [],
    'not again within the hour',
  );
  assert.equal((await artefacts.list(`${anotherRun}/`)).length, 1);
  assert.deepEqual(
    await pruneExpiredArtefacts({ store, artefacts, env: {} }, inTwoDays),
    [],
    'unset: kept for ever',
  );
});

test('the admin page’s health of the store: answering with its usage, or the sentence saying what is wrong', async () => {
  await artefacts.put('01a00000-0000-7000-8000-000000000003/report.json', '12345');
  const ok = await getArtefactStoreHealth({
    store,
    reportsDir,
    artefacts,
    env: { artefactRetentionDays: 30 },
  });
  assert.equal(ok.problem, null);
  assert.equal(ok.kind, 'object_store');
  assert.equal(ok.retentionDays, 30);
  assert.ok(ok.usage && ok.usage.executions >= 1 && ok.usage.bytes >= 5, JSON.stringify(ok.usage));
  await s3.stop();
  try {
    const down = await getArtefactStoreHealth({ store, reportsDir, artefacts });
    assert.match(down.problem ?? '', /did not answer .*check SAP_OBJECT_STORE_URL/);
    assert.equal(down.usage, null);
  } finally {
    await s3.start();
  }
  const local = await getArtefactStoreHealth({ store, reportsDir });
  assert.equal(local.kind, 'local');
  assert.equal(local.problem, null);
});
