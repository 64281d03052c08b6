import type { Connection } from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { Row, Value } from '../values.ts';

/** Target rows deleted per statement. */
const DELETE_BATCH = 500;

/**
 * Deletes the target rows of an incremental upsert whose key the source no longer has (spec
 * `sync.deletes.compareKeys`), and returns how many went. Every key of both tables is read (keys
 * only, in pages): the source's are held as text in a set, the target's streamed against it. The
 * set costs memory in proportion to the table's keys, which is why it is a setting.
 */
export async function deleteGoneKeys(
  m: PlannedMapping,
  sourceFilter: string | undefined,
  source: Connection,
  target: Connection,
  signal: AbortSignal,
): Promise<number> {
  const sourceColumns = m.conflictKey.map((k) => {
    const column = m.columns.find((c) => c.target.name === k)?.source?.name;
    if (!column) {
      throw new DataBridgeError(
        'bad_spec',
        `mapping ${m.source.name} → ${m.target.name}: deletes by key comparison need key column “${k}” copied from a source column`,
      );
    }
    return column;
  });
  const present = new Set<string>();
  const sourceRequest = {
    table: m.source,
    select: sourceColumns.map((column) => ({ column })),
    ...(sourceFilter ? { where: sourceFilter } : {}),
  };
  for await (const rows of source.reader.stream(sourceRequest, 10_000, signal))
    for (const row of rows) present.add(keyText(row));

  const targetRequest = { table: m.target, select: m.conflictKey.map((column) => ({ column })) };
  // Collected first, deleted after the read: SQLite cannot delete under its own open cursor.
  const gone: Row[] = [];
  for await (const rows of target.reader.stream(targetRequest, 10_000, signal))
    for (const row of rows) if (!present.has(keyText(row))) gone.push(row);
  for (let i = 0; i < gone.length; i += DELETE_BATCH)
    await deleteKeys(target, m, gone.slice(i, i + DELETE_BATCH));
  return gone.length;
}

/** A key as text that is equal for equal keys read from any database (`5` and `5n` and `"5"` alike). */
function keyText(row: readonly Value[]): string {
  return JSON.stringify(
    row.map((v) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v === null ? null : String(v),
    ),
  );
}

async function deleteKeys(target: Connection, m: PlannedMapping, keys: readonly Row[]): Promise<void> {
  const d = target.dialect;
  const params: Value[] = [];
  const tuple = (row: Row) =>
    `(${row
      .map((v) => {
        params.push(v);
        return d.placeholder(params.length);
      })
      .join(', ')})`;
  const columns = m.conflictKey.map((k) => d.quoteIdentifier(k)).join(', ');
  const sql = `DELETE FROM ${d.qualify(m.target)} WHERE (${columns}) IN (${keys.map(tuple).join(', ')})`;
  await target.query(sql, params);
}
