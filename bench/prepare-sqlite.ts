import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DATA_DIR } from './config.ts';
import { chunks, customerRow, GENERATOR_VERSION, orderRow } from './data/rows.ts';
import { SQLITE_TABLES } from './schema.ts';

/** The SQLite source for N rows; the name carries the generator version and N. */
export function sqliteSourceFile(rows: number): string {
  return resolve(DATA_DIR, `source-v${GENERATOR_VERSION}-${rows}.sqlite`);
}

/**
 * Writes N customers and 2N orders into a new SQLite file with prepared inserts, one transaction per
 * chunk, and moves it into place only when complete, unless it exists with the right counts already.
 * Older source files are removed. Returns whether it loaded anything.
 */
export function prepareSqliteSource(rows: number): boolean {
  const file = sqliteSourceFile(rows);
  if (existsSync(file) && holds(file, rows)) return false;
  mkdirSync(DATA_DIR, { recursive: true });
  for (const name of readdirSync(DATA_DIR))
    if (/^source-.*\.sqlite(-journal|\.tmp)?$/.test(name)) rmSync(resolve(DATA_DIR, name));
  const partial = `${file}.tmp`;
  const db = new Database(partial);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(SQLITE_TABLES);
    const customer = db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const order = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)');
    const insertAll = db.transaction(
      (statement: Database.Statement, batch: readonly (readonly unknown[])[]) => {
        for (const row of batch) statement.run(row.map((v) => (typeof v === 'boolean' ? Number(v) : v)));
      },
    );
    for (const batch of chunks(customerRow, 1, rows, 50_000)) insertAll(customer, batch);
    for (const batch of chunks((id) => orderRow(id, rows), 1, 2 * rows, 50_000)) insertAll(order, batch);
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
  renameSync(partial, file);
  return true;
}

function holds(file: string, rows: number): boolean {
  const db = new Database(file, { readonly: true });
  try {
    const counts = db
      .prepare('SELECT (SELECT count(*) FROM customers) AS c, (SELECT count(*) FROM orders) AS o')
      .get() as { c: number; o: number };
    return counts.c === rows && counts.o === 2 * rows;
  } finally {
    db.close();
  }
}
