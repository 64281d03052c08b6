import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getServiceContext, type ServiceContext, setServiceContext } from '@databridge/queue';
import { getProject } from '@databridge/store';
import { readAirflowFile } from '../../../packages/engine/test/support/read-airflow-file.ts';
import * as connectionsRoute from '../app/api/connections/route.ts';
import * as airflowRoute from '../app/api/projects/[id]/airflow/route.ts';
import * as dagRoute from '../app/api/projects/[id]/dag/route.ts';
import * as gridRoute from '../app/api/projects/[id]/grid/route.ts';
import * as projectRoute from '../app/api/projects/[id]/route.ts';
import * as projectsRoute from '../app/api/projects/route.ts';
import {
  type ApiWorld,
  CHINOOK_SQLITE,
  freshPostgres,
  loadChinookPostgres,
  openApiWorld,
  type TestDatabase,
} from './support.ts';

/** The DAG of a Chinook project over the API, its Airflow file, and "Deploy to Airflow". */
describe('DAG and Airflow API', () => {
  let world: ApiWorld;
  let target: TestDatabase;
  let projectId = '';
  let sourceId = '';
  let targetId = '';
  let twinId = '';

  before(async () => {
    world = await openApiWorld('sqlite');
    target = await freshPostgres();
    await loadChinookPostgres(target, { withData: false });
    const connection = async (body: Record<string, unknown>) =>
      (await world.call(connectionsRoute.POST, 'POST', '/api/connections', { body })).body.data.id as string;
    const source = await connection({ name: 'chinook', kind: 'sqlite', file: CHINOOK_SQLITE });
    const dest = await connection({
      name: 'warehouse',
      kind: 'postgres',
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      password: 'Ocelot-Vellum-71#pw',
      database: target.name,
    });
    sourceId = source;
    targetId = dest;
    const project = await world.call(projectsRoute.POST, 'POST', '/api/projects', {
      body: { name: 'Chinook → Entrepôt', sourceConnectionId: source, targetConnectionId: dest },
    });
    assert.equal(project.status, 201, project.text);
    projectId = project.body.data.id;
  });
  after(async () => {
    await world.close();
    await target.drop();
  });

  test('GET /api/projects/[id]/dag: the dag_id, a task per stage and table, stage edges', async () => {
    const reply = await world.call(dagRoute.GET, 'GET', `/api/projects/${projectId}/dag`, { id: projectId });
    assert.equal(reply.status, 200, reply.text);
    const dag = reply.body.data;
    assert.equal(dag.dagId, 'databridge__chinook_entrepot');
    const ids = dag.tasks.map((t: { id: string }) => t.id);
    assert.equal(ids[0], 'extract');
    assert.ok(ids.includes('load_facts.invoice_line'), ids.join(' '));
    assert.ok(ids.includes('load_dimensions.artist'), ids.join(' '));
    assert.equal(ids.filter((id: string) => id.startsWith('load_')).length, 11 + 2);
    const line = dag.tasks.find((t: { id: string }) => t.id === 'load_facts.invoice_line');
    assert.equal(line.mappingId.startsWith('m'), true);
    assert.match(line.description, /main\.InvoiceLine → public\.invoice_line: about 2,240 rows, append/);
    assert.deepEqual(line.upstream, ['load_dimensions']);
  });

  test('GET /api/projects/[id]/airflow downloads the file; POST deploys it into AIRFLOW_DAGS_FOLDER', async () => {
    const download = await world.call(airflowRoute.GET, 'GET', `/api/projects/${projectId}/airflow`, {
      id: projectId,
    });
    assert.equal(download.status, 200, download.text);
    const dir = mkdtempSync(join(tmpdir(), 'databridge-dags-'));
    const downloaded = join(dir, 'downloaded.py');
    writeFileSync(downloaded, download.text);
    execFileSync('python3', ['-m', 'py_compile', downloaded]);
    assert.equal(readAirflowFile(downloaded).constants.DAG_ID, 'databridge__chinook_entrepot');
    assert.doesNotMatch(download.text, /Ocelot-Vellum/);
    assert.equal(
      (await getProject(world.store, projectId))?.spec.schedule,
      undefined,
      'a download changes nothing',
    );

    const context = await getServiceContext();
    const folder = join(dir, 'dags');
    setServiceContext({ ...context, env: { ...context.env, airflowDagsFolder: folder } } as ServiceContext);
    try {
      const deployed = await world.call(airflowRoute.POST, 'POST', `/api/projects/${projectId}/airflow`, {
        id: projectId,
      });
      assert.equal(deployed.status, 200, deployed.text);
      assert.equal(deployed.body.data.path, join(folder, 'databridge__chinook_entrepot.py'));
      assert.equal(readFileSync(deployed.body.data.path, 'utf8'), download.text);
      assert.equal((await getProject(world.store, projectId))?.spec.schedule?.owner, 'airflow');
    } finally {
      setServiceContext(context);
    }
  });

  test('POST /api/projects/[id]/airflow refuses a project whose DAG id is another project’s: its file would replace theirs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'databridge-dags-'));
    const context = await getServiceContext();
    setServiceContext({ ...context, env: { ...context.env, airflowDagsFolder: dir } } as ServiceContext);
    try {
      const first = await world.call(airflowRoute.POST, 'POST', `/api/projects/${projectId}/airflow`, {
        id: projectId,
      });
      assert.equal(first.status, 200, first.text);
      const ours = readFileSync(first.body.data.path, 'utf8');
      // Another name, the same slug: `chinook_entrepot`.
      const twin = await world.call(projectsRoute.POST, 'POST', '/api/projects', {
        body: { name: 'Chinook: entrepot!', sourceConnectionId: sourceId, targetConnectionId: targetId },
      });
      assert.equal(twin.status, 201, twin.text);
      twinId = twin.body.data.id as string;
      const refused = await world.call(airflowRoute.POST, 'POST', `/api/projects/${twinId}/airflow`, {
        id: twinId,
      });
      assert.equal(refused.status, 409, refused.text);
      assert.match(
        refused.body.error.message,
        /DAG id databridge__chinook_entrepot is already project “Chinook → Entrepôt”’s.*rename/i,
      );
      assert.equal(readFileSync(first.body.data.path, 'utf8'), ours, 'the first project’s file is untouched');
      assert.equal((await getProject(world.store, twinId))?.spec.schedule?.owner, undefined);
    } finally {
      setServiceContext(context);
    }
  });

  test('POST /api/projects/[id]/airflow does not replace the file a project deployed before it was renamed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'databridge-dags-'));
    const context = await getServiceContext();
    setServiceContext({ ...context, env: { ...context.env, airflowDagsFolder: dir } } as ServiceContext);
    const rename = async (id: string, name: string) => {
      const reply = await world.call(projectRoute.PATCH, 'PATCH', `/api/projects/${id}`, {
        id,
        body: { name },
      });
      assert.equal(reply.status, 200, reply.text);
    };
    try {
      await rename(twinId, 'Twin elsewhere');
      const first = await world.call(airflowRoute.POST, 'POST', `/api/projects/${projectId}/airflow`, {
        id: projectId,
      });
      assert.equal(first.status, 200, first.text);
      const ours = readFileSync(first.body.data.path, 'utf8');
      // Renamed: the file Airflow runs still starts it; the twin's name is now the only one giving that dag_id.
      await rename(projectId, 'Chinook renamed');
      await rename(twinId, 'Chinook: entrepot!');
      const refused = await world.call(airflowRoute.POST, 'POST', `/api/projects/${twinId}/airflow`, {
        id: twinId,
      });
      assert.equal(refused.status, 409, refused.text);
      assert.equal(
        refused.body.error.message,
        'AIRFLOW_DAGS_FOLDER already holds databridge__chinook_entrepot.py, the DAG file of project “Chinook renamed” (deployed under an earlier name): deploying this project would replace it. Remove that file (and deploy “Chinook renamed” again under its new name), or rename this project.',
      );
      assert.equal(
        readFileSync(first.body.data.path, 'utf8'),
        ours,
        'the renamed project’s file is untouched',
      );
    } finally {
      setServiceContext(context);
    }
  });

  test('GET /api/projects/[id]/grid with a limit that is not a number says so, not that it is missing', async () => {
    for (const limit of ['abc', '2.5', '']) {
      const reply = await world.call(gridRoute.GET, 'GET', `/api/projects/${projectId}/grid?limit=${limit}`, {
        id: projectId,
      });
      assert.equal(reply.status, 400, reply.text);
      assert.equal(reply.body.error.message, 'Limit must be a whole number from 1 to 50.', limit);
    }
  });
});
