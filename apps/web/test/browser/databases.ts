import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHINOOK_SQLITE, loadChinookPostgres } from '../../../../packages/engine/test/support/chinook.ts';
import {
  freshPostgres,
  rawExec,
  type TestDatabase,
} from '../../../../packages/engine/test/support/databases.ts';

export { CHINOOK_COUNTS } from '../../../../packages/engine/test/support/chinook.ts';
export { rawExec, type TestDatabase };

/** A private copy of the Chinook SQLite file (a run must never touch the fixture); `drop` deletes it. */
export function chinookSourceFile(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'databridge-browser-source-'));
  const file = join(dir, 'chinook.sqlite');
  copyFileSync(CHINOOK_SQLITE, file);
  return {
    url: `sqlite:${file}`,
    name: file,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh PostgreSQL database with the empty snake_case Chinook schema: what auto-mapping maps onto. */
export async function chinookTarget(): Promise<TestDatabase> {
  const db = await freshPostgres();
  await loadChinookPostgres(db, { withData: false });
  return db;
}

/**
 * A fresh PostgreSQL database with one table `reading` of `rows` rows (id, sensor, value, note):
 * big enough that a pause lands in the middle of its load.
 */
export async function bigPostgresSource(rows: number): Promise<TestDatabase> {
  const db = await freshPostgres();
  await rawExec(
    db,
    'postgres',
    `CREATE TABLE reading (id bigint PRIMARY KEY, sensor text NOT NULL, value numeric(12,3) NOT NULL, note text);
     INSERT INTO reading
       SELECT i, 'sensor-' || (i % 97), (i % 10007) / 7.0, repeat('x', 40 + i % 40)
       FROM generate_series(1, ${rows}) AS i;
     ANALYZE reading;`,
  );
  return db;
}

export { freshPostgres };

/** `SELECT count(*)` as a number. */
export async function countRows(db: TestDatabase, sql: string): Promise<number> {
  const [row] = (await rawExec(db, 'postgres', sql)) as { count: string | number }[];
  return Number(row?.count);
}
