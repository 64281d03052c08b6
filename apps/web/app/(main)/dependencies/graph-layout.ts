import type { DependencyEdge, DependencyNode } from '@databridge/queue';

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 72;
/** The room an arrow takes where it passes a column it does not stop in. */
const LANE_HEIGHT = 8;
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

/** A project, or an arrow passing through a column on its way further right. */
interface Slot {
  readonly key: string;
  readonly node?: DependencyNode;
  /** The slots this one is drawn from, in the column before (for ordering). */
  readonly after: readonly string[];
}

const laneKey = (edge: number, column: number) => `lane ${edge} ${column}`;
const nodeKey = (id: string) => `node ${id}`;

/**
 * Places projects in columns by depth, upstream on the left. An arrow that skips columns takes a
 * lane through each of them instead of crossing the projects there, and each column is ordered by
 * the mean height of what its slots come from (then by name), so that most arrows run straight.
 */
export function layoutGraph(nodes: readonly DependencyNode[], edges: readonly DependencyEdge[]): GraphLayout {
  const depth = depths(nodes, edges);
  const columnOf = (id: string) => depth.get(id) ?? 0;
  const columns: Slot[][] = Array.from({ length: Math.max(-1, ...depth.values()) + 1 }, () => []);
  const incoming = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  edges.forEach((edge, i) => {
    const [start, end] = [columnOf(edge.from), columnOf(edge.to)];
    let previous = nodeKey(edge.from);
    for (let c = start + 1; c < end; c++) {
      columns[c]?.push({ key: laneKey(i, c), after: [previous] });
      previous = laneKey(i, c);
    }
    // An arrow back to the left (a cycle) is drawn as it is and does not order anything.
    if (end > start) incoming.get(edge.to)?.push(previous);
  });
  for (const node of nodes) {
    columns[columnOf(node.id)]?.push({ key: nodeKey(node.id), node, after: incoming.get(node.id) ?? [] });
  }

  const connected = new Set(edges.flatMap((e) => [e.from, e.to]));
  const centre = new Map<string, number>();
  const placed: PlacedNode[] = [];
  let height = 0;
  columns.forEach((column, index) => {
    const rank = (slot: Slot) => {
      const ys = slot.after.flatMap((key) => centre.get(key) ?? []);
      return ys.length > 0 ? ys.reduce((a, b) => a + b, 0) / ys.length : Number.POSITIVE_INFINITY;
    };
    const ranked = column.map((slot) => ({ slot, rank: rank(slot) }));
    // Projects with no arrow at all go last, out of the way of the others.
    const alone = (slot: Slot) => Number(slot.node !== undefined && !connected.has(slot.node.id));
    ranked.sort(
      (a, b) =>
        alone(a.slot) - alone(b.slot) ||
        a.rank - b.rank ||
        (a.slot.node?.name ?? '').localeCompare(b.slot.node?.name ?? ''),
    );
    const x = MARGIN + index * (NODE_WIDTH + COLUMN_GAP);
    let y = MARGIN;
    for (const { slot } of ranked) {
      const size = slot.node ? NODE_HEIGHT : LANE_HEIGHT;
      centre.set(slot.key, y + size / 2);
      if (slot.node) placed.push({ node: slot.node, depth: index, x, y });
      y += size + ROW_GAP;
    }
    height = Math.max(height, y - ROW_GAP + MARGIN);
  });

  const at = new Map(placed.map((p) => [p.node.id, p]));
  const routes = edges.flatMap((edge, i): Route[] => {
    const from = at.get(edge.from);
    const to = at.get(edge.to);
    if (!from || !to) return [];
    const points: Point[] = [[from.x + NODE_WIDTH, from.y + NODE_HEIGHT / 2]];
    for (let c = from.depth + 1; c < to.depth; c++) {
      const y = centre.get(laneKey(i, c)) ?? 0;
      const left = MARGIN + c * (NODE_WIDTH + COLUMN_GAP);
      points.push([left, y], [left + NODE_WIDTH, y]);
    }
    points.push([to.x, to.y + NODE_HEIGHT / 2]);
    return [{ edge, points }];
  });
  for (const node of placed) spreadEnds(node, routes);

  return {
    nodes: placed,
    edges: routes.map(({ edge, points }) => ({
      ...edge,
      path: pathThrough(points),
      backward: columnOf(edge.to) <= columnOf(edge.from),
    })),
    width: 2 * MARGIN + columns.length * NODE_WIDTH + Math.max(0, columns.length - 1) * COLUMN_GAP,
    height: Math.max(height, 2 * MARGIN),
  };
}

type Point = [x: number, y: number];

interface Route {
  readonly edge: DependencyEdge;
  /** Where the arrow starts, enters and leaves each lane, and ends. */
  readonly points: Point[];
}

/**
 * Arrows that leave or reach a project at the same point are hard to tell apart: spreads their ends
 * along its side, in the order of where their other ends are.
 */
function spreadEnds(placed: PlacedNode, routes: readonly Route[]): void {
  const spread = (list: Route[], index: (r: Route) => number, toward: (r: Route) => number) => {
    list.sort((a, b) => toward(a) - toward(b));
    list.forEach((route, k) => {
      const point = route.points[index(route)];
      if (point) point[1] = placed.y + (NODE_HEIGHT * (k + 1)) / (list.length + 1);
    });
  };
  spread(
    routes.filter((r) => r.edge.from === placed.node.id),
    () => 0,
    (r) => r.points[1]?.[1] ?? 0,
  );
  spread(
    routes.filter((r) => r.edge.to === placed.node.id),
    (r) => r.points.length - 1,
    (r) => r.points.at(-2)?.[1] ?? 0,
  );
}

/** Curves across the gaps between columns, straight lines along the lanes. */
function pathThrough(points: readonly Point[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  let d = `M ${first[0]} ${first[1]}`;
  let [px, py] = first;
  rest.forEach(([x, y], i) => {
    if (i % 2 === 0) {
      const bend = Math.max(40, Math.abs(x - px) / 2);
      d += ` C ${px + bend} ${py}, ${x - bend} ${y}, ${x} ${y}`;
    } else {
      d += ` L ${x} ${y}`;
    }
    [px, py] = [x, y];
  });
  return d;
}
