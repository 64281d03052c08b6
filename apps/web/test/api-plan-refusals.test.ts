import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as connectionsRoute from '../app/api/connections/route.ts';
import * as previewRoute from '../app/api/projects/[id]/preview/route.ts';
import * as projectRoute from '../app/api/projects/[id]/route.ts';
import * as projectsRoute from '../app/api/projects/route.ts';
import {
  type ApiWorld,
  freshPostgres,
  loadChinookPostgres,
  openApiWorld,
  type TestDatabase,
} from './support.ts';

// What the wizard's Start button waits on: the plan's refusals arrive from the preview as 400 with
// a message a person can act on (the button stays off and shows it); a warning does not block.
describe('the plan refuses in the preview what would fail the run', () => {
  let world: ApiWorld;
  let chinook: TestDatabase;
  let connectionId = '';
  const preview = (id: string) =>
    world.call(previewRoute.GET, 'GET', `/api/projects/${id}/preview?rows=1`, { id });

  before(async () => {
    world = await openApiWorld('sqlite');
    chinook = await freshPostgres();
    await loadChinookPostgres(chinook, { withData: false });
    const reply = await world.call(connectionsRoute.POST, 'POST', '/api/connections', {
      body: {
        name: 'chinook',
        kind: 'postgres',
        host: '127.0.0.1',
        port: 5432,
        user: 'postgres',
        password: 'Ocelot-Vellum-71#pw',
        database: chinook.name,
      },
    });
    assert.equal(reply.status, 201, reply.text);
    connectionId = reply.body.data.id;
  });
  after(async () => {
    await world.close();
    await chinook.drop();
  });

  test('a project from a database to itself: its tables mapped onto themselves are refused, saying why', async () => {
    const created = await world.call(projectsRoute.POST, 'POST', '/api/projects', {
      body: { name: 'onto itself', sourceConnectionId: connectionId, targetConnectionId: connectionId },
    });
    assert.equal(created.status, 201, created.text);
    const reply = await preview(created.body.data.id);
    assert.equal(reply.status, 400, reply.text);
    assert.match(reply.body.error.message, /both the source and the target/);
    assert.match(reply.body.error.message, /lock/);

    // Into other tables of the same database: allowed, with a warning that they share it.
    const project = created.body.data;
    const mapping = project.spec.mappings.find((m: { source: string }) => m.source === 'artist');
    const patched = await world.call(projectRoute.PATCH, 'PATCH', `/api/projects/${project.id}`, {
      id: project.id,
      body: {
        spec: {
          ...project.spec,
          pipeline: { ...project.spec.pipeline, createTables: true },
          mappings: [{ ...mapping, target: 'artist_copy' }],
        },
      },
    });
    assert.equal(patched.status, 200, patched.text);
    const shared = await preview(project.id);
    assert.equal(shared.status, 200, shared.text);
    assert.ok(
      shared.body.data.warnings.some((w: { message: string }) => /same database/.test(w.message)),
      JSON.stringify(shared.body.data.warnings),
    );

    // An unknown SQL function: refused before a run could fail on it in 0.2 s.
    const [first, ...rest] = mapping.columns;
    const broken = await world.call(projectRoute.PATCH, 'PATCH', `/api/projects/${project.id}`, {
      id: project.id,
      body: {
        spec: {
          ...project.spec,
          pipeline: { ...project.spec.pipeline, createTables: true },
          mappings: [
            {
              ...mapping,
              target: 'artist_copy',
              columns: [
                first,
                ...rest.map((c: { target: string }) => ({
                  target: c.target,
                  expression: 'no_such_function(1)',
                })),
              ],
            },
          ],
        },
      },
    });
    assert.equal(broken.status, 200, broken.text);
    const refused = await preview(project.id);
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.body.error.message, /no_such_function/);
  });
});
