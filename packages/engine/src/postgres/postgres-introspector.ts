import type pg from 'pg';
import type {
  CheckInfo,
  ColumnDefault,
  ColumnInfo,
  DatabaseSchema,
  ForeignKeyInfo,
  IndexInfo,
  SourceObject,
  TableInfo,
  UniqueConstraintInfo,
} from '../schema/model.ts';
import {
  CHECKS_SQL,
  COLUMN_EXTRAS_SQL,
  COLUMNS_SQL,
  INDEXES_SQL,
  KEYS_SQL,
  OTHER_OBJECTS_SQL,
  SCHEMAS_SQL,
} from './postgres-catalog.ts';
import { CHECKPOINT_TABLE } from './postgres-checkpoints.ts';
import type { PostgresDialect } from './postgres-dialect.ts';
import { mapPgErrors } from './postgres-errors.ts';
import { normaliseType } from './postgres-types.ts';

/** Tables never analysed and smaller than this many pages are counted exactly. */
const EXACT_COUNT_MAX_PAGES = 1000;

interface ColumnRow {
  oid: number;
  schema: string;
  table: string;
  kind: string;
  reltuples: number;
  relpages: number;
  pages: number;
  column: string;
  native_type: string;
  typname: string;
  typmod: number;
  not_null: boolean;
  identity: string;
  default_value: string | null;
}

interface KeyRow {
  oid: number;
  name: string;
  kind: 'p' | 'u' | 'f' | 'i';
  columns: string;
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string;
}

interface TableDraft {
  schema: string;
  name: string;
  oid: number;
  rowEstimate: number | 'count';
  columns: ColumnInfo[];
  primaryKey: string[];
  foreignKeys: ForeignKeyInfo[];
  uniqueConstraints: UniqueConstraintInfo[];
  indexes: IndexInfo[];
  checks: CheckInfo[];
  comment?: string;
}

interface IndexRow {
  oid: number;
  name: string;
  unique: boolean;
  partial: boolean;
  method: string;
  columns: string;
}

interface ExtrasRow {
  oid: number;
  table_comment: string | null;
  column: string;
  comment: string | null;
  labels: string | null;
}

/** Reads schemas, tables, columns, keys and row estimates in four catalog queries at most. */
export class PostgresIntrospector {
  constructor(
    private readonly pool: pg.Pool,
    private readonly dialect: PostgresDialect,
  ) {}

  /** Every non-system schema, or those of `options.schemas` that exist, in the order given. */
  async introspect(options: { schemas?: readonly string[] } = {}): Promise<DatabaseSchema> {
    return mapPgErrors('Reading the PostgreSQL catalog', async () => {
      const existing = (await this.pool.query<{ name: string }>(SCHEMAS_SQL)).rows.map((r) => r.name);
      const schemas = options.schemas ? options.schemas.filter((s) => existing.includes(s)) : existing;
      const columns = await this.pool.query<ColumnRow>(COLUMNS_SQL, [schemas, CHECKPOINT_TABLE.name]);
      const drafts = this.draftTables(columns.rows);
      const oids = [...drafts.keys()];
      const [keys, indexes, extras, others, checks] = await Promise.all([
        this.pool.query<KeyRow>(KEYS_SQL, [oids]),
        this.pool.query<IndexRow>(INDEXES_SQL, [oids]),
        this.pool.query<ExtrasRow>(COLUMN_EXTRAS_SQL, [oids]),
        this.pool.query<SourceObject>(OTHER_OBJECTS_SQL, [schemas]),
        this.pool.query<{ oid: number; name: string; def: string }>(CHECKS_SQL, [oids]),
      ]);
      for (const check of checks.rows) {
        const clause = /^CHECK\s+(.*)$/is.exec(check.def)?.[1];
        if (clause) drafts.get(check.oid)!.checks.push({ name: check.name, clause, dialect: 'postgres' });
      }
      for (const key of keys.rows) addKey(drafts.get(key.oid)!, key);
      for (const index of indexes.rows) addIndex(drafts.get(index.oid)!, index);
      for (const extra of extras.rows) addExtras(drafts.get(extra.oid)!, extra);
      const exact = await this.exactCounts([...drafts.values()].filter((d) => d.rowEstimate === 'count'));
      const tables = [...drafts.values()].map(
        ({ oid, rowEstimate, ...table }): TableInfo => ({
          ...table,
          rowEstimate: rowEstimate === 'count' ? (exact.get(oid) ?? -1) : rowEstimate,
        }),
      );
      return { dialect: 'postgres', schemas, tables, otherObjects: others.rows };
    });
  }

