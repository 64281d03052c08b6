import type { ColumnInfo, TableRef } from '../schema/model.ts';

/**
 * The staging table of one task: its rows in source key order (`seq`), each with its key and values,
 * and `rejected`, NULL until the cleanse stage takes the row out (then why, see cleanse-mapping.ts).
 */
export function stagedTable(schema: string, taskId: string): TableRef {
  return { schema, name: `task_${taskId}` };
}

const column = (name: string, type: 'int64' | 'text', ordinal: number): ColumnInfo => ({
  name,
  nativeType: type === 'int64' ? 'bigint' : 'text',
  type,
  nullable: name === 'key',
  defaultValue: null,
  autoIncrement: false,
  ordinal,
});

/** `seq` (1, 2, … in the order the source gave the rows), `key` (the row's key, encoded), `row`. */
export const STAGED_COLUMNS: readonly ColumnInfo[] = [
  column('seq', 'int64', 1),
  column('key', 'text', 2),
  column('row', 'text', 3),
];

/** `rejected` is not among STAGED_COLUMNS: the extract's COPY leaves it NULL. */
export function createStagedTableSql(qualified: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${qualified} (seq bigint PRIMARY KEY, key text, row text NOT NULL, rejected jsonb)`,
    // Tables staged before the cleanse stage existed.
    `ALTER TABLE ${qualified} ADD COLUMN IF NOT EXISTS rejected jsonb`,
  ];
}
