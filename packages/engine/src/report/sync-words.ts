import type { SyncSummary } from '../run/run-summary.ts';
import type { Value } from '../values.ts';

const count = (n: number) => n.toLocaleString('en-US');

/** A cursor value as people read it; a first run has none. */
export function cursorText(value: Value | null): string {
  if (value === null) return 'none (full load)';
  return typeof value === 'string' ? value : String(value);
}

/** "5 read, 2 inserted, 3 updated, 1 deleted": what an incremental mapping moved. */
export function syncCounts(s: SyncSummary): string {
  const soft = s.softDeleted === null ? '' : `, ${count(s.softDeleted)} soft-deleted`;
  return `${count(s.rowsRead)} read, ${count(s.inserted)} inserted, ${count(s.updated)} updated, ${count(s.deleted)} deleted${soft}`;
}
