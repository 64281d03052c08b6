import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boxWidth, layoutDag, NODE_HEIGHT } from '../lib/dag-layout.ts';

/** The Graph's layout: every box fits its whole name, none overlaps another, arrows go left to right. */
describe('DAG layout (dagre)', () => {
  const names = [
    'extract',
    'transform',
    'album',
    'artist',
    'a_very_long_table_name_of_sixty_characters_or_so_xxxxxxxxxx',
  ];
  const nodes = names.map((id) => ({ id, label: id }));
  const edges = [
    { from: 'extract', to: 'transform' },
    { from: 'transform', to: 'album' },
    { from: 'transform', to: 'artist' },
    { from: 'transform', to: names[4]! },
  ];

  test('boxes as wide as their names, apart from each other, upstream to the left', () => {
    const layout = layoutDag(nodes, edges);
    for (const box of layout.nodes) {
      assert.ok(box.width >= boxWidth(box.node.label), box.node.id);
      assert.equal(box.height, NODE_HEIGHT);
      assert.ok(box.x >= 0 && box.y >= 0, `${box.node.id} starts inside`);
      assert.ok(
        box.x + box.width <= layout.width && box.y + box.height <= layout.height,
        `${box.node.id} ends inside`,
      );
    }
    const at = new Map(layout.nodes.map((b) => [b.node.id, b]));
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart =
          a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        assert.ok(apart, `${a.node.id} and ${b.node.id} overlap`);
      }
    }
    for (const e of edges)
      assert.ok(at.get(e.from)!.x + at.get(e.from)!.width <= at.get(e.to)!.x, `${e.from} left of ${e.to}`);
    assert.equal(layout.edges.length, edges.length);
    assert.ok(layout.edges.every((e) => e.path.startsWith('M ')));
  });
});
