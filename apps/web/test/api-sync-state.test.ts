import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createExecution, storeRunState } from '@databridge/store';
import * as connectionsRoute from '../app/api/connections/route.ts';
import * as syncStateRoute from '../app/api/projects/[id]/sync-state/route.ts';
import * as projectsRoute from '../app/api/projects/route.ts';
import { type ApiWorld, CHINOOK_SQLITE, openApiWorld, STORE_KINDS } from './support.ts';

const UNKNOWN = '0190f0f0-0000-7000-8000-000000000000';

for (const kind of STORE_KINDS) {
  describe(`sync state API on a ${kind} store`, () => {
    let world: ApiWorld;
    let projectId = '';

    before(async () => {
      world = await openApiWorld(kind);
      const made = await world.call(connectionsRoute.POST, 'POST', '/api/connections', {
        body: { name: 'chinook', kind: 'sqlite', file: CHINOOK_SQLITE },
      });
      assert.equal(made.status, 201, made.text);
      const id = made.body.data.id;
      const project = await world.call(projectsRoute.POST, 'POST', '/api/projects', {
        body: { name: 'Sync', sourceConnectionId: id, targetConnectionId: id },
      });
      assert.equal(project.status, 201, project.text);
      projectId = project.body.data.id;
    });
    after(async () => {
      await world.close();
    });

    test('GET lists the saved cursors; POST resets one mapping, then all; an unknown project is 404', async () => {
      const execution = await createExecution(world.store, { projectId });
      await storeRunState(world.store).saveCursors(execution.id, 'Sync', {
        'main.Invoice -> main.invoice': '2026-01-02 00:00:00',
        'main.Track -> main.track': 3503,
      });
      const listed = await world.call(syncStateRoute.GET, 'GET', `/api/projects/${projectId}/sync-state`, {
        id: projectId,
      });
      assert.equal(listed.status, 200, listed.text);
      assert.deepEqual(
        listed.body.data.map((c: { mappingKey: string; value: unknown; runId: string }) => [
          c.mappingKey,
          c.value,
          c.runId,
        ]),
        [
          ['main.Invoice -> main.invoice', '2026-01-02 00:00:00', execution.id],
          ['main.Track -> main.track', 3503, execution.id],
        ],
      );
      const one = await world.call(syncStateRoute.POST, 'POST', `/api/projects/${projectId}/sync-state`, {
        id: projectId,
        body: { mappingKey: 'main.Track -> main.track' },
      });
      assert.equal(one.status, 200, one.text);
      assert.deepEqual(one.body.data.forgotten, ['main.Track -> main.track']);
      const all = await world.call(syncStateRoute.POST, 'POST', `/api/projects/${projectId}/sync-state`, {
        id: projectId,
        body: {},
      });
      assert.deepEqual(all.body.data.forgotten, ['main.Invoice -> main.invoice']);
      const none = await world.call(syncStateRoute.GET, 'GET', `/api/projects/${projectId}/sync-state`, {
        id: projectId,
      });
      assert.deepEqual(none.body.data, []);
      const missing = await world.call(syncStateRoute.POST, 'POST', `/api/projects/${UNKNOWN}/sync-state`, {
        id: UNKNOWN,
        body: {},
      });
      assert.equal(missing.status, 404, missing.text);
      const bad = await world.call(syncStateRoute.POST, 'POST', `/api/projects/${projectId}/sync-state`, {
        id: projectId,
        body: { mappingKey: 7 },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, 'mappingKey');
    });
  });
}
