import type { Connection, LoadSession } from '../connectors/connection.ts';
import { maskPassword } from '../connectors/url.ts';
import { DataBridgeError, isDataBridgeError, messageOf } from '../errors.ts';
import { planMigration } from '../plan/plan-migration.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import { schemaDdl } from '../plan/schema-ddl.ts';
import { qualifiedName } from '../schema/model.ts';
import type { MigrationSpec, PipelineSettings } from '../spec/spec-schema.ts';
import { loadPage } from './load-page.ts';
import { openPair } from './open-pair.ts';
import type { RejectedRow } from './rejected-row.ts';
import { compileMapping, firstRows } from './sample-rows.ts';

export interface DryRunOptions {
  readonly spec: MigrationSpec;
  readonly lineOf?: (path: readonly (string | number)[]) => string;
  /** Rows per mapping, at most: the first ones in source key order. */
  readonly limit: number;
  readonly signal?: AbortSignal;
}

export interface DryRunTable {
  readonly mappingId: string;
  /** `schema.table`. */
  readonly source: string;
  readonly target: string;
  readonly stage: PlannedMapping['stage'];
  readonly level: number;
  readonly rowsRead: number;
  /** Rows the target took inside the rolled-back transaction. */
  readonly rowsWritten: number;
  readonly rowsRejected: number;
  /** Target columns loaded as NULL: a real run fills them after the load, a dry run does not. */
  readonly deferredColumns: readonly string[];
  /** Every rejected row: value-level (conversions, NOT NULL) and database-level (constraints). */
  readonly rejected: readonly RejectedRow[];
}

export interface DryRunResult {
  readonly specName: string;
  /** URLs with their passwords masked. */
  readonly source: string;
  readonly target: string;
  readonly limit: number;
  /** In load order: dimensions by level, then facts. */
  readonly tables: readonly DryRunTable[];
  readonly totals: { readonly rowsRead: number; readonly rowsWritten: number; readonly rowsRejected: number };
  /** What a reader of the numbers should know: rollback, deferred columns, created tables, limits. */
  readonly notes: readonly string[];
}

/**
 * Loads at most `limit` rows of each mapping into the target, in the plan's load order, inside one
 * transaction that is always rolled back, and reports what would happen: rows read, written and
 * rejected per table, with every rejection's reason (every bad row is isolated and reported, as under
 * `skip_and_log`). Writes no checkpoint and no run record, runs no hook and no validation. Target
 * tables the spec creates are created inside the transaction where the database can roll DDL back;
 * elsewhere (MySQL) their rows only go through the value checks.
 */
export async function dryRun(options: DryRunOptions): Promise<DryRunResult> {
  const { spec, limit } = options;
  const plan = await planMigration(spec, options.lineOf);
  const { source, target } = await openPair({ ...spec, pipeline: { ...spec.pipeline, parallelism: 1 } });
  const notes: string[] = [];
  const tables: DryRunTable[] = [];
  let session: LoadSession | undefined;
  try {
    session = await target.loader.begin();
    // Where each target table's rows go; several mappings may load one table, prepared once.
    const prepared = new Map<string, LoadSession>();
    for (const mapping of inLoadOrder(plan.mappings)) {
      const table = qualifiedName(mapping.target);
      let into = prepared.get(table);
      if (!into) {
        const ready = await prepareTable(mapping, session, target, spec.pipeline, notes);
        into = ready === 'loads' ? session : valuesOnly;
        prepared.set(table, into);
      }
      tables.push(await loadMapping(mapping, into, plan.spec, source, target, limit, options.signal));
    }
  } finally {
    await session?.rollback();
    await Promise.allSettled([source.close(), target.close()]);
  }
  const totals = {
    rowsRead: sum(tables, (t) => t.rowsRead),
    rowsWritten: sum(tables, (t) => t.rowsWritten),
    rowsRejected: sum(tables, (t) => t.rowsRejected),
  };
  notes.unshift(
    `dry run: at most ${limit} row(s) per table, in one transaction that was rolled back; nothing stays in the target, and no checkpoint, run record, hook or validation ran`,
  );
  for (const t of tables) {
    if (t.deferredColumns.length > 0) {
      notes.push(
        `${t.target}: ${t.deferredColumns.join(', ')} loaded as NULL (deferred: a real run fills ${t.deferredColumns.length > 1 ? 'them' : 'it'} from the source after the load; a dry run does not)`,
      );
    }
  }
  if (tables.some((t) => t.rejected.some((r) => r.column === null))) {
    notes.push(
      `a foreign-key refusal can come from the row limit itself: a child row whose parent is beyond the first ${limit} row(s) of its table`,
    );
  }
  return {
    specName: spec.name,
    source: maskPassword(spec.source.url),
    target: maskPassword(spec.target.url),
    limit,
    tables,
    totals,
    notes,
  };
}

