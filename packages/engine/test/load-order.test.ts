import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orderByForeignKeys } from '../src/plan/load-order.ts';

const edge = (references: string, columns: string[], nullable = true) => ({ references, columns, nullable });

describe('load order by foreign keys', () => {
  test('parents load before children; referenced tables are dimensions', () => {
    const order = orderByForeignKeys([
      {
        id: 'invoice_line',
        edges: [edge('invoice', ['invoice_id'], false), edge('track', ['track_id'], false)],
      },
      { id: 'invoice', edges: [edge('customer', ['customer_id'], false)] },
      { id: 'customer', edges: [] },
      { id: 'track', edges: [] },
    ]);
    assert.equal(order.level.get('customer'), 0);
    assert.equal(order.level.get('track'), 0);
    assert.equal(order.level.get('invoice'), 1);
    assert.equal(order.level.get('invoice_line'), 2);
    assert.deepEqual([...order.referenced].sort(), ['customer', 'invoice', 'track']);
    assert.equal(order.deferred.size, 0);
  });

  test('a self-reference is deferred, not a cycle', () => {
    const order = orderByForeignKeys([{ id: 'employee', edges: [edge('employee', ['reports_to'])] }]);
    assert.equal(order.level.get('employee'), 0);
    assert.deepEqual(order.deferred.get('employee'), ['reports_to']);
    assert.equal(order.referenced.has('employee'), false);
  });

  test('a cycle is broken at a nullable foreign key', () => {
    const order = orderByForeignKeys([
      { id: 'department', edges: [edge('employee', ['manager_id'])] },
      { id: 'employee', edges: [edge('department', ['department_id'], false)] },
    ]);
    assert.deepEqual(order.deferred.get('department'), ['manager_id']);
    assert.ok(order.level.get('department')! < order.level.get('employee')!);
    assert.equal(order.unbreakable.length, 0);
  });

  test('only a table inside the cycle is deferred; one that merely depends on the cycle waits for it', () => {
    const order = orderByForeignKeys([
      { id: 'a', edges: [edge('b', ['b_id'])] },
      { id: 'b', edges: [edge('c', ['c_id'])] },
      { id: 'c', edges: [edge('b', ['b_id'])] },
    ]);
    assert.equal(order.deferred.has('a'), false);
    assert.equal([...order.deferred.keys()].length, 1);
    assert.ok(order.level.get('a')! > order.level.get('b')!, 'a after its parent b');
  });

  test('a cycle of NOT NULL keys is reported, not looped on', () => {
    const order = orderByForeignKeys([
      { id: 'a', edges: [edge('b', ['b_id'], false)] },
      { id: 'b', edges: [edge('a', ['a_id'], false)] },
    ]);
    assert.deepEqual(order.unbreakable, [['a', 'b']]);
  });

  test('references to tables outside the migration do not hold anything back', () => {
    const order = orderByForeignKeys([{ id: 'album', edges: [edge('artist', ['artist_id'], false)] }]);
    assert.equal(order.level.get('album'), 0);
  });
});
