import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataBridgeError } from '@databridge/engine';
import { describeCycle, findCycle, topologicalOrder } from '../src/schedule/index.ts';

describe('dependencies between projects', () => {
  it('a chain of three projects runs upstream first', () => {
    const edges = { report: ['orders'], orders: ['customers'], customers: [] };
    assert.equal(findCycle(edges), null);
    assert.deepEqual(topologicalOrder(edges), ['customers', 'orders', 'report']);
  });

  it('independent projects keep their order; a shared upstream comes once, before both', () => {
    const edges = new Map([
      ['sales', ['customers']],
      ['audit', []],
      ['support', ['customers']],
    ]);
    assert.deepEqual(topologicalOrder(edges), ['customers', 'sales', 'audit', 'support']);
  });

  it('names the cycle as the path that closes it', () => {
    assert.deepEqual(findCycle({ a: ['b'], b: ['c'], c: ['a'] }), ['a', 'b', 'c', 'a']);
    assert.deepEqual(findCycle({ start: ['a'], a: ['b'], b: ['a'] }), ['a', 'b', 'a']);
    assert.deepEqual(findCycle({ a: ['a'] }), ['a', 'a']);
    assert.equal(describeCycle(['a', 'b', 'c', 'a']), 'a → b → c → a');
  });

  it('a diamond is not a cycle', () => {
    assert.equal(findCycle({ top: ['left', 'right'], left: ['base'], right: ['base'], base: [] }), null);
  });

  it('refuses to order a graph with a cycle, naming it', () => {
    assert.throws(
      () => topologicalOrder({ a: ['b'], b: ['c'], c: ['a'] }),
      (error: unknown) =>
        error instanceof DataBridgeError &&
        error.code === 'bad_spec' &&
        error.message === 'schedule.dependsOn: projects wait for each other in a cycle: a → b → c → a',
    );
  });

  it('a long chain does not overflow the stack', () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 20_000; i++) edges[`p${i}`] = i === 0 ? [] : [`p${i - 1}`];
    const order = topologicalOrder(edges);
    assert.equal(order[0], 'p0');
    assert.equal(order.at(-1), 'p19999');
    edges.p0 = ['p19999'];
    assert.equal(findCycle(edges)?.length, 20_001);
  });
});