/** Dimensions by level, then facts by level; spec order within a level. */
function inLoadOrder(mappings: readonly PlannedMapping[]): PlannedMapping[] {
  const stage = (m: PlannedMapping) => (m.stage === 'load_dimensions' ? 0 : 1);
  return [...mappings].sort((a, b) => stage(a) - stage(b) || a.level - b.level || a.index - b.index);
}

/**
 * Gets a target table ready the first time a mapping loads it: created when the spec creates it (where
 * DDL rolls back), emptied for `replace`. Either failing is what a real run would meet, so it stops the
 * dry run with the table's name.
 */
async function prepareTable(
  mapping: PlannedMapping,
  session: LoadSession,
  target: Connection,
  settings: PipelineSettings,
  notes: string[],
): Promise<'loads' | 'values only'> {
  const table = qualifiedName(mapping.target);
  try {
    if (mapping.createTarget) {
      if (!target.capabilities.transactionalDdl) {
        notes.push(
          `${table} does not exist and ${target.dialect.name} cannot roll back CREATE TABLE: its rows went through the value checks only, not into the database`,
        );
        return 'values only';
      }
      // Enum types first (PostgreSQL), then the table, as the run creates them.
      for (const statement of schemaDdl([mapping], target.dialect, settings).beforeLoad)
        await session.execute(statement.sql);
      notes.push(`${table} does not exist: created inside the dry run's transaction, and gone with it`);
    } else if (mapping.mode === 'replace') {
      await session.truncate(mapping.target);
      notes.push(`${table} (replace) was emptied first, inside the dry run's transaction`);
    }
    return 'loads';
  } catch (error) {
    const code = isDataBridgeError(error) ? error.code : 'internal';
    throw new DataBridgeError(code, `dry run: preparing ${table}: ${messageOf(error)}`, { cause: error });
  }
}

async function loadMapping(
  mapping: PlannedMapping,
  session: LoadSession,
  spec: MigrationSpec,
  source: Connection,
  target: Connection,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<DryRunTable> {
  const compiled = compileMapping(mapping, spec.pipeline, {
    source: source.dialect.name,
    target: target.dialect.name,
  });
  const page = {
    mapping,
    transform: compiled.transform,
    sourceNames: compiled.sourceNames,
    policy: 'skip_and_log' as const,
  };
  const loadTarget = { table: mapping.target, columns: mapping.columns.map((c) => c.target) };
  const mode = mapping.mode === 'upsert' ? 'upsert' : 'append';
  let rowsRead = 0;
  let rowsWritten = 0;
  const rejected: RejectedRow[] = [];
  try {
    for await (const rows of firstRows(source, compiled, limit, signal)) {
      const result = await loadPage(page, session, loadTarget, rows, mode);
      rowsRead += rows.length;
      rowsWritten += result.written;
      rejected.push(...result.rejected);
    }
  } catch (error) {
    const code = isDataBridgeError(error) ? error.code : 'internal';
    const where = `dry run: loading ${qualifiedName(mapping.target)} from ${qualifiedName(mapping.source)}`;
    throw new DataBridgeError(code, `${where}: ${messageOf(error)}`, { cause: error });
  }
  return {
    mappingId: mapping.id,
    source: qualifiedName(mapping.source),
    target: qualifiedName(mapping.target),
    stage: mapping.stage,
    level: mapping.level,
    rowsRead,
    rowsWritten,
    rowsRejected: rejected.length,
    deferredColumns: mapping.columns.filter((c) => c.deferred).map((c) => c.target.name),
    rejected,
  };
}

/** Stands in for a table that cannot exist inside the transaction: takes every row that passed the value checks. */
const valuesOnly: LoadSession = {
  truncate: async () => {},
  write: async (_target, rows) => rows.length,
  writeCheckpoint: async () => {
    throw new DataBridgeError('internal', 'a dry run writes no checkpoint');
  },
  savepoint: async () => {},
  rollbackTo: async () => {},
  releaseSavepoint: async () => {},
  execute: async () => {},
  commit: async () => {
    throw new DataBridgeError('internal', 'a dry run commits nothing');
  },
  rollback: async () => {},
};

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((n, item) => n + of(item), 0);
}
