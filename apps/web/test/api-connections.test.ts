import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createProject, revealConnectionUrl } from '@databridge/store';
import * as connectionRoute from '../app/api/connections/[id]/route.ts';
import * as schemaRoute from '../app/api/connections/[id]/schema/route.ts';
import * as testRoute from '../app/api/connections/[id]/test/route.ts';
import * as connectionsRoute from '../app/api/connections/route.ts';
import * as draftTestRoute from '../app/api/connections/test/route.ts';
import * as healthRoute from '../app/api/health/route.ts';
import {
  type ApiWorld,
  CHINOOK_SQLITE,
  freshPostgres,
  openApiWorld,
  STORE_KINDS,
  type TestDatabase,
} from './support.ts';

// Distinctive enough that finding it in any response body can only mean a leak.
const PASSWORD = 'Zebra-Quartz-93!pw/@:secret';

for (const kind of STORE_KINDS) {
  describe(`connections API on a ${kind} store`, () => {
    let world: ApiWorld;
    let target: TestDatabase;
    let pgId: string;
    let sqliteId: string;

    before(async () => {
      world = await openApiWorld(kind);
      target = await freshPostgres();
    });
    after(async () => {
      await world.close();
      await target.drop();
    });

    test('health answers with the store it uses', async () => {
      const reply = await world.call(healthRoute.GET, 'GET', '/api/health');
      assert.equal(reply.status, 200);
      assert.deepEqual(
        { success: reply.body.success, status: reply.body.data.status, store: reply.body.data.store },
        { success: true, status: 'ok', store: kind },
      );
    });

    test('creates a PostgreSQL connection from its parts, password masked in the answer', async () => {
      const reply = await world.call(connectionsRoute.POST, 'POST', '/api/connections', {
        body: {
          name: 'warehouse',
          kind: 'postgres',
          host: '127.0.0.1',
          port: 5432,
          user: 'postgres',
          password: PASSWORD,
          database: target.name,
        },
      });
      assert.equal(reply.status, 201, reply.text);
      assert.equal(reply.body.success, true);
      const data = reply.body.data;
      pgId = data.id;
      assert.equal(data.url, `postgres://postgres:***@127.0.0.1:5432/${target.name}`);
      assert.deepEqual(
        [data.kind, data.host, data.port, data.user, data.database, data.hasPassword],
        ['postgres', '127.0.0.1', 5432, 'postgres', target.name, true],
      );
      // The sealed URL holds the password exactly as typed.
      const stored = await revealConnectionUrl(world.store, pgId);
      assert.equal(new URL(stored).password, encodeURIComponent(PASSWORD));
    });

    test('creates an SQLite connection to the Chinook file', async () => {
      const reply = await world.call(connectionsRoute.POST, 'POST', '/api/connections', {
        body: { name: 'chinook', kind: 'sqlite', file: CHINOOK_SQLITE },
      });
      assert.equal(reply.status, 201, reply.text);
      sqliteId = reply.body.data.id;
      assert.deepEqual([reply.body.data.kind, reply.body.data.file], ['sqlite', CHINOOK_SQLITE]);
    });

    test('lists and reads connections', async () => {
      const list = await world.call(connectionsRoute.GET, 'GET', '/api/connections');
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.data.map((c: { name: string }) => c.name),
        ['chinook', 'warehouse'],
      );
      const one = await world.call(connectionRoute.GET, 'GET', `/api/connections/${pgId}`, { id: pgId });
      assert.equal(one.status, 200);
      assert.equal(one.body.data.name, 'warehouse');
    });

    test('bad input is a 400 naming the field', async () => {
      const cases: [unknown, string][] = [
        [{ kind: 'postgres', host: 'h', database: 'd' }, 'name'],
        [{ name: 'x', kind: 'postgres', database: 'd' }, 'host'],
        [{ name: 'x', kind: 'postgres', host: 'h' }, 'database'],
        [{ name: 'x', kind: 'postgres', host: 'h', database: 'd', port: 70000 }, 'port'],
        [{ name: 'x', kind: 'oracle', host: 'h', database: 'd' }, 'kind'],
        [{ name: 'x', kind: 'sqlite' }, 'file'],
        [{ name: 'x' }, 'kind'],
        [{ name: 'x', url: 'oracle://h/d' }, 'url'],
        [{ name: 'x', url: 'sqlite:/tmp/x.db', colour: 'red' }, 'colour'],
      ];
      for (const [body, field] of cases) {
        const reply = await world.call(connectionsRoute.POST, 'POST', '/api/connections', { body });
        assert.equal(reply.status, 400, `${JSON.stringify(body)}: ${reply.text}`);
        assert.equal(reply.body.success, false);
        assert.equal(reply.body.error.code, 'bad_input');
        assert.equal(reply.body.error.field, field, reply.body.error.message);
        assert.match(reply.body.error.message, new RegExp(`\\b${field}\\b`, 'i'), reply.body.error.message);
      }
      const notJson = await world.call(connectionsRoute.POST, 'POST', '/api/connections', {
        rawBody: '{name:',
      });
      assert.equal(notJson.status, 400);
      assert.match(notJson.body.error.message, /^body: /);
    });

    test('a taken name is a 409', async () => {
      const reply = await world.call(connectionsRoute.POST, 'POST', '/api/connections', {
        body: { name: 'warehouse', url: 'sqlite:/tmp/elsewhere.db' },
      });
      assert.equal(reply.status, 409, reply.text);
      assert.equal(reply.body.error.code, 'conflict');
      const rename = await world.call(connectionRoute.PATCH, 'PATCH', `/api/connections/${sqliteId}`, {
        id: sqliteId,
        body: { name: 'warehouse' },
      });
      assert.equal(rename.status, 409, rename.text);
    });

    test('an unknown id is a 404 on every route', async () => {
      const id = '0190f0f0-0000-7000-8000-000000000000';
      const replies = [
        await world.call(connectionRoute.GET, 'GET', `/api/connections/${id}`, { id }),
        await world.call(connectionRoute.PATCH, 'PATCH', `/api/connections/${id}`, {
          id,
          body: { name: 'y' },
        }),
        await world.call(connectionRoute.DELETE, 'DELETE', `/api/connections/${id}`, { id }),
        await world.call(testRoute.POST, 'POST', `/api/connections/${id}/test`, { id }),
        await world.call(schemaRoute.GET, 'GET', `/api/connections/${id}/schema`, { id }),
      ];
      for (const reply of replies) {
        assert.equal(reply.status, 404, reply.text);
        assert.equal(reply.body.error.code, 'not_found');
      }
    });

    test('tests the SQLite and the PostgreSQL connection', async () => {
      for (const id of [sqliteId, pgId]) {
        const reply = await world.call(testRoute.POST, 'POST', `/api/connections/${id}/test`, { id });
        assert.equal(reply.status, 200, reply.text);
        assert.equal(reply.body.data.ok, true, reply.body.data.message);
        assert.equal(typeof reply.body.data.latencyMs, 'number');
      }
    });

    test('a refused connection is a failed test, not an error', async () => {
      const created = await world.call(connectionsRoute.POST, 'POST', '/api/connections', {
        body: {
          name: 'nowhere',
          kind: 'postgres',
          host: '127.0.0.1',
          port: 1,
          user: 'postgres',
          password: PASSWORD,
          database: 'none',
        },
      });
      assert.equal(created.status, 201, created.text);
      const id = created.body.data.id;
      const reply = await world.call(testRoute.POST, 'POST', `/api/connections/${id}/test`, { id });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.data.ok, false);
      assert.match(reply.body.data.message, /127\.0\.0\.1:1/);
      const missing = await world.call(connectionsRoute.POST, 'POST', '/api/connections', {
        body: { name: 'missing-file', kind: 'sqlite', file: '/tmp/databridge-no-such-dir/x.sqlite' },
      });
      const missingId = missing.body.data.id;
      const failed = await world.call(testRoute.POST, 'POST', `/api/connections/${missingId}/test`, {
        id: missingId,
      });
      assert.equal(failed.body.data.ok, false);
    });

    test('a form is tested before saving; a saved connection keeps its last test after a reload', async () => {
      const before = (await world.call(connectionsRoute.GET, 'GET', '/api/connections')).body.data.length;
      const refused = await world.call(draftTestRoute.POST, 'POST', '/api/connections/test', {
        body: {
          name: 'draft',
          kind: 'postgres',
          host: '127.0.0.1',
          port: 1,
          user: 'postgres',
          database: 'x',
        },
      });
      assert.equal(refused.status, 200, refused.text);
      assert.equal(refused.body.data.ok, false);
      assert.match(refused.body.data.message, /127\.0\.0\.1:1/);
      const list = (await world.call(connectionsRoute.GET, 'GET', '/api/connections')).body.data;
      assert.equal(list.length, before, 'testing a form saves nothing');
      const missing = await world.call(draftTestRoute.POST, 'POST', '/api/connections/test', {
        body: { name: 'draft', kind: 'postgres', database: 'x' },
      });
      assert.equal(missing.status, 400, missing.text);
      assert.match(missing.body.error.message, /\bhost\b/);
      // An edit is tested with the stored password, which the form never holds.
      const edit = await world.call(draftTestRoute.POST, 'POST', '/api/connections/test', {
        body: { id: pgId, host: '127.0.0.1', password: '' },
      });
      assert.equal(edit.body.data.ok, true, edit.body.data.message);

      await world.call(testRoute.POST, 'POST', `/api/connections/${pgId}/test`, { id: pgId });
      const reloaded = await world.call(connectionRoute.GET, 'GET', `/api/connections/${pgId}`, { id: pgId });
      const lastTest = reloaded.body.data.lastTest;
      assert.equal(lastTest.ok, true);
      assert.match(lastTest.message, /^Connected in \d+ ms$/);
      assert.ok(Date.now() - Date.parse(lastTest.testedAt) < 60_000, lastTest.testedAt);
    });

    test('editing the host keeps the stored password; the form never needs it back', async () => {
      const reply = await world.call(connectionRoute.PATCH, 'PATCH', `/api/connections/${pgId}`, {
        id: pgId,
        body: { host: 'localhost', password: '' },
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.data.host, 'localhost');
      assert.equal(reply.body.data.hasPassword, true);
      const stored = new URL(await revealConnectionUrl(world.store, pgId));
      assert.deepEqual([stored.hostname, stored.password], ['localhost', encodeURIComponent(PASSWORD)]);
      const back = await world.call(connectionRoute.PATCH, 'PATCH', `/api/connections/${pgId}`, {
        id: pgId,
        body: { host: '127.0.0.1' },
      });
      assert.equal(back.status, 200);
      const test2 = await world.call(testRoute.POST, 'POST', `/api/connections/${pgId}/test`, { id: pgId });
      assert.equal(test2.body.data.ok, true, test2.body.data.message);
    });

    test('introspects Chinook: schema-qualified tables, row estimates, typed columns, keys', async () => {
      const reply = await world.call(schemaRoute.GET, 'GET', `/api/connections/${sqliteId}/schema`, {
        id: sqliteId,
      });
      assert.equal(reply.status, 200, reply.text);
      const schema = reply.body.data;
      assert.equal(schema.dialect, 'sqlite');
      assert.equal(schema.defaultSchema, 'main');
      assert.equal(schema.tables.length, 11);
      const album = schema.tables.find((t: { name: string }) => t.name === 'Album');
      assert.equal(album.schema, 'main');
      assert.equal(album.rowEstimate, 347);
      assert.deepEqual(album.primaryKey, ['AlbumId']);
      assert.equal(album.foreignKeys[0].referencedTable, 'Artist');
      const title = album.columns.find((c: { name: string }) => c.name === 'Title');
      assert.deepEqual([title.nativeType, title.type], ['NVARCHAR(160)', 'string']);
    });

    test('a connection a project uses cannot be deleted (409); an unused one can', async () => {
      await createProject(world.store, {
        name: 'uses-both',
        sourceConnectionId: sqliteId,
        targetConnectionId: pgId,
        spec: {
          source: { url: 'x' },
          target: { url: 'y' },
          mappings: [{ source: 'Genre', target: 'genre', columns: [{ source: 'Name', target: 'name' }] }],
        },
      });
      const refused = await world.call(connectionRoute.DELETE, 'DELETE', `/api/connections/${pgId}`, {
        id: pgId,
      });
      assert.equal(refused.status, 409, refused.text);
      assert.match(refused.body.error.message, /uses-both/);
      const list = await world.call(connectionsRoute.GET, 'GET', '/api/connections');
      const nowhere = list.body.data.find((c: { name: string }) => c.name === 'nowhere');
      const deleted = await world.call(connectionRoute.DELETE, 'DELETE', `/api/connections/${nowhere.id}`, {
        id: nowhere.id,
      });
      assert.equal(deleted.status, 200, deleted.text);
      assert.deepEqual(deleted.body, { success: true, data: { id: nowhere.id } });
    });

    test('no response ever carried the password', () => {
      assert.ok(world.replies.length > 20);
      for (const text of world.replies) {
        assert.ok(!text.includes(PASSWORD), text);
        assert.ok(!text.includes(encodeURIComponent(PASSWORD)), text);
        assert.ok(!text.includes('Zebra-Quartz'), text);
      }
    });
  });
}
