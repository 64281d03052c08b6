import type { ColumnInfo, TableInfo } from '@databridge/engine';

/** What the schema endpoint answers: the engine's model plus the default schema of the connection. */
export interface SchemaData {
  readonly dialect: 'postgres' | 'mysql' | 'sqlite';
  readonly defaultSchema: string;
  readonly schemas: readonly string[];
  readonly tables: readonly TableInfo[];
}

/** The name a spec writes for a table: without its schema when that is the default one. */
export function specName(table: Pick<TableInfo, 'schema' | 'name'>, defaultSchema: string): string {
  return table.schema === defaultSchema ? table.name : `${table.schema}.${table.name}`;
}

export function qualified(table: Pick<TableInfo, 'schema' | 'name'>): string {
  return `${table.schema}.${table.name}`;
}

/** The table a spec name points at (`table` or `schema.table`), as the engine resolves it. */
export function findTable(
  schema: SchemaData | undefined,
  name: string,
  defaultSchema: string | undefined,
): TableInfo | undefined {
  if (!schema) return undefined;
  const dot = name.indexOf('.');
  const wantedSchema = dot > 0 ? name.slice(0, dot) : (defaultSchema ?? schema.defaultSchema);
  const wantedName = dot > 0 ? name.slice(dot + 1) : name;
  const exact = schema.tables.find((t) => t.schema === wantedSchema && t.name === wantedName);
  if (exact) return exact;
  const lower = (s: string) => s.toLowerCase();
  return schema.tables.find(
    (t) => lower(t.schema) === lower(wantedSchema) && lower(t.name) === lower(wantedName),
  );
}

export function findColumn(table: TableInfo | undefined, name: string): ColumnInfo | undefined {
  return (
    table?.columns.find((c) => c.name === name) ??
    table?.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())
  );
}

/** Name as a matching key: case, underscores and punctuation ignored (`InvoiceLineId` = `invoice_line_id`). */
export function nameKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Column pairs of two tables with the same name key, in target order: a start for a manual mapping. */
export function sameNamedColumns(source: TableInfo, target: TableInfo): { source: string; target: string }[] {
  const byKey = new Map(source.columns.map((c) => [nameKey(c.name), c.name]));
  const pairs: { source: string; target: string }[] = [];
  for (const column of target.columns) {
    const match = byKey.get(nameKey(column.name));
    if (match) pairs.push({ source: match, target: column.name });
  }
  return pairs;
}
