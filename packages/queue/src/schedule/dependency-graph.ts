import { DataBridgeError } from '@databridge/engine';

/** Each project with the upstream projects it waits for (its `schedule.dependsOn`). */
export type DependencyEdges =
  | ReadonlyMap<string, readonly string[]>
  | Readonly<Record<string, readonly string[]>>;

/**
 * A dependency cycle, as the path that closes it: `['a', 'b', 'c', 'a']` when a waits for b, b for c
 * and c for a; `['a', 'a']` for a project that waits for itself; null when there is none. Saving a
 * schedule that closes a cycle is refused with this path in the message.
 */
export function findCycle(edges: DependencyEdges): string[] | null {
  return walk(edges).cycle;
}

/** A cycle as a person reads it: `a → b → c → a`. */
export function describeCycle(cycle: readonly string[]): string {
  return cycle.join(' → ');
}

/**
 * Every project named in the graph, each after all it waits for; otherwise in the order given.
 * Throws `bad_spec` naming the cycle when there is one.
 */
export function topologicalOrder(edges: DependencyEdges): string[] {
  const { cycle, order } = walk(edges);
  if (cycle) {
    throw new DataBridgeError(
      'bad_spec',
      `schedule.dependsOn: projects wait for each other in a cycle: ${describeCycle(cycle)}`,
      { where: 'schedule.dependsOn' },
    );
  }
  return order;
}

/**
 * Depth-first over the upstream edges, without recursion so that a long chain cannot overflow the
 * stack. A project is finished after everything it waits for, so the finishing order is a
 * topological order; an edge back onto the current path closes a cycle.
 */
function walk(edges: DependencyEdges): { cycle: string[] | null; order: string[] } {
  const graph: ReadonlyMap<string, readonly string[]> =
    edges instanceof Map ? edges : new Map(Object.entries(edges));
  const order: string[] = [];
  const finished = new Set<string>();
  const onPath = new Map<string, number>();
  const path: { name: string; next: number }[] = [];
  const enter = (name: string) => {
    onPath.set(name, path.length);
    path.push({ name, next: 0 });
  };

  for (const root of graph.keys()) {
    if (!finished.has(root)) enter(root);
    while (path.length > 0) {
      const top = path.at(-1)!;
      const upstream = graph.get(top.name) ?? [];
      if (top.next < upstream.length) {
        const next = upstream[top.next++]!;
        const at = onPath.get(next);
        if (at !== undefined) return { cycle: [...path.slice(at).map((p) => p.name), next], order };
        if (!finished.has(next)) enter(next);
      } else {
        path.pop();
        onPath.delete(top.name);
        finished.add(top.name);
        order.push(top.name);
      }
    }
  }
  return { cycle: null, order };
}
