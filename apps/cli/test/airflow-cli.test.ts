import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CHINOOK_SQLITE } from '../../../packages/engine/test/support/chinook.ts';
import { freshPostgres, type TestDatabase } from '../../../packages/engine/test/support/databases.ts';
import { compilePython, readAirflowFile } from '../../../packages/engine/test/support/read-airflow-file.ts';
import { cli, REPO, startCli } from './cli-helpers.ts';

/**
 * `databridge plan --dag` and `databridge airflow export`, then the exported file's own HTTP
 * functions run by python3 (no Airflow here) against a live `databridge serve`: they start an
 * execution for a logical date, wait for each stage, and fail with DataBridge's message on a failed run.
 */
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'databridge-airflow-cli-'));
const demoEnv = {
  DATABRIDGE_DEMO_SOURCE: CHINOOK_SQLITE,
  DATABRIDGE_DEMO_TARGET: join(dir, 'demo-target.sqlite'),
};
const SPEC = join(REPO, 'examples/demo-chinook-sqlite.yaml');

describe('databridge plan --dag and airflow export of a spec', () => {
  it('plan --dag --json gives the model; airflow export writes a file whose ast matches it', async () => {
    const planned = await cli(['plan', SPEC, '--dag', '--json'], demoEnv);
    assert.equal(planned.code, 0, planned.stderr);
    const dag = JSON.parse(planned.stdout);
    assert.equal(dag.dagId, 'databridge__chinook_demo');
    assert.ok(
      dag.tasks.some((t: { id: string }) => t.id === 'load_facts.invoice_line'),
      planned.stdout,
    );
    const text = await cli(['plan', SPEC, '--dag'], demoEnv);
    assert.match(text.stdout, /^load_facts\.invoice_line {2}<- load_dimensions$/m);

    const out = join(dir, 'dag.py');
    const exported = await cli(['airflow', 'export', SPEC, '-o', out, '--project-id', 'p1'], demoEnv);
    assert.equal(exported.code, 0, exported.stderr);
    compilePython(out);
    const c = readAirflowFile(out).constants;
    assert.equal(c.DAG_ID, dag.dagId);
    assert.equal(c.DATABRIDGE_PROJECT_ID, 'p1');
    const stages = dag.tasks
      .filter((t: { kind: string }) => t.kind === 'stage')
      .map((t: { id: string }) => t.id);
    assert.deepEqual(c.STAGE_TASK_IDS, stages);
  });
});

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Runs the exported file's functions in python3; prints what happened as JSON, or exits 1 with Python's error. */
const DRIVER = `
import json, runpy, sys
m = runpy.run_path(sys.argv[1])
base, key, logical_date = sys.argv[2], sys.argv[3], sys.argv[4]
execution_id = m["start_execution"](base, key, m["DATABRIDGE_PROJECT_ID"], logical_date)
done = []
for stage in m["STAGE_TASK_IDS"]:
    m["wait_for_stage"](base, key, execution_id, stage, poke_seconds=0.5, timeout_seconds=240)
    done.append(stage)
print(json.dumps({"executionId": execution_id, "stages": done}))
`;

describe('the exported functions against a live databridge serve', () => {
  const dataDir = join(dir, 'data');
  let target: TestDatabase;
  let server: ReturnType<typeof startCli>;
  let output = '';
  let base = '';
  let cookie = '';
  const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
  const serverEnv = { DATABRIDGE_DATA_DIR: dataDir, REDIS_URL: '' };

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: a JSON reply is checked field by field
    return { status: response.status, body: (await response.json()) as any };
  };

  before(async () => {
    target = await freshPostgres();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = startCli(['serve', '--port', String(port)], {
      ...serverEnv,
      DATABRIDGE_ADMIN_EMAIL: ADMIN.email,
      DATABRIDGE_ADMIN_PASSWORD: ADMIN.password,
    });
    server.stdout!.on('data', (d) => (output += d));
    server.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 280_000; // the first start after a change builds the web app
    while (!output.includes('DataBridge is serving')) {
      if (server.exitCode !== null) throw new Error(`serve exited: ${output}`);
      if (Date.now() > deadline) throw new Error(`serve did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    mkdirSync(join(dataDir, 'files'), { recursive: true });
  });

  after(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await target.drop();
  });

  async function project(name: string, sourceFile: string, into = target): Promise<string> {
    const source = await api('POST', '/api/connections', {
      name: `${name} source`,
      url: `sqlite:${sourceFile}`,
    });
    assert.equal(source.status, 201, JSON.stringify(source.body));
    const dest = await api('POST', '/api/connections', { name: `${name} target`, url: into.url });
    const created = await api('POST', '/api/projects', {
      name,
      sourceConnectionId: source.body.data.id,
      targetConnectionId: dest.body.data.id,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.data.id;
  }

  /** The project's DAG file, exported by the CLI from the server's store, and an operator's API key. */
  async function exportFor(projectName: string) {
    const file = join(dir, `${projectName.replace(/\W/g, '_')}.py`);
    const exported = await cli(['airflow', 'export', projectName, '-o', file], serverEnv);
    assert.equal(exported.code, 0, exported.stderr);
    const key = await api('POST', '/api/api-keys', { name: `airflow ${projectName}`, role: 'operator' });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    return { file, key: key.body.data.key as string };
  }

  const drive = ({ file, key }: { file: string; key: string }) =>
    run('python3', ['-c', DRIVER, file, base, key, '2024-05-01T00:00:00+00:00'], { cwd: dir });

  it('start_execution and wait_for_stage see a run through every stage', async () => {
    const sourceFile = join(dataDir, 'files', 'chinook.sqlite');
    copyFileSync(CHINOOK_SQLITE, sourceFile);
    const id = await project('chinook nightly', sourceFile);
    const { stdout } = await drive(await exportFor('chinook nightly'));
    const result = JSON.parse(stdout);
    assert.deepEqual(result.stages, [
      'extract',
      'transform',
      'load_dimensions',
      'load_facts',
      'validate',
      'report',
    ]);
    const status = await api('GET', `/api/executions/${result.executionId}/status`);
    assert.equal(status.body.data.status, 'completed');
    assert.equal(status.body.data.projectId, id);
    assert.equal(status.body.data.recordsProcessed, 15_607);
  });

  it('a failed DataBridge run fails the waiting function with DataBridge’s message', async () => {
    const sourceFile = join(dataDir, 'files', 'chinook-again.sqlite');
    copyFileSync(CHINOOK_SQLITE, sourceFile);
    const vanishing = await freshPostgres();
    await project('vanishing target', sourceFile, vanishing);
    const exported = await exportFor('vanishing target');
    // The target database goes away after the export: the run cannot connect and fails.
    await vanishing.drop();
    const failed = await drive(exported).then(
      (ok) => assert.fail(`the python driver should have failed: ${ok.stdout}`),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /DataBridgeRunFailed: DataBridge execution \S+ failed: .*does not exist/);
  });
});
