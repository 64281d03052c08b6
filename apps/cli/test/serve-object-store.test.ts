import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { CHINOOK_SQLITE } from '../../../packages/engine/test/support/chinook.ts';
import { freshPostgres, type TestDatabase } from '../../../packages/engine/test/support/databases.ts';
import {
  freePort,
  S3RVER_KEY,
  startObjectStore,
  type TestObjectStore,
} from '../../../packages/engine/test/support/object-store.ts';
import { startCli } from './cli-helpers.ts';

// `databridge serve` with an object store, over HTTP: the CLI's bundle opens the store and the web
// app's bundle serves from it, each with its own copy of the engine.

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const dataDir = mkdtempSync(join(tmpdir(), 'databridge-serve-s3-'));
let s3: TestObjectStore;
let target: TestDatabase;
let server: ReturnType<typeof startCli>;
let base = '';
let output = '';
let cookie = '';

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, text: await response.text() };
}
// biome-ignore lint/suspicious/noExplicitAny: a JSON reply is checked field by field
const data = (reply: { text: string }): any => JSON.parse(reply.text).data;

before(async () => {
  s3 = await startObjectStore();
  target = await freshPostgres();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = startCli(['serve', '--port', String(port)], {
    DATABRIDGE_DATA_DIR: dataDir,
    REDIS_URL: '',
    DATABASE_URL: '',
    DATABRIDGE_ADMIN_EMAIL: ADMIN.email,
    DATABRIDGE_ADMIN_PASSWORD: ADMIN.password,
    OBJECT_STORE_URL: `${s3.url}/served`,
    OBJECT_STORE_API_KEY: S3RVER_KEY,
  });
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 400_000; // the first start after a change builds the web app
  while (!output.includes('DataBridge is serving')) {
    if (server.exitCode !== null) throw new Error(`serve exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`serve did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  assert.equal(login.status, 200);
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
});

after(async () => {
  if (server?.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  await target?.drop();
  await s3?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('databridge serve: a run’s artefacts listed and served from the object store; the admin page shows its health and usage; a store that stops answering is a 503 saying so', async () => {
  mkdirSync(join(dataDir, 'files'), { recursive: true });
  const sourceFile = join(dataDir, 'files', 'chinook.sqlite');
  copyFileSync(CHINOOK_SQLITE, sourceFile);
  const source = await api('POST', '/api/connections', { name: 'chinook', url: `sqlite:${sourceFile}` });
  const dest = await api('POST', '/api/connections', { name: 'warehouse', url: target.url });
  const project = await api('POST', '/api/projects', {
    name: 'chinook to postgres',
    sourceConnectionId: data(source).id,
    targetConnectionId: data(dest).id,
  });
  assert.equal(project.status, 201, project.text);
  const { executionId } = data(await api('POST', '/api/executions/start', { projectId: data(project).id }));
  const events = await fetch(`${base}/api/executions/${executionId}/events`, { headers: { cookie } });
  assert.match(await events.text(), /"status":"completed"/);

  const listed = data(await api('GET', `/api/executions/${executionId}/artefacts`));
  assert.equal(listed.store, 'object store');
  assert.deepEqual(
    listed.artefacts.map((a: { name: string }) => a.name),
    ['ddl.sql', 'report.html', 'report.json', 'run.log'],
  );
  const log = await api('GET', `/api/executions/${executionId}/artefacts?name=run.log`);
  assert.equal(log.status, 200, log.text);
  assert.equal(Buffer.byteLength(log.text), listed.artefacts[3].size);

  // The admin page's section on the store, as text.
  const storeSection = async () => {
    const text = (await api('GET', '/admin')).text.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ');
    return text.slice(text.indexOf('Artefact store'), text.indexOf('Staging database'));
  };
  assert.match(
    await storeSection(),
    /^Artefact store ?Object store: ?http:\/\/127\.0\.0\.1:\d+\/artefacts\/served ?Answering \(\d+ ms\)\. ?1 execution\(s\), 4 file\(s\), [\d.]+ KiB\./,
  );

  await s3.stop();
  try {
    const down = await api('GET', `/api/executions/${executionId}/artefacts?name=run.log`);
    assert.equal(down.status, 503, down.text);
    assert.equal(
      JSON.parse(down.text).error.message,
      'The object store cannot be read now (it did not answer): try again in a while; an admin finds why on the admin page.',
    );
    assert.match(
      await storeSection(),
      /The object store at http:\/\/127\.0\.0\.1:\d+ did not answer \(could not reach the bucket: ECONNREFUSED\): check OBJECT_STORE_URL and the network/,
    );
  } finally {
    await s3.start();
  }
});
