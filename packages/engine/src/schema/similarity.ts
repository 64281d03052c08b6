/**
 * Name similarity for auto-mapping: `dbo.Customers`, `customers`, `Customer` and `customer` are the
 * same table; `CustomerId`, `customer_id` and `customerID` the same column.
 */

/** Splits camelCase, PascalCase, snake_case, kebab-case and spaces into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** English plural to singular for the common cases that appear in table names. */
export function singular(word: string): string {
  if (word.length <= 3) return word;
  if (/ies$/.test(word)) return word.slice(0, -3) + 'y';
  if (/(ss|us|is)$/.test(word)) return word;
  if (/(xes|ches|shes|sses)$/.test(word)) return word.slice(0, -2);
  if (/s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The comparable form of a table name: no schema, singular words, joined by `_`. */
export function tableKey(name: string): string {
  const bare = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
  return words(bare).map(singular).join('_');
}

/**
 * The comparable form of a column name within its table: a bare `Id` becomes `<table>_id`, so that
 * `Customers.Id` matches `customer.customer_id`.
 */
export function columnKey(name: string, table: string): string {
  const w = words(name);
  if (w.length === 1 && w[0] === 'id') return `${tableKey(table)}_id`;
  return w.join('_');
}

/** Similarity in [0, 1]: 1 for equal keys, else the Sørensen–Dice coefficient of letter pairs. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const pairs = (s: string) => {
    const compact = s.replace(/_/g, '');
    const out = new Map<string, number>();
    for (let i = 0; i < compact.length - 1; i++) {
      const p = compact.slice(i, i + 2);
      out.set(p, (out.get(p) ?? 0) + 1);
    }
    return out;
  };
  const pa = pairs(a);
  const pb = pairs(b);
  let shared = 0;
  let total = 0;
  for (const n of pa.values()) total += n;
  for (const n of pb.values()) total += n;
  for (const [p, n] of pa) shared += Math.min(n, pb.get(p) ?? 0);
  if (total === 0) return 0;
  // Keys equal but for the underscores (`playlisttrack` vs `playlist_track`) are the same name.
  if (a.replace(/_/g, '') === b.replace(/_/g, '')) return 0.98;
  return Math.round(((2 * shared) / total) * 100) / 100;
}

/** Pairs items one to one by descending score, keeping pairs at or above `threshold`. */
export function matchOneToOne<A, B>(
  left: readonly A[],
  right: readonly B[],
  score: (a: A, b: B) => number,
  threshold: number,
): { left: A; right: B; score: number }[] {
  const candidates: { i: number; j: number; score: number }[] = [];
  for (const [i, a] of left.entries()) {
    for (const [j, b] of right.entries()) {
      const s = score(a, b);
      if (s >= threshold) candidates.push({ i, j, score: s });
    }
  }
  candidates.sort((x, y) => y.score - x.score || x.i - y.i || x.j - y.j);
  const usedLeft = new Set<number>();
  const usedRight = new Set<number>();
  const pairs: { left: A; right: B; score: number }[] = [];
  for (const c of candidates) {
    if (usedLeft.has(c.i) || usedRight.has(c.j)) continue;
    usedLeft.add(c.i);
    usedRight.add(c.j);
    pairs.push({ left: left[c.i]!, right: right[c.j]!, score: c.score });
  }
  return pairs;
}
