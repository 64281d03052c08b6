import dagre from '@dagrejs/dagre';
import type { DependencyEdge, DependencyNode } from '@databridge/queue';
import { smoothPath } from '../../../lib/dag-layout.ts';

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 72;
const COLUMN_GAP = 80;
const ROW_GAP = 20;
const MARGIN = 12;

export interface PlacedNode {
  readonly node: DependencyNode;
  /** 0 for a project that waits for none; else one more than the deepest project it waits for. */
  readonly depth: number;
  readonly x: number;
  readonly y: number;
}

export interface PlacedEdge extends DependencyEdge {
  /** The SVG path of the arrow, from the upstream project's right side to the other's left side. */
  readonly path: string;
  /** True for an arrow that runs right to left: part of a cycle. */
  readonly backward: boolean;
}

export interface GraphLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
}

/** How many projects stand upstream of each one, along the longest chain; a cycle is cut where it closes. */
export function depths(
  nodes: readonly DependencyNode[],
  edges: readonly DependencyEdge[],
): Map<string, number> {
  const upstream = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const edge of edges) upstream.get(edge.to)?.push(edge.from);
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return -1;
    visiting.add(id);
    const d = Math.max(-1, ...(upstream.get(id) ?? []).map(visit)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const node of nodes) visit(node.id);
  return depth;
}

/**
 * Places projects in layers by dagre, upstream on the left: arrows that skip a layer are routed
 * around the projects in it, and each layer is ordered to cross as few arrows as it can. A cycle is
 * drawn with its closing arrow running back to the left.
 */
export function layoutGraph(nodes: readonly DependencyNode[], edges: readonly DependencyEdge[]): GraphLayout {
  const depth = depths(nodes, edges);
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', ranksep: COLUMN_GAP, nodesep: ROW_GAP, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  edges.forEach((edge, i) => {
    if (g.hasNode(edge.from) && g.hasNode(edge.to)) g.setEdge(edge.from, edge.to, {}, String(i));
  });
  dagre.layout(g);
  const placed = nodes.map((node): PlacedNode => {
    const box = g.node(node.id);
    return { node, depth: depth.get(node.id) ?? 0, x: box.x - NODE_WIDTH / 2, y: box.y - NODE_HEIGHT / 2 };
  });
  const routed = edges.flatMap((edge, i): PlacedEdge[] => {
    if (!g.hasNode(edge.from) || !g.hasNode(edge.to)) return [];
    const points: { x: number; y: number }[] =
      g.edge({ v: edge.from, w: edge.to, name: String(i) })?.points ?? [];
    return [
      {
        ...edge,
        path: smoothPath(points),
        // Where dagre put them: the arrow that closes a cycle runs back to the left.
        backward: g.node(edge.to).x <= g.node(edge.from).x,
      },
    ];
  });
  const graph = g.graph();
  return {
    nodes: placed,
    edges: routed,
    width: Math.ceil(graph.width ?? 2 * MARGIN),
    height: Math.ceil(graph.height ?? 2 * MARGIN),
  };
}
