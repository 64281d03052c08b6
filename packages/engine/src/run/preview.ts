import type { SqliteFolder } from '../connectors/connection.ts';
import { openConnection } from '../connectors/open.ts';
import { parseConnectionUrl } from '../connectors/url.ts';
import { DataBridgeError } from '../errors.ts';
import { planMigration } from '../plan/plan-migration.ts';
import type { MigrationPlan, PlannedColumn, PlannedMapping } from '../plan/plan-types.ts';
import { qualifiedName } from '../schema/model.ts';
import type { MigrationSpec, StringOperation } from '../spec/spec-schema.ts';
import type { Row } from '../values.ts';
import { ColumnRejection, jsonSafe, rowObject } from './rejected-row.ts';
import { type CompiledMapping, compileMapping, firstRows } from './sample-rows.ts';

export interface PreviewOptions {
  readonly spec: MigrationSpec;
  readonly lineOf?: (path: readonly (string | number)[]) => string;
  /** Only the mappings whose source or target table has this name, case-insensitive (`table` or `schema.table`). */
  readonly table?: string;
  /** Sample rows per mapping; default 10. */
  readonly rows?: number;
  readonly signal?: AbortSignal;
  /** A server's confinement of SQLite files (none for the CLI). */
  readonly sqliteFolder?: SqliteFolder;
}

/** What fills one target column. */
export interface PreviewColumn {
  readonly target: string;
  readonly source?: string;
  readonly expression?: string;
  readonly default?: unknown;
  readonly transform: readonly StringOperation[];
  /** Loaded as NULL and filled with the source value after the load (a self-reference or a cycle). */
  readonly deferred: boolean;
}

/** One sample row: the values read, the row the target would get, or why the row would be rejected. */
export interface PreviewRow {
  /** By source column (or expression text); key columns are included even when not mapped. */
  readonly source: Readonly<Record<string, unknown>>;
  /** By target column; null when the row would be rejected. */
  readonly target: Readonly<Record<string, unknown>> | null;
  readonly rejected: { readonly column: string; readonly reason: string } | null;
}

export interface MappingPreview {
  readonly mappingId: string;
  /** `schema.table`. */
  readonly source: string;
  readonly target: string;
  /** The columns the sample is in the order of; empty when the source has no key (database order). */
  readonly orderedBy: readonly string[];
  readonly columns: readonly PreviewColumn[];
  readonly rows: readonly PreviewRow[];
}

/**
 * Reads the first rows (default 10, in source key order) of each mapping and runs them through the
 * mapping's row transform, without writing anything: the values as read beside the values the target
 * would get, and the rows the conversions or NOT NULL checks would reject, with the reason. Only the
 * source is read; the target is only introspected, for the plan.
 */
export async function previewMigration(options: PreviewOptions): Promise<MappingPreview[]> {
  const { spec } = options;
  const plan = await planMigration(spec, options.lineOf, options.sqliteFolder);
  const selected = selectMappings(plan, options.table);
  const targetDialect = parseConnectionUrl(spec.target.url).dialect;
  const source = await openConnection(spec.source.url, {
    poolSize: 1,
    ...(options.sqliteFolder ? { sqliteFolder: options.sqliteFolder } : {}),
  });
  try {
    const previews: MappingPreview[] = [];
    for (const mapping of selected) {
      const compiled = compileMapping(mapping, spec.pipeline, {
        source: source.dialect.name,
        target: targetDialect,
      });
      const rows: PreviewRow[] = [];
      for await (const page of firstRows(source, compiled, options.rows ?? 10, options.signal)) {
        for (const row of page) rows.push(previewRow(compiled, row));
      }
      previews.push({
        mappingId: mapping.id,
        source: qualifiedName(mapping.source),
        target: qualifiedName(mapping.target),
        orderedBy: mapping.sourceKey,
        columns: mapping.columns.map(describeColumn),
        rows,
      });
    }
    return previews;
  } finally {
    await source.close();
  }
}

function previewRow(compiled: CompiledMapping, row: Row): PreviewRow {
  const source = rowObject(compiled.sourceNames, row);
  const targetNames = compiled.mapping.columns.map((c) => c.target.name);
  try {
    return { source, target: rowObject(targetNames, compiled.transform(row)), rejected: null };
  } catch (error) {
    if (!(error instanceof ColumnRejection)) throw error;
    return { source, target: null, rejected: { column: error.column, reason: error.reason } };
  }
}

function describeColumn(c: PlannedColumn): PreviewColumn {
  return {
    target: c.target.name,
    ...(c.source ? { source: c.source.name } : {}),
    ...(c.expression !== undefined ? { expression: c.expression } : {}),
    ...(c.defaultValue !== undefined ? { default: jsonSafe(c.defaultValue) } : {}),
    transform: c.transform,
    deferred: c.deferred,
  };
}

/**
 * The mappings a `--table` filter keeps: all of them without a filter. A table matches by its name as
 * the spec writes it or as the plan resolved it, with or without its schema. A name matching nothing
 * is bad input naming the tables the spec has.
 */
function selectMappings(plan: MigrationPlan, table: string | undefined): PlannedMapping[] {
  if (table === undefined) return [...plan.mappings];
  const wanted = table.trim().toLowerCase();
  const namesOf = (m: PlannedMapping) => {
    const written = plan.spec.mappings[m.index]!;
    return [
      written.source,
      written.target,
      ...[m.source, m.target].flatMap((t) => [t.name, qualifiedName(t)]),
    ];
  };
  const kept = plan.mappings.filter((m) => namesOf(m).some((name) => name.toLowerCase() === wanted));
  if (kept.length === 0) {
    const known = [...new Set(plan.spec.mappings.flatMap((m) => [m.source, m.target]))];
    throw new DataBridgeError(
      'unknown_table',
      `no mapping reads or writes a table named "${table}"; the spec's tables are ${known.join(', ')}`,
    );
  }
  return kept;
}
