import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createExecution } from '@databridge/store';
import * as connectionsRoute from '../app/api/connections/route.ts';
import * as exportRoute from '../app/api/projects/[id]/export/route.ts';
import * as previewRoute from '../app/api/projects/[id]/preview/route.ts';
import * as projectRoute from '../app/api/projects/[id]/route.ts';
import * as suggestionsRoute from '../app/api/projects/[id]/suggestions/route.ts';
import * as importRoute from '../app/api/projects/import/route.ts';
import * as projectsRoute from '../app/api/projects/route.ts';
import {
  type ApiWorld,
  CHINOOK_SQLITE,
  freshPostgres,
  loadChinookPostgres,
  openApiWorld,
  STORE_KINDS,
  type TestDatabase,
} from './support.ts';

const PASSWORD = 'Ocelot-Vellum-71#pw';
const UNKNOWN = '0190f0f0-0000-7000-8000-000000000000';

for (const kind of STORE_KINDS) {
  describe(`projects API on a ${kind} store`, () => {
    let world: ApiWorld;
    let chinookPg: TestDatabase;
    let emptyPg: TestDatabase;
    const ids = { sqlite: '', chinookPg: '', emptyPg: '', project: '', created: '' };

    const connection = async (body: Record<string, unknown>) => {
      const reply = await world.call(connectionsRoute.POST, 'POST', '/api/connections', { body });
      assert.equal(reply.status, 201, reply.text);
      return reply.body.data.id as string;
    };
    const pg = (name: string, database: string) => ({
      name,
      kind: 'postgres',
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      password: PASSWORD,
      database,
    });

    before(async () => {
      world = await openApiWorld(kind);
      chinookPg = await freshPostgres();
      await loadChinookPostgres(chinookPg, { withData: false });
      emptyPg = await freshPostgres();
      ids.sqlite = await connection({ name: 'chinook-sqlite', kind: 'sqlite', file: CHINOOK_SQLITE });
      ids.chinookPg = await connection(pg('chinook-pg', chinookPg.name));
      ids.emptyPg = await connection(pg('empty-pg', emptyPg.name));
    });
    after(async () => {
      await world.close();
      await chinookPg.drop();
      await emptyPg.drop();
    });

    test('creating a project auto-maps the tables of its two databases', async () => {
      const reply = await world.call(projectsRoute.POST, 'POST', '/api/projects', {
        body: { name: 'Chinook to PG', sourceConnectionId: ids.sqlite, targetConnectionId: ids.chinookPg },
      });
      assert.equal(reply.status, 201, reply.text);
      const project = reply.body.data;
      ids.project = project.id;
      assert.equal(project.source.name, 'chinook-sqlite');
      assert.equal(project.target.name, 'chinook-pg');
      assert.equal(project.spec.source.url, `connection:${ids.sqlite}`);
      assert.equal(project.spec.mappings.length, 11);
      const album = project.spec.mappings.find((m: { source: string }) => m.source === 'Album');
      assert.equal(album.target, 'album');
      assert.deepEqual(
        album.columns.map((c: { source: string; target: string }) => `${c.source}->${c.target}`),
        ['AlbumId->album_id', 'Title->title', 'ArtistId->artist_id'],
      );
      assert.equal(project.spec.pipeline.createTables, false);
      assert.equal(project.lastExecution, null);
    });

    test('into an empty target, every source table maps to a new snake_case table', async () => {
      const reply = await world.call(projectsRoute.POST, 'POST', '/api/projects', {
        body: { name: 'Fresh copy', sourceConnectionId: ids.sqlite, targetConnectionId: ids.emptyPg },
      });
      assert.equal(reply.status, 201, reply.text);
      ids.created = reply.body.data.id;
      const spec = reply.body.data.spec;
      assert.equal(spec.pipeline.createTables, true);
      const line = spec.mappings.find((m: { source: string }) => m.source === 'InvoiceLine');
      assert.equal(line.target, 'invoice_line');
      assert.equal(line.columns[0].target, 'invoice_line_id');
    });

    test('lists projects with their connections and last execution', async () => {
      const reply = await world.call(projectsRoute.GET, 'GET', '/api/projects');
      assert.equal(reply.status, 200);
      assert.deepEqual(
        reply.body.data.map((p: { name: string; tableMappings: number }) => [p.name, p.tableMappings]),
        [
          ['Chinook to PG', 11],
          ['Fresh copy', 11],
        ],
      );
      const one = await world.call(projectRoute.GET, 'GET', `/api/projects/${ids.project}`, {
        id: ids.project,
      });
      assert.equal(one.status, 200);
      assert.equal(one.body.data.spec.mappings.length, 11);
    });

    test('bad input is a 400 naming the field', async () => {
      const create = async (body: unknown) =>
        world.call(projectsRoute.POST, 'POST', '/api/projects', { body });
      // [the call, the field programs get (none for a body that is not the form's), the sentence]
      const cases: [
        Promise<{ status: number; body: { error: { message: string; field?: string } } }>,
        string | undefined,
        RegExp,
      ][] = [
        [
          create({ sourceConnectionId: ids.sqlite, targetConnectionId: ids.emptyPg }),
          'name',
          /^Name is required\./,
        ],
        [
          create({ name: 'x', targetConnectionId: ids.emptyPg }),
          'sourceConnectionId',
          /^Source connection: choose a connection/,
        ],
        [
          create({ name: 'x', sourceConnectionId: UNKNOWN, targetConnectionId: ids.emptyPg }),
          'sourceConnectionId',
          /^sourceConnectionId: there is no connection/,
        ],
        [
          world.call(projectRoute.PATCH, 'PATCH', `/api/projects/${ids.project}`, {
            id: ids.project,
            body: { spec: { mappings: [{ source: 'Album', target: 'album' }] } },
          }),
          'mappings.0.columns',
          /^Table mapping 1, columns is required\./,
        ],
        [
          world.call(projectRoute.PATCH, 'PATCH', `/api/projects/${ids.project}`, {
            id: ids.project,
            body: { spec: { pipeline: { batchSize: 50 }, mappings: [] } },
          }),
          'pipeline.batchSize',
          /^Batch size must be a whole number from 100 to 10,000 rows \(not 50\)\./,
        ],
        [
          world.call(projectRoute.PATCH, 'PATCH', `/api/projects/${ids.project}`, {
            id: ids.project,
            body: {},
          }),
          'body',
          /^Body: give at least one of name, description/,
        ],
        [
          world.call(exportRoute.GET, 'GET', `/api/projects/${ids.project}/export?format=xml`, {
            id: ids.project,
          }),
          'format',
          /^Format must be yaml or json\./,
        ],
        [
          world.call(importRoute.POST, 'POST', '/api/projects/import', { body: { text: 'a: [' } }),
          undefined,
          /^text: /,
        ],
      ];
      for (const [pending, field, message] of cases) {
        const reply = await pending;
        assert.equal(reply.status, 400, JSON.stringify(reply.body));
        assert.equal(reply.body.error.field, field, JSON.stringify(reply.body.error));
        assert.match(reply.body.error.message, message);
      }
    });

    test('a taken name is a 409', async () => {
      const reply = await world.call(projectsRoute.POST, 'POST', '/api/projects', {
        body: { name: 'chinook to pg', sourceConnectionId: ids.sqlite, targetConnectionId: ids.chinookPg },
      });
      assert.equal(reply.status, 409, reply.text);
      const rename = await world.call(projectRoute.PATCH, 'PATCH', `/api/projects/${ids.created}`, {
        id: ids.created,
        body: { name: 'Chinook to PG' },
      });
      assert.equal(rename.status, 409, rename.text);
    });

    test('an unknown id is a 404 on every route', async () => {
      const id = UNKNOWN;
      const replies = [
        await world.call(projectRoute.GET, 'GET', `/api/projects/${id}`, { id }),
        await world.call(projectRoute.PATCH, 'PATCH', `/api/projects/${id}`, { id, body: { name: 'y' } }),
        await world.call(projectRoute.DELETE, 'DELETE', `/api/projects/${id}`, { id }),
        await world.call(suggestionsRoute.GET, 'GET', `/api/projects/${id}/suggestions`, { id }),
        await world.call(exportRoute.GET, 'GET', `/api/projects/${id}/export`, { id }),
        await world.call(importRoute.POST, 'POST', '/api/projects/import', {
          body: { text: 'name: x\n', projectId: id },
        }),
      ];
      for (const reply of replies) {
        assert.equal(reply.status, 404, reply.text);
        assert.equal(reply.body.error.code, 'not_found');
      }
    });

    test('saves an edited spec', async () => {
      const current = await world.call(projectRoute.GET, 'GET', `/api/projects/${ids.project}`, {
        id: ids.project,
      });
      const spec = current.body.data.spec;
      spec.pipeline.batchSize = 2000;
      spec.mappings[0].columns[0].transform = ['trim', 'upper'];
      const reply = await world.call(projectRoute.PATCH, 'PATCH', `/api/projects/${ids.project}`, {
        id: ids.project,
        body: { spec, description: 'nightly copy' },
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.data.spec.pipeline.batchSize, 2000);
      assert.deepEqual(reply.body.data.spec.mappings[0].columns[0].transform, ['trim', 'upper']);
      assert.equal(reply.body.data.description, 'nightly copy');
    });

    test('suggests table and column pairs with their scores', async () => {
      const reply = await world.call(
        suggestionsRoute.GET,
        'GET',
        `/api/projects/${ids.project}/suggestions`,
        {
          id: ids.project,
        },
      );
      assert.equal(reply.status, 200, reply.text);
      const data = reply.body.data;
      assert.equal(data.tables.length, 11);
      const track = data.tables.find((t: { source: string }) => t.source === 'Track');
      assert.equal(track.target, 'track');
      assert.equal(track.sourceQualified, 'main.Track');
      assert.equal(track.targetQualified, 'public.track');
      assert.ok(track.score >= data.confidentScore);
      assert.ok(track.columns.some((c: { source: string; target: string }) => c.source === 'GenreId'));
    });

    test('previews the run: its stages, warnings and sample rows before and after transformation', async () => {
      const reply = await world.call(previewRoute.GET, 'GET', `/api/projects/${ids.project}/preview?rows=3`, {
        id: ids.project,
      });
      assert.equal(reply.status, 200, reply.text);
      const preview = reply.body.data;
      assert.deepEqual(
        preview.stages.map((s: { id: string }) => s.id),
        ['extract', 'transform', 'load_dimensions', 'load_facts', 'validate', 'report'],
      );
      assert.equal(preview.stages[0].tables.length, 11);
      const loaded = [...preview.stages[2].tables, ...preview.stages[3].tables];
      assert.equal(loaded.length, 11);
      // Every target table exists: the run executes no DDL. Into an empty target it creates them all,
      // and the preview shows the DDL as `databridge plan --ddl` prints it.
      assert.deepEqual(preview.ddl, { beforeLoad: [], afterLoad: [] });
      const fresh = await world.call(previewRoute.GET, 'GET', `/api/projects/${ids.created}/preview?rows=1`, {
        id: ids.created,
      });
      assert.equal(fresh.status, 200, fresh.text);
      assert.equal(fresh.body.data.ddl.beforeLoad.length, 11);
      assert.match(fresh.body.data.ddl.beforeLoad.join('\n'), /^CREATE TABLE "public"\."invoice_line"/m);
      assert.match(
        fresh.body.data.ddl.afterLoad.join('\n'),
        /ADD GENERATED BY DEFAULT AS IDENTITY[\s\S]*FOREIGN KEY/,
      );
      const first = preview.mappings[0];
      assert.ok(first.rows.length > 0 && first.rows.length <= 3);
      // The saved spec trims and upper-cases the first column of the first mapping.
      const column = first.columns[0].target;
      const sourceColumn = first.columns[0].source;
      const row = first.rows.find((r: { target: unknown }) => r.target !== null);
      assert.equal(String(row.target[column]), String(row.source[sourceColumn]).trim().toUpperCase());

      const bad = await world.call(previewRoute.GET, 'GET', `/api/projects/${ids.project}/preview?rows=50`, {
        id: ids.project,
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, 'rows');
      assert.match(bad.body.error.message, /^Rows must be from 1 to 10\./);
      const unknown = await world.call(previewRoute.GET, 'GET', `/api/projects/${UNKNOWN}/preview`, {
        id: UNKNOWN,
      });
      assert.equal(unknown.status, 404);
    });

    test('exports the spec the CLI runs, without a password, and imports it back', async () => {
      const yaml = await world.call(exportRoute.GET, 'GET', `/api/projects/${ids.project}/export`, {
        id: ids.project,
      });
      assert.equal(yaml.status, 200, yaml.text);
      assert.match(yaml.text, /^# DataBridge migration spec/);
      assert.match(yaml.text, /url: sqlite:.*Chinook_Sqlite\.sqlite/);
      assert.ok(
        yaml.text.includes(`postgres://postgres:\${TARGET_PASSWORD}@127.0.0.1:5432/${chinookPg.name}`),
      );
      const json = await world.call(
        exportRoute.GET,
        'GET',
        `/api/projects/${ids.project}/export?format=json`,
        {
          id: ids.project,
        },
      );
      assert.equal(json.body.pipeline.batchSize, 2000);

      const imported = await world.call(importRoute.POST, 'POST', '/api/projects/import', {
        body: { text: yaml.text, name: 'Imported copy' },
      });
      assert.equal(imported.status, 201, imported.text);
      assert.equal(imported.body.data.source.id, ids.sqlite);
      assert.equal(imported.body.data.target.id, ids.chinookPg);
      assert.equal(imported.body.data.spec.pipeline.batchSize, 2000);
      assert.equal(imported.body.data.spec.mappings.length, 11);

      const badSpec = await world.call(importRoute.POST, 'POST', '/api/projects/import', {
        body: { text: yaml.text.replace('batchSize: 2000', 'batchSize: 99999'), name: 'Too big' },
      });
      assert.equal(badSpec.status, 400, badSpec.text);
      assert.equal(badSpec.body.error.field, 'pipeline.batchSize');
      assert.match(
        badSpec.body.error.message,
        /^Batch size must be a whole number from 100 to 10,000 rows \(not 99,999\)\./,
      );

      const unmatched = await world.call(importRoute.POST, 'POST', '/api/projects/import', {
        body: { text: yaml.text.replace('127.0.0.1:5432', 'elsewhere:5432'), name: 'Elsewhere' },
      });
      assert.equal(unmatched.status, 400, unmatched.text);
      assert.match(unmatched.body.error.message, /^targetConnectionId: no saved connection matches/);
    });

    test('a project with an active execution cannot be deleted (409); otherwise it can', async () => {
      await createExecution(world.store, { projectId: ids.created });
      const refused = await world.call(projectRoute.DELETE, 'DELETE', `/api/projects/${ids.created}`, {
        id: ids.created,
      });
      assert.equal(refused.status, 409, refused.text);
      const deleted = await world.call(projectRoute.DELETE, 'DELETE', `/api/projects/${ids.project}`, {
        id: ids.project,
      });
      assert.deepEqual(deleted.body, { success: true, data: { id: ids.project } });
      const gone = await world.call(projectRoute.GET, 'GET', `/api/projects/${ids.project}`, {
        id: ids.project,
      });
      assert.equal(gone.status, 404);
    });

    test('no response ever carried a password', () => {
      for (const text of world.replies) {
        assert.ok(!text.includes(PASSWORD), text);
        assert.ok(!text.includes(encodeURIComponent(PASSWORD)), text);
      }
    });
  });
}
