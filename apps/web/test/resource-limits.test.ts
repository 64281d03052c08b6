import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import * as connectionsRoute from '../app/api/connections/route.ts';
import * as projectRoute from '../app/api/projects/[id]/route.ts';
import * as importRoute from '../app/api/projects/import/route.ts';
import * as projectsRoute from '../app/api/projects/route.ts';
import { type ApiWorld, openApiWorld } from './support.ts';

// A transformation parameter large enough to exhaust the server's memory is refused when the project
// is saved, whichever way it is saved: create, update, import.

const OVERSIZED =
  /^Mapping notes → notes_copy, column body: padLeft length is 20,000,000 characters, over the limit of 65,535; pad to at most the target column's length\.$/;

describe('transformation parameters are bounded when a project is saved', () => {
  let world: ApiWorld;
  let dir: string;
  const ids = { source: '', target: '', project: '' };
  const mapping = (length: number) => ({
    source: 'notes',
    target: 'notes_copy',
    columns: [
      { source: 'id', target: 'id' },
      { source: 'body', target: 'body', transform: [{ padLeft: { length } }] },
    ],
  });

  before(async () => {
    world = await openApiWorld('sqlite');
    dir = mkdtempSync(join(tmpdir(), 'databridge-limits-'));
    const db = new Database(join(dir, 'source.sqlite'));
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'x');");
    db.close();
    for (const name of ['source', 'target'] as const) {
      const reply = await world.call(connectionsRoute.POST, 'POST', '/api/connections', {
        body: { name, kind: 'sqlite', file: join(dir, `${name}.sqlite`) },
      });
      assert.equal(reply.status, 201, reply.text);
      ids[name] = reply.body.data.id;
    }
    const project = await world.call(projectsRoute.POST, 'POST', '/api/projects', {
      body: {
        name: 'notes',
        sourceConnectionId: ids.source,
        targetConnectionId: ids.target,
        spec: { pipeline: { createTables: true }, mappings: [mapping(10)] },
      },
    });
    assert.equal(project.status, 201, project.text);
    ids.project = project.body.data.id;
  });

  after(async () => {
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('create: 400 naming the mapping, the column, the limit and the fix', async () => {
    const reply = await world.call(projectsRoute.POST, 'POST', '/api/projects', {
      body: {
        name: 'too wide',
        sourceConnectionId: ids.source,
        targetConnectionId: ids.target,
        spec: { mappings: [mapping(20_000_000)] },
      },
    });
    assert.equal(reply.status, 400, reply.text);
    assert.match(reply.body.error.message, OVERSIZED);
    assert.equal(reply.body.error.field, 'mappings.0.columns.1.transform.0.padLeft.length');
  });

  it('update: 400, and the saved spec keeps its pad of 10', async () => {
    const reply = await world.call(projectRoute.PATCH, 'PATCH', `/api/projects/${ids.project}`, {
      id: ids.project,
      body: { spec: { mappings: [mapping(20_000_000)] } },
    });
    assert.equal(reply.status, 400, reply.text);
    assert.match(reply.body.error.message, OVERSIZED);
    const saved = await world.call(projectRoute.GET, 'GET', `/api/projects/${ids.project}`, {
      id: ids.project,
    });
    assert.equal(saved.body.data.spec.mappings[0].columns[1].transform[0].padLeft.length, 10);
  });

  it('import: 400 the same way', async () => {
    const text = `name: imported
source: { url: "connection:${ids.source}" }
target: { url: "connection:${ids.target}" }
mappings:
  - source: notes
    target: notes_copy
    columns:
      - { source: id, target: id }
      - { source: body, target: body, transform: [{ padLeft: { length: 20000000 } }] }
`;
    const reply = await world.call(importRoute.POST, 'POST', '/api/projects/import', {
      body: { text, fileName: 'notes.yaml' },
    });
    assert.equal(reply.status, 400, reply.text);
    assert.match(reply.body.error.message, OVERSIZED);
  });
});
