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
    // A cycle: break it at the first remaining node with a nullable edge into the remaining set.
    const remaining = nodes.filter((n) => !level.has(n.id));
    const breakable = remaining.find((n) =>
      pending.get(n.id)!.some((e) => !level.has(e.references) && e.nullable),
    );
    if (!breakable) {
      unbreakable.push(remaining.map((n) => n.id));
      for (const n of remaining) level.set(n.id, current);
      break;
    }
    const keep = [];
    for (const e of pending.get(breakable.id)!) {
      if (!level.has(e.references) && e.nullable) defer(breakable.id, e);
      else keep.push(e);
    }
    pending.set(breakable.id, keep);
  }
  return { level, referenced, deferred, unbreakable };
}
