import type { DatabaseSchema } from '@databridge/engine';

/** The schema as a person reads it: one block per table, one line per column. */
export function renderSchema(schema: DatabaseSchema, url: string): string {
  const out: string[] = [
    `${url} (${schema.dialect}): ${schema.tables.length} tables in ${schema.schemas.join(', ')}`,
    '',
  ];
  for (const t of schema.tables) {
    const estimate = t.rowEstimate < 0 ? 'rows unknown' : `~${t.rowEstimate.toLocaleString('en-US')} rows`;
    out.push(`${t.schema}.${t.name}  (${estimate})`);
    const width = Math.max(...t.columns.map((c) => c.name.length));
    for (const c of t.columns) {
      const flags = [
        t.primaryKey.includes(c.name) ? 'PK' : '',
        c.nullable ? 'null' : 'not null',
        c.autoIncrement ? 'auto' : '',
        c.defaultValue !== null ? `default ${c.defaultValue}` : '',
      ].filter(Boolean);
      out.push(
        `  ${c.name.padEnd(width)}  ${c.nativeType.padEnd(22)} ${c.type.padEnd(11)} ${flags.join(', ')}`,
      );
    }
    if (t.primaryKey.length > 1) out.push(`  primary key (${t.primaryKey.join(', ')})`);
    for (const fk of t.foreignKeys) {
      out.push(
        `  foreign key (${fk.columns.join(', ')}) -> ${fk.referencedSchema}.${fk.referencedTable} (${fk.referencedColumns.join(', ')})`,
      );
    }
    for (const u of t.uniqueConstraints) out.push(`  unique (${u.columns.join(', ')})`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
