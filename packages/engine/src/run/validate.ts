import type { Connection, InDatabaseHash, ReadRequest } from '../connectors/connection.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { ColumnInfo } from '../schema/model.ts';
import { RowChecksum } from './checksum.ts';
import { runPool } from './task-pool.ts';

export interface TableValidation {
  /** Target table, `schema.table`. */
  readonly table: string;
  readonly mappingIds: readonly string[];
  readonly sourceRows: number;
  readonly targetRows: number;
  /** What the target should hold now. */
  readonly expectedTargetRows: number;
  readonly countMatches: boolean;
  readonly checksum:
    | { readonly source: string; readonly target: string; readonly matches: boolean }
    | { readonly skipped: string };
  /** Empty when everything matches; else what differs, in words. */
  readonly problems: readonly string[];
}

export interface ValidateOptions {
  readonly rowCount: boolean;
  readonly checksum: boolean;
  /** Rows rejected (not loaded, each accounted for in the rejects file), by mapping id. */
  readonly rejected: Readonly<Record<string, number>>;
  /** Target rows before this run's first load, by target table. */
  readonly targetBefore: Readonly<Record<string, number>>;
  /** Source checksums the load tasks computed while reading, by mapping id (see `sumWhileLoading`). */
  readonly sourceSums?: Readonly<Record<string, { rows: number; digest: string }>>;
  /** Tables validated at the same time (the run's parallelism); one after another when omitted. */
  readonly concurrency?: number;
  /**
   * Tables already validated while others loaded (session-validate.ts `validateTableEarly`), by
   * `schema.table`. One whose early run failed fails the stage with that error, as it would have here
   * (a terminated session is `transient`, and a resume validates the table again).
   */
  readonly early?: ReadonlyMap<string, Promise<TableValidation>>;
  readonly signal: AbortSignal;
}

/**
 * Compares each target table with its sources: row counts (source rows read versus rows that arrived)
 * and, for plain copies into tables that held nothing else, an order-independent checksum of every
 * copied column computed over both sides.
 */
