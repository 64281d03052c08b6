// What the API says to people when their input is wrong: one message naming the field once, in words,
// with the code and the field path kept apart for programs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as history from '../app/api/executions/route.ts';
import { type ApiWorld, openApiWorld } from './support.ts';

describe('messages for people (sqlite store)', () => {
  let world: ApiWorld;
  before(async () => {
    world = await openApiWorld('sqlite');
  });
  after(async () => {
    await world.close();
  });

  test('a cursor the list never handed out is named once', async () => {
    const reply = await world.call(history.GET, 'GET', '/api/executions?cursor=bad');
    assert.equal(reply.status, 400, reply.text);
    assert.equal(reply.body.error.code, 'bad_input');
    assert.equal(reply.body.error.message, 'cursor: not a cursor this list handed out');
  });
});
