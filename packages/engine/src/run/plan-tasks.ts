import type { Connection, KeyRange } from '../connectors/connection.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { Value } from '../values.ts';
import type { TaskRecord } from './run-state.ts';

const INTEGER_TYPES = new Set(['int16', 'int32', 'int64']);

/**
 * Splits each mapping into tasks. A table with a single integer key and more than two batches of
 * rows splits into up to `parallelism` key ranges read and loaded side by side; every other table is
 * one task. `replace` keeps one task, because truncate and load share one transaction.
 */
export async function planTasks(
  mappings: readonly PlannedMapping[],
  source: Connection,
  rowCounts: ReadonlyMap<string, number>,
  settings: { batchSize: number; parallelism: number },
): Promise<TaskRecord[]> {
  const tasks: TaskRecord[] = [];
  for (const m of mappings) {
    const rows = rowCounts.get(m.id) ?? 0;
    const key =
      m.sourceKey.length === 1 ? m.source.columns.find((c) => c.name === m.sourceKey[0]) : undefined;
    const parts = Math.min(settings.parallelism, Math.floor(rows / settings.batchSize));
    if (!key || !INTEGER_TYPES.has(key.type) || m.mode === 'replace' || parts < 2) {
      tasks.push({ id: `${m.id}`, mappingId: m.id, range: null });
      continue;
    }
    const { min, max } = await source.reader.bounds(m.source, key.name);
    if (min === null || max === null) {
      tasks.push({ id: `${m.id}`, mappingId: m.id, range: null });
      continue;
    }
    const ranges = splitRange(toBigInt(min), toBigInt(max), parts, key.name);
    for (const [i, range] of ranges.entries())
      tasks.push({ id: `${m.id}.p${i + 1}`, mappingId: m.id, range });
  }
  return tasks;
}

/** Half-open ranges covering [min, max]; the first is open below and the last open above. */
export function splitRange(min: bigint, max: bigint, parts: number, column: string): KeyRange[] {
  const span = max - min + 1n;
  const step = span / BigInt(parts) || 1n;
  const bounds: bigint[] = [];
  for (let i = 1; i < parts; i++) {
    const b = min + step * BigInt(i);
    if (b > min && b <= max && (bounds.length === 0 || b > bounds[bounds.length - 1]!)) bounds.push(b);
  }
  const ranges: KeyRange[] = [];
  let from: Value | undefined;
  for (const b of bounds) {
    ranges.push({ column, ...(from !== undefined ? { from } : {}), to: fromBigInt(b) });
    from = fromBigInt(b);
  }
  ranges.push({ column, ...(from !== undefined ? { from } : {}) });
  return ranges;
}

function toBigInt(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' || typeof v === 'string') return BigInt(v);
  throw new Error(`key bound ${String(v)} is not an integer`);
}

function fromBigInt(b: bigint): Value {
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b.toString();
}
