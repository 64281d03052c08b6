import dagre from '@dagrejs/dagre';

/** Font of a node's name: its width is measured from this, so a name always fits its box. */
export const NODE_FONT_PX = 12;
/** A monospace character is at most this wide at NODE_FONT_PX (DejaVu Sans Mono: 0.602 em). */
const CHAR_PX = NODE_FONT_PX * 0.62;
const PAD_X = 12;
export const NODE_HEIGHT = 30;
const MARGIN = 8;

export interface LayoutNode {
  readonly id: string;
  /** The text drawn in the box: the box is made wide enough for all of it. */
  readonly label: string;
}

export interface PlacedBox<N extends LayoutNode> {
  readonly node: N;
  /** Top-left corner and size. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedArrow {
  readonly from: string;
  readonly to: string;
  /** SVG path from the upstream box to the downstream one. */
  readonly path: string;
}

export interface DagLayout<N extends LayoutNode> {
  readonly nodes: readonly PlacedBox<N>[];
  readonly edges: readonly PlacedArrow[];
  readonly width: number;
  readonly height: number;
}

/** A box wide enough for its whole label. */
export function boxWidth(label: string): number {
  return Math.ceil(label.length * CHAR_PX + 2 * PAD_X);
}

/**
 * Lays a DAG out left to right in layers with dagre (upstream on the left), each box as wide as its
 * label, arrows routed between the layers. Coordinates start at a small margin from 0, 0.
 */
export function layoutDag<N extends LayoutNode>(
  nodes: readonly N[],
  edges: readonly { readonly from: string; readonly to: string }[],
  options: { rankSep?: number; nodeSep?: number } = {},
): DagLayout<N> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({
    rankdir: 'LR',
    ranksep: options.rankSep ?? 36,
    nodesep: options.nodeSep ?? 10,
    marginx: MARGIN,
    marginy: MARGIN,
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) g.setNode(node.id, { width: boxWidth(node.label), height: NODE_HEIGHT });
  const known = new Set(nodes.map((n) => n.id));
  for (const edge of edges) if (known.has(edge.from) && known.has(edge.to)) g.setEdge(edge.from, edge.to);
  dagre.layout(g);
  const placed = nodes.map((node): PlacedBox<N> => {
    const box = g.node(node.id);
    return {
      node,
      x: box.x - box.width / 2,
      y: box.y - box.height / 2,
      width: box.width,
      height: box.height,
    };
  });
  const arrows = g.edges().map((e: { v: string; w: string }): PlacedArrow => {
    const points: { x: number; y: number }[] = g.edge(e).points ?? [];
    return { from: e.v, to: e.w, path: smoothPath(points) };
  });
  const graph = g.graph();
  return {
    nodes: placed,
    edges: arrows,
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
  };
}

/** A path through dagre's points: straight to the first, then curves through the midpoints. */
export function smoothPath(points: readonly { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  if (rest.length === 0) return `M ${first.x} ${first.y}`;
  let d = `M ${first.x} ${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i]!;
    const next = rest[i + 1]!;
    d += ` Q ${p.x} ${p.y} ${(p.x + next.x) / 2} ${(p.y + next.y) / 2}`;
  }
  const last = rest.at(-1)!;
  d += ` L ${last.x} ${last.y}`;
  return d;
}
