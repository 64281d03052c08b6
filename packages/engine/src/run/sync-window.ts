import type { Connection } from '../connectors/connection.ts';
import type { MigrationPlan, PlannedMapping, PlannedSync, SyncWindow } from '../plan/plan-types.ts';
import type { Value } from '../values.ts';
import { cursorLiteral, cursorMinus, laterCursor } from './cursor-values.ts';

/** A cursor saved by a completed run, per project (the CLI: per spec name) and mapping. */
export interface SavedCursor {
  readonly value: Value;
  /** The run that reached it. */
  readonly runId: string;
  readonly savedAt: string;
  /** The source table's columns as that run found them; absent where none were kept. */
  readonly columns?: readonly SourceColumn[];
}

/** A source column as a cursor remembers it, to tell the next run what changed. */
export interface SourceColumn {
  readonly name: string;
  readonly nativeType: string;
}

/**
 * The name a mapping's cursor is saved under: its source and target tables, which stay the same when
 * mappings are added or reordered (ids `m1`, `m2` do not).
 */
export function cursorKey(mapping: Pick<PlannedMapping, 'source' | 'target'>): string {
  return `${mapping.source.schema}.${mapping.source.name} -> ${mapping.target.schema}.${mapping.target.name}`;
}

/** A backfill's range of cursor values: from (included) to (excluded), ISO-8601 instants. */
export interface SyncRange {
  readonly from: string;
  readonly to: string | null;
}

/**
 * Fixes, as a new run starts, the cursor values each incremental mapping reads: from the saved cursor
 * (less the lookback; everything on a first run) to the source's highest value now. The window goes
 * into the mapping's filter, so every stage (counts, key ranges, reads, validation) sees the same
 * rows, and into the plan the run state keeps, so a resume reads exactly the rows the run began with.
 */
export async function openSyncWindows(
  plan: MigrationPlan,
  source: Connection,
  saved: Readonly<Record<string, SavedCursor>>,
  range?: SyncRange,
): Promise<MigrationPlan> {
  if (plan.spec.pipeline.schema === 'schema_only') return plan;
  const mappings = await Promise.all(
    plan.mappings.map(async (m): Promise<PlannedMapping> => {
      if (!m.sync) return m;
      const before = saved[cursorKey(m)]?.value ?? null;
      const window = range
        ? rangeWindow(m, m.sync, before, range, source)
        : syncWindow(m, m.sync, before, (await source.reader.bounds(m.source, m.sync.cursor)).max, source);
      // Rows a backfill re-reads are matched on the key; an append without one would load them twice.
      if (range && m.mode === 'append')
        return m.conflictKey.length > 0
          ? { ...m, mode: 'upsert', where: window.filter || m.where, sync: { ...m.sync, window } }
          : { ...m, where: '1 = 0', sync: { ...m.sync, window: { ...window, filter: '1 = 0' } } };
      return { ...m, where: window.filter || m.where, sync: { ...m.sync, window } };
    }),
  );
  return { ...plan, mappings };
}

/**
 * A backfill's window: the rows whose date or timestamp cursor falls in the range, read again and
 * upserted (or appended) without touching the saved cursor. An integer cursor has no dates: every
 * row is read.
 */
function rangeWindow(
  m: PlannedMapping,
  sync: PlannedSync,
  before: Value | null,
  range: SyncRange,
  source: Connection,
): SyncWindow {
  const { cursorType: type } = sync;
  const column = source.dialect.quoteIdentifier(sync.cursor);
  const conditions: string[] = m.where ? [`(${m.where})`] : [];
  const temporal = type === 'date' || type === 'timestamp' || type === 'timestamptz';
  const asCursor = (iso: string): Value => {
    const text = new Date(iso).toISOString();
    if (type === 'date') return text.slice(0, 10);
    return `${text.slice(0, 19).replace('T', ' ')}${type === 'timestamptz' ? '+00' : ''}`;
  };
  const lower = temporal ? asCursor(range.from) : null;
  const upper = temporal && range.to ? asCursor(range.to) : null;
  const literal = (v: Value) => cursorLiteral(v, type, source.dialect.name);
  if (lower !== null) conditions.push(`${column} >= ${literal(lower)}`);
  if (upper !== null) conditions.push(`${column} < ${literal(upper)}`);
  return { before, lower, upper, filter: conditions.join(' AND '), backfill: true };
}

function syncWindow(
  m: PlannedMapping,
  sync: PlannedSync,
  before: Value | null,
  max: Value | null,
  source: Connection,
): SyncWindow {
  const { cursorType: type } = sync;
  const lower = before === null ? null : cursorMinus(before, type, sync.lookbackSeconds);
  // A source whose newest rows were deleted holds a lower maximum: the saved cursor stands.
  const upper = laterCursor(max, before, type);
  const column = source.dialect.quoteIdentifier(sync.cursor);
  const literal = (v: Value) => cursorLiteral(v, type, source.dialect.name);
  const conditions: string[] = [];
  if (lower !== null) {
    // An upsert re-reads the boundary value (rows that share it may have come since) and matches them
    // on the key; an append takes only what is past it.
    conditions.push(`${column} ${sync.mode === 'incremental_upsert' ? '>=' : '>'} ${literal(lower)}`);
    if (upper !== null) conditions.push(`${column} <= ${literal(upper)}`);
  } else if (upper !== null) {
    // A first run is a full load; rows without a cursor value come with it (later runs cannot see them).
    conditions.push(`(${column} <= ${literal(upper)} OR ${column} IS NULL)`);
  }
  if (m.where) conditions.unshift(`(${m.where})`);
  return { before, lower, upper, filter: conditions.join(' AND ') };
}