export async function validateTables(
  mappings: readonly PlannedMapping[],
  source: Connection,
  target: Connection,
  options: ValidateOptions,
): Promise<TableValidation[]> {
  const groups = new Map<string, PlannedMapping[]>();
  for (const m of mappings) {
    const key = `${m.target.schema}.${m.target.name}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  // Tables side by side: each waits mostly on two servers scanning, so one table's counts and sums
  // overlap another's instead of leaving a core idle.
  const entries = [...groups];
  const results: TableValidation[] = new Array(entries.length);
  await runPool(
    entries.map((entry, index) => ({ entry, index })),
    options.concurrency ?? 1,
    async ({ entry: [table, group], index }) => {
      results[index] = await (options.early?.get(table) ??
        validateGroup(table, group, source, target, options));
    },
    () => {},
  );
  return results;
}

async function validateGroup(
  table: string,
  group: readonly PlannedMapping[],
  source: Connection,
  target: Connection,
  options: ValidateOptions,
): Promise<TableValidation> {
  const first = group[0]!;
  const rejected = group.reduce((n, m) => n + (options.rejected[m.id] ?? 0), 0);
  const before = first.mode === 'replace' ? 0 : (options.targetBefore[table] ?? 0);
  const skipped =
    rejected > 0
      ? `${rejected} row(s) were rejected; the rejects file holds them`
      : skipReason(group, before, options);
  // Counts and checksums at once: they read the same tables on two servers. A checksum counts the
  // whole target table as it sums it, so the target is then not counted a second time; a checksum
  // both servers compute counts the source too.
  const sourceSummed = skipped === undefined && checksumMethod(first, source, target) === 'in_database';
  const [counted, summed] = await Promise.all([
    sourceSummed
      ? undefined
      : Promise.all(group.map((m) => source.reader.count(m.source, m.where))).then((counts) =>
          counts.reduce((a, b) => a + b, 0),
        ),
    skipped === undefined
      ? compareChecksums(first, source, target, options)
      : target.reader.count(first.target).then((rows) => ({ checksum: { skipped }, targetRows: rows })),
  ]);
  const { checksum, targetRows } = summed;
  const sourceRows = counted ?? ('sourceRows' in summed ? (summed.sourceRows ?? 0) : 0);
  const expected = before + sourceRows - rejected;
  const problems: string[] = [];
  const upsert = group.some((m) => m.mode === 'upsert');
  const countMatches = upsert ? targetRows >= sourceRows - rejected : targetRows === expected;
  if (options.rowCount && !countMatches) {
    problems.push(
      upsert
        ? `target holds ${targetRows} rows, fewer than the ${sourceRows} source rows upserted`
        : `target holds ${targetRows} rows, expected ${expected} (${sourceRows} from the source${rejected ? ` - ${rejected} rejected` : ''}${before ? ` + ${before} already there` : ''}): ${Math.abs(expected - targetRows)} ${targetRows < expected ? 'missing' : 'too many'}`,
    );
  }
  if ('matches' in checksum && !checksum.matches) {
    problems.push(
      `checksum of the copied columns differs (source ${checksum.source}, target ${checksum.target})`,
    );
  }
  return {
    table,
    mappingIds: group.map((m) => m.id),
    sourceRows,
    targetRows,
    expectedTargetRows: expected,
    countMatches,
    checksum,
    problems,
  };
}

/** Why a table's checksum is not compared, or undefined when it is. */
function skipReason(
  group: readonly PlannedMapping[],
  before: number,
  options: ValidateOptions,
): string | undefined {
  const m = group[0]!;
  if (!options.checksum) return 'checksum validation is off';
  if (group.length > 1) return 'several mappings load this table';
  if (!m.plainCopy) return 'the mapping transforms values';
  if (before > 0 || m.mode === 'upsert') return 'the target held other rows before the run';
  return undefined;
}

/** Both sides' checksums of a plain copy into a table that held nothing else, and the target's rows. */
async function compareChecksums(
  m: PlannedMapping,
  source: Connection,
  target: Connection,
  options: ValidateOptions,
): Promise<{ checksum: TableValidation['checksum']; targetRows: number; sourceRows?: number }> {
  const sourceRequest = {
    table: m.source,
    select: m.columns.map((c) => ({ column: c.source!.name })),
    ...(m.where ? { where: m.where } : {}),
  };
  const targetRequest = { table: m.target, select: m.columns.map((c) => ({ column: c.target.name })) };
  const method = checksumMethod(m, source, target);
  if (method === 'in_database') {
    // Same kind of database, same native types: both servers checksum their own rows, nothing moves.
    const hash = await inDatabaseHash(m, source, target);
    const [s, t] = await Promise.all([
      source.reader.checksumInDatabase!(sourceRequest, hash),
      target.reader.checksumInDatabase!(targetRequest, hash),
    ]);
    const matches = s.rows === t.rows && s.digest === t.digest;
    return {
      checksum: { source: `${s.rows}:${s.digest}`, target: `${t.rows}:${t.digest}`, matches },
      targetRows: t.rows,
      sourceRows: s.rows,
    };
  }
  const types = m.columns.map((c) => c.target);
  if (method === 'canonical') {
    // The target server sums its own side in DataBridge's canonical form. The source side was summed
    // by the load tasks as they read it, when every task could; else it is read again here.
    const canonical = m.columns.map((c) => ({ name: c.target.name, type: c.target.type }));
    const [s, t] = await Promise.all([
      options.sourceSums?.[m.id] ??
        sumRows(source, sourceRequest, RowChecksum.postgres(types), options.signal).then((sum) => ({
          rows: sum.rows,
          digest: sum.digest(),
        })),
      target.reader.checksumCanonical!(targetRequest, canonical),
    ]);
    const ss = `${s.rows}:${s.digest}`;
    const tt = `${t.rows}:${t.digest}`;
    return { checksum: { source: ss, target: tt, matches: ss === tt }, targetRows: t.rows };
  }
  const [s, t] = await Promise.all([
    sumRows(source, sourceRequest, new RowChecksum(types), options.signal),
    sumRows(target, targetRequest, new RowChecksum(types), options.signal),
  ]);
  return {
    checksum: { source: s.digest(), target: t.digest(), matches: s.digest() === t.digest() },
    targetRows: t.rows,
  };
}

/** Values hashed one by one when both servers can, else each row's text: both sides the same form. */
async function inDatabaseHash(
  m: PlannedMapping,
  source: Connection,
  target: Connection,
): Promise<InDatabaseHash> {
  const nativeTypes = m.columns.map((c) => c.target.nativeType);
  const [sourceCan, targetCan] = await Promise.all([
    source.reader.hashesValues?.(nativeTypes) ?? false,
    target.reader.hashesValues?.(nativeTypes) ?? false,
  ]);
  return sourceCan && targetCan ? { form: 'values', nativeTypes } : { form: 'row_text' };
}

/** Reads every row of `request` into `sum`. */
async function sumRows(
  connection: Connection,
  request: ReadRequest,
  sum: RowChecksum,
  signal: AbortSignal,
): Promise<RowChecksum> {
  for await (const rows of connection.reader.stream(request, 5_000, signal)) for (const r of rows) sum.add(r);
  return sum;
}

/**
 * How a plain copy's checksum is computed: by both servers in SQL (same database, same types), by
 * the target server in DataBridge's canonical form against the same hash summed over the source
 * rows, or by DataBridge reading both sides.
 */
export function checksumMethod(
  m: PlannedMapping,
  source: Connection,
  target: Connection,
): 'in_database' | 'canonical' | 'in_process' {
  const sameTypes = m.columns.every((c) => c.source?.nativeType === c.target.nativeType);
  if (
    sameTypes &&
    source.dialect.name === target.dialect.name &&
    source.reader.checksumInDatabase &&
    target.reader.checksumInDatabase
  )
    return 'in_database';
  const serverTypes = target.reader.canonicalChecksumTypes;
  if (
    target.reader.checksumCanonical &&
    serverTypes &&
    m.columns.every((c) => serverTypes.has(c.target.type))
  )
    return 'canonical';
  return 'in_process';
}

/**
 * Whether the load tasks of a mapping should sum its source rows as they read them, and where each
 * checksummed value sits in a read row: for plain copies whose validation would otherwise read the
 * whole source again to compare with the target server's canonical sum.
 */
export function sumWhileLoading(
  m: PlannedMapping,
  source: Connection,
  target: Connection,
  checksumOn: boolean,
  valueIndex: readonly number[],
): { types: readonly ColumnInfo[]; indexes: readonly number[] } | undefined {
  if (!checksumOn || !m.plainCopy) return undefined;
  // An incremental mapping sums the rows it moves for its report, whatever the validation compares.
  if (m.sync && valueIndex.every((i) => i >= 0))
    return { types: m.columns.map((c) => c.target), indexes: valueIndex };
  if (m.mode === 'upsert') return undefined;
  if (valueIndex.some((i) => i < 0) || checksumMethod(m, source, target) !== 'canonical') return undefined;
  return { types: m.columns.map((c) => c.target), indexes: valueIndex };
}
