import type { Connection } from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';

/**
 * Fills the columns that were loaded as NULL to break a foreign-key cycle, now that every row they
 * reference exists. Re-running it is harmless (it sets the same values), so a resume simply repeats it.
 * It updates one row per statement inside one transaction, and only rows whose value is not NULL:
 * fine for the self-references of dimension tables it exists for (an employee's manager), slow for a
 * self-referencing table of millions of rows (a set-based version is on the list).
 */
export async function fillDeferredColumns(
  mapping: PlannedMapping,
  source: Connection,
  target: Connection,
  options: { batchSize: number; signal: AbortSignal },
): Promise<number> {
  const deferred = mapping.columns.filter((c) => c.deferred && c.source);
  if (deferred.length === 0) return 0;
  const keyTargets = mapping.sourceKey.map(
    (k) => mapping.columns.find((c) => c.source?.name === k)?.target.name,
  );
  if (mapping.sourceKey.length === 0 || keyTargets.some((k) => k === undefined)) {
    throw new DataBridgeError(
      'bad_spec',
      `${mapping.target.name}: ${deferred.map((c) => c.target.name).join(', ')} must be filled after loading (foreign-key cycle), which needs the source key mapped to the target`,
    );
  }
  const d = target.dialect;
  const set = deferred
    .map((c, i) => `${d.quoteIdentifier(c.target.name)} = ${d.placeholder(i + 1)}`)
    .join(', ');
  const where = keyTargets
    .map((k, i) => `${d.quoteIdentifier(k!)} = ${d.placeholder(deferred.length + i + 1)}`)
    .join(' AND ');
  const sql = `UPDATE ${d.qualify(mapping.target)} SET ${set} WHERE ${where}`;
  const notNull = deferred
    .map((c) => `${source.dialect.quoteIdentifier(c.source!.name)} IS NOT NULL`)
    .join(' OR ');
  const request = {
    table: mapping.source,
    select: [
      ...deferred.map((c) => ({ column: c.source!.name })),
      ...mapping.sourceKey.map((k) => ({ column: k })),
    ],
    where: mapping.where ? `(${mapping.where}) AND (${notNull})` : notNull,
  };
  const session = await target.loader.begin();
  let updated = 0;
  try {
    for await (const rows of source.reader.stream(request, options.batchSize, options.signal)) {
      for (const row of rows) await session.execute(sql, row);
      updated += rows.length;
    }
    await session.commit();
  } finally {
    await session.rollback();
  }
  return updated;
}
