/** Orders task ids as people count: `m2.p10` after `m2.p9`. */
const NATURAL = new Intl.Collator('en', { numeric: true });

/**
 * A task as people name it in logs and alerts: its tables, and its part when the table is split into
 * key ranges, e.g. "Track → track, part 1 of 4" (never the internal `m11.p1`).
 */
export function taskName(
  mapping: { readonly source: { readonly name: string }; readonly target: { readonly name: string } },
  taskId: string,
  siblingIds: readonly string[],
): string {
  const tables = `${mapping.source.name} → ${mapping.target.name}`;
  if (siblingIds.length <= 1) return tables;
  const parts = [...siblingIds].sort(NATURAL.compare);
  return `${tables}, part ${parts.indexOf(taskId) + 1} of ${parts.length}`;
}
