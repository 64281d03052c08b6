/**
 * Orders target tables so that a table loads after every table its foreign keys reference. Tables at
 * the same level load in parallel. A self-reference or a cycle is broken by naming the foreign-key
 * columns to defer: they load as NULL and are filled once every row of the cycle exists.
 */
export interface OrderNode {
  readonly id: string;
  /** Foreign keys enforced while loading: `columns` (in this node) reference `references` (a node id). */
  readonly edges: readonly {
    readonly references: string;
    readonly columns: readonly string[];
    readonly nullable: boolean;
  }[];
}

export interface LoadOrder {
  /** Level of each node: 0 loads first. */
  readonly level: ReadonlyMap<string, number>;
  /** Node ids referenced by another node (self-references do not count): the dimensions. */
  readonly referenced: ReadonlySet<string>;
  /** Columns to defer, per node id. */
  readonly deferred: ReadonlyMap<string, readonly string[]>;
  /** Cycles that cannot be broken because every column in them is NOT NULL, each as node ids. */
  readonly unbreakable: readonly (readonly string[])[];
}

export function orderByForeignKeys(nodes: readonly OrderNode[]): LoadOrder {
  const ids = new Set(nodes.map((n) => n.id));
  const deferred = new Map<string, string[]>();
  const unbreakable: string[][] = [];
  const referenced = new Set<string>();
  // Remaining dependencies: node -> edges still to satisfy.
  const pending = new Map(nodes.map((n) => [n.id, n.edges.filter((e) => ids.has(e.references))]));

  for (const node of nodes) {
    for (const edge of pending.get(node.id)!)
      if (edge.references !== node.id) referenced.add(edge.references);
    const self = pending.get(node.id)!.filter((e) => e.references === node.id);
    for (const edge of self) defer(node.id, edge);
    pending.set(
      node.id,
      pending.get(node.id)!.filter((e) => e.references !== node.id),
    );
  }

  function defer(id: string, edge: OrderNode['edges'][number]): boolean {
    if (!edge.nullable) return false;
    deferred.set(id, [...(deferred.get(id) ?? []), ...edge.columns]);
    return true;
  }

  const level = new Map<string, number>();
  let current = 0;
  while (level.size < nodes.length) {
    const ready = nodes.filter(
      (n) =>
        !level.has(n.id) &&
        pending.get(n.id)!.every((e) => level.has(e.references) && level.get(e.references)! < current),
    );
    if (ready.length > 0) {
      for (const n of ready) level.set(n.id, current);
      current += 1;
      continue;
    }
    // Everything left waits on a cycle. Break one cycle (a strongly connected component) at a node
    // whose foreign key into that cycle is nullable; nodes that merely depend on a cycle wait for it.
    const remaining = nodes.filter((n) => !level.has(n.id));
    const cycles = stronglyConnected(
      remaining.map((n) => n.id),
      (id) =>
        pending
          .get(id)!
          .filter((e) => !level.has(e.references))
          .map((e) => e.references),
    ).filter((c) => c.length > 1);
    const inCycle = (id: string, cycle: readonly string[]) => cycle.includes(id);
    let broken = false;
    for (const cycle of cycles) {
      const node = cycle.find((id) =>
        pending.get(id)!.some((e) => inCycle(e.references, cycle) && e.nullable),
      );
      if (!node) continue;
      const keep = [];
      for (const e of pending.get(node)!) {
        if (inCycle(e.references, cycle) && e.nullable) defer(node, e);
        else keep.push(e);
      }
      pending.set(node, keep);
      broken = true;
      break;
    }
    if (!broken) {
      unbreakable.push(...cycles.map((c) => [...c]));
      for (const n of remaining) level.set(n.id, current);
      break;
    }
  }
  return { level, referenced, deferred, unbreakable };
}

/** Tarjan's algorithm: the strongly connected components of a graph, each as node ids. */
function stronglyConnected(ids: readonly string[], next: (id: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (id: string) => {
    index.set(id, counter);
    low.set(id, counter);
    counter += 1;
    stack.push(id);
    onStack.add(id);
    for (const to of next(id)) {
      if (!ids.includes(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(id, Math.min(low.get(id)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(id, Math.min(low.get(id)!, index.get(to)!));
      }
    }
    if (low.get(id) === index.get(id)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== id);
      components.push(component.sort());
    }
  };
  for (const id of ids) if (!index.has(id)) visit(id);
  return components;
}
