import Database from 'better-sqlite3';

/** A SQLite source file with two tables of `rows` rows each and no foreign key between them. */
export function writeTwoTables(file: string, rows: number): void {
  const db = new Database(file);
  db.exec(`CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE product (id INTEGER PRIMARY KEY, label TEXT NOT NULL, price REAL);`);
  const customer = db.prepare('INSERT INTO customer VALUES (?, ?)');
  const product = db.prepare('INSERT INTO product VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= rows; i++) {
      customer.run(i, `customer ${i}`);
      product.run(i, `product ${i}`, i / 100);
    }
  })();
  db.close();
}

const columns = (...names: string[]) => ['id', ...names].map((c) => ({ source: c, target: c }));

/** Both tables into tables of the same names: independent, so their tasks load at the same time. */
export const twoTableMappings = [
  { source: 'customer', target: 'customer', mode: 'append', columns: columns('name') },
  { source: 'product', target: 'product', mode: 'append', columns: columns('label', 'price') },
];

/** Rows in `table` of the SQLite file, read on a connection of its own. */
export function countRows(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}
