import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConnection } from '@databridge/store';
import * as schemaRoute from '../app/api/connections/[id]/schema/route.ts';
import * as connectionsRoute from '../app/api/connections/route.ts';
import { type ApiWorld, type Handler, openApiWorld } from './support.ts';

const LONE = '\uD800';

describe('answers that used to be 500s', () => {
  let world: ApiWorld;

  before(async () => {
    world = await openApiWorld('sqlite');
  });
  after(async () => {
    await world.close();
  });

  it('a lone UTF-16 surrogate in a connection user, password or database is a 400 naming the field', async () => {
    for (const field of ['user', 'password', 'database'] as const) {
      const body = {
        name: `c-${field}`,
        kind: 'postgres',
        host: '127.0.0.1',
        port: 5432,
        user: 'u',
        database: 'd',
      };
      const reply = await world.call(connectionsRoute.POST as Handler, 'POST', '/api/connections', {
        body: { ...body, [field]: `a${LONE}b` },
      });
      assert.equal(reply.status, 400, `${field}: ${reply.text}`);
      assert.equal(reply.body.error.code, 'bad_input');
      assert.match(reply.body.error.message, new RegExp(`^${field}: contains a lone UTF-16 surrogate`));
    }
  });

  it('refused credentials on GET /api/connections/:id/schema are a 422 naming the connection; a dead database a 503', async () => {
    const refused = await createConnection(world.store, {
      name: 'warehouse',
      url: 'mysql://root:not-the-password@127.0.0.1:3306/mysql',
    });
    const reply = await world.call(schemaRoute.GET as Handler, 'GET', '/x', { id: refused.id });
    assert.equal(reply.status, 422, reply.text);
    assert.equal(reply.body.error.code, 'connection_failed');
    assert.match(reply.body.error.message, /^connection "warehouse": .*refused user "root"/);
    assert.doesNotMatch(reply.text, /not-the-password/);

    const dead = await createConnection(world.store, { name: 'gone', url: 'postgres://u@127.0.0.1:1/d' });
    const down = await world.call(schemaRoute.GET as Handler, 'GET', '/x', { id: dead.id });
    assert.equal(down.status, 503, down.text);
    assert.equal(down.body.error.code, 'unavailable');
    assert.match(down.body.error.message, /^connection "gone": /);
  });
});
