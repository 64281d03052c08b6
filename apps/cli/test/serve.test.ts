import assert from 'node:assert/strict';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { CHINOOK_SQLITE } from '../../../packages/engine/test/support/chinook.ts';
import { freshPostgres, type TestDatabase } from '../../../packages/engine/test/support/databases.ts';
import { startCli } from './cli-helpers.ts';

/** A port the system hands out as free (a random pick can land on one fetch refuses, e.g. 5060). */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const PORT = await freePort();
const BASE = `http://127.0.0.1:${PORT}`;
const dataDir = mkdtempSync(join(tmpdir(), 'databridge-serve-'));
let target: TestDatabase;
let server: ReturnType<typeof startCli>;
let output = '';
let cookie = '';
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a JSON reply is checked field by field
  return { status: response.status, body: (await response.json()) as { success: boolean; data: any } };
}

before(async () => {
  target = await freshPostgres();
  server = startCli(['serve', '--port', String(PORT)], {
    DATABRIDGE_DATA_DIR: dataDir,
    REDIS_URL: '',
    DATABRIDGE_ADMIN_EMAIL: ADMIN.email,
    DATABRIDGE_ADMIN_PASSWORD: ADMIN.password,
  });
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 240_000; // the first start after a change builds the web app
  while (!output.includes('DataBridge is serving')) {
    if (server.exitCode !== null) throw new Error(`serve exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`serve did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

after(async () => {
  if (server.exitCode === null) server.kill('SIGKILL');
  await target.drop();
});

it('databridge serve: sign in, then the API over HTTP runs a project with the in-process executor; SIGTERM stops it cleanly', async () => {
  const anonymous = await api('GET', '/api/projects');
  assert.equal(anonymous.status, 401);
  const page = await fetch(`${BASE}/projects`, { redirect: 'manual' });
  assert.equal(page.status, 307);
  assert.match(page.headers.get('location') ?? '', /\/login$/);
  assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  const login = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  assert.equal(login.status, 200);
  const setCookie = login.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  cookie = setCookie.split(';')[0]!;
  // The server opens SQLite files only in its SQLite folder, by default <data folder>/files.
  mkdirSync(join(dataDir, 'files'));
  const sourceFile = join(dataDir, 'files', 'chinook.sqlite');
  copyFileSync(CHINOOK_SQLITE, sourceFile);
  const source = await api('POST', '/api/connections', { name: 'chinook', url: `sqlite:${sourceFile}` });
  assert.equal(source.status, 201, JSON.stringify(source.body));
  const dest = await api('POST', '/api/connections', { name: 'warehouse', url: target.url });
  assert.equal(dest.status, 201, JSON.stringify(dest.body));
  const project = await api('POST', '/api/projects', {
    name: 'chinook to postgres',
    sourceConnectionId: source.body.data.id,
    targetConnectionId: dest.body.data.id,
  });
  assert.equal(project.status, 201, JSON.stringify(project.body));
  const started = await api('POST', '/api/executions/start', { projectId: project.body.data.id });
  assert.equal(started.status, 201);
  const id = started.body.data.executionId;

  const events = await fetch(`${BASE}/api/executions/${id}/events`, { headers: { cookie } });
  assert.match(events.headers.get('content-type') ?? '', /text\/event-stream/);
  const text = await events.text();
  assert.match(text, /event: end\ndata: \{"executionId":"[^"]+","status":"completed"\}/);

  const status = await api('GET', `/api/executions/${id}/status`);
  assert.equal(status.body.data.status, 'completed');
  assert.equal(status.body.data.recordsProcessed, 15_607);
  const report = await fetch(`${BASE}/api/executions/${id}/report`, { headers: { cookie } });
  assert.equal(report.status, 200);

  server.kill('SIGTERM');
  const code = await new Promise((resolve) => server.once('exit', resolve));
  assert.equal(code, 0, output);
});