  private draftTables(rows: readonly ColumnRow[]): Map<number, TableDraft> {
    const drafts = new Map<number, TableDraft>();
    for (const row of rows) {
      let draft = drafts.get(row.oid);
      if (!draft) {
        draft = {
          schema: row.schema,
          name: row.table,
          oid: row.oid,
          rowEstimate: estimateRows(row),
          columns: [],
          primaryKey: [],
          foreignKeys: [],
          uniqueConstraints: [],
          indexes: [],
          checks: [],
        };
        drafts.set(row.oid, draft);
      }
      draft.columns.push({
        name: row.column,
        nativeType: row.native_type,
        ...normaliseType(row.typname, row.typmod),
        nullable: !row.not_null,
        defaultValue: row.default_value,
        autoIncrement: row.identity !== '' || /^nextval\(/i.test(row.default_value ?? ''),
        ordinal: draft.columns.length + 1,
        ...(row.default_value === null ? {} : { defaultParsed: parsePostgresDefault(row.default_value) }),
      });
    }
    return drafts;
  }

  /** Exact counts of small, never analysed tables, all in one query. */
  private async exactCounts(drafts: readonly TableDraft[]): Promise<Map<number, number>> {
    if (drafts.length === 0) return new Map();
    const sql = drafts
      .map((d) => `SELECT ${d.oid}::oid AS oid, count(*) AS n FROM ${this.dialect.qualify(d)}`)
      .join(' UNION ALL ');
    const result = await this.pool.query<{ oid: number; n: number }>(sql);
    return new Map(result.rows.map((r) => [r.oid, r.n]));
  }
}

/**
 * The planner's own estimate (statistics scaled to the relation's current size, as the planner does),
 * `count` for a small table never analysed, -1 when unknown.
 */
function estimateRows(row: ColumnRow): number | 'count' {
  if (row.reltuples >= 0 && row.relpages > 0) return Math.round((row.reltuples / row.relpages) * row.pages);
  if (row.kind === 'p') return row.reltuples >= 0 ? Math.round(row.reltuples) : -1;
  return row.pages < EXACT_COUNT_MAX_PAGES ? 'count' : -1;
}

function addKey(draft: TableDraft, key: KeyRow): void {
  const columns = JSON.parse(key.columns) as string[];
  if (key.kind === 'p') draft.primaryKey.push(...columns);
  else if (key.kind === 'u' || key.kind === 'i') draft.uniqueConstraints.push({ name: key.name, columns });
  else {
    draft.foreignKeys.push({
      name: key.name,
      columns,
      referencedSchema: key.ref_schema!,
      referencedTable: key.ref_table!,
      referencedColumns: JSON.parse(key.ref_columns) as string[],
    });
  }
}

function addIndex(draft: TableDraft, row: IndexRow): void {
  const columns = JSON.parse(row.columns) as string[];
  draft.indexes.push({
    name: row.name,
    // A partial index names no column: its condition is not read, and it is not recreated.
    columns: row.partial ? [''] : columns,
    unique: row.unique,
    ...(row.method === 'btree' ? {} : { method: row.method.toUpperCase() }),
  });
}

function addExtras(draft: TableDraft, row: ExtrasRow): void {
  if (row.table_comment) draft.comment = row.table_comment;
  const index = draft.columns.findIndex((c) => c.name === row.column);
  if (index < 0) return;
  const column = draft.columns[index]!;
  draft.columns[index] = {
    ...column,
    ...(row.comment ? { comment: row.comment } : {}),
    ...(row.labels ? { enumValues: JSON.parse(row.labels) as string[] } : {}),
  };
}

/**
 * A PostgreSQL default as pg_get_expr prints it: `'text'::character varying`, `0`, `(-1)`, `true`,
 * `now()`, `CURRENT_TIMESTAMP`, or any other expression (kept as PostgreSQL SQL).
 */
export function parsePostgresDefault(raw: string): ColumnDefault {
  const text = raw.trim();
  if (/^NULL(::[\w\s."]+)?$/i.test(text)) return { kind: 'null' };
  if (
    /^(now\(\)|CURRENT_TIMESTAMP(\(\d+\))?|LOCALTIMESTAMP(\(\d+\))?|transaction_timestamp\(\))$/i.test(text)
  )
    return { kind: 'current_timestamp' };
  if (/^CURRENT_DATE$/i.test(text)) return { kind: 'current_date' };
  if (/^(CURRENT_TIME|LOCALTIME)(\(\d+\))?$/i.test(text)) return { kind: 'current_time' };
  const quoted = /^'((?:[^']|'')*)'(::[\w\s."()]+)?$/.exec(text);
  if (quoted) return { kind: 'literal', text: quoted[1]!.replaceAll("''", "'") };
  const number = /^\(?(-?\d+(\.\d+)?)\)?(::[\w\s]+)?$/.exec(text);
  if (number) return { kind: 'literal', text: number[1]! };
  if (/^(true|false)$/i.test(text)) return { kind: 'literal', text: text.toLowerCase() };
  return { kind: 'expression', sql: text, dialect: 'postgres' };
}
