import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from '../app/(main)/dependencies/graph-layout.ts';

/** The dependencies page's graph, laid out by dagre: upstream left of downstream, nothing overlapping, a cycle's closing arrow marked. */
describe('dependency graph layout', () => {
  const node = (id: string) => ({ id, name: id, schedule: null, enabled: true, unresolved: [] });
  const nodes = ['raw', 'clean', 'mart', 'report', 'alone', 'a', 'b'].map(node);
  const edges = [
    { from: 'raw', to: 'clean' },
    { from: 'clean', to: 'mart' },
    { from: 'raw', to: 'mart' },
    { from: 'mart', to: 'report' },
    { from: 'a', to: 'b' },
    { from: 'b', to: 'a' },
  ];

  test('projects placed apart, each after what it waits for; the arrow closing a cycle runs backward', () => {
    const layout = layoutGraph(nodes, edges);
    const at = new Map(layout.nodes.map((p) => [p.node.id, p]));
    for (const a of layout.nodes) {
      assert.ok(
        a.x >= 0 && a.y >= 0 && a.x + NODE_WIDTH <= layout.width && a.y + NODE_HEIGHT <= layout.height,
      );
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart =
          a.x + NODE_WIDTH <= b.x ||
          b.x + NODE_WIDTH <= a.x ||
          a.y + NODE_HEIGHT <= b.y ||
          b.y + NODE_HEIGHT <= a.y;
        assert.ok(apart, `${a.node.id} and ${b.node.id} overlap`);
      }
    }
    for (const [from, to] of [
      ['raw', 'clean'],
      ['clean', 'mart'],
      ['mart', 'report'],
    ] as const) {
      assert.ok(at.get(from)!.x + NODE_WIDTH <= at.get(to)!.x, `${from} left of ${to}`);
    }
    assert.deepEqual(
      [at.get('raw')!.depth, at.get('clean')!.depth, at.get('mart')!.depth, at.get('report')!.depth],
      [0, 1, 2, 3],
    );
    assert.equal(layout.edges.length, edges.length);
    const backward = layout.edges.filter((e) => e.backward).map((e) => `${e.from}->${e.to}`);
    assert.equal(backward.length, 1, 'one arrow of the cycle a <-> b runs back');
    assert.ok(['a->b', 'b->a'].includes(backward[0]!));
    assert.ok(layout.edges.every((e) => e.path.startsWith('M ')));
  });
});
