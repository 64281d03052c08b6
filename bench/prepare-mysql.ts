import { MYSQL_DB } from './config.ts';
import { customerLines, orderLines } from './data/lines.ts';
import { CUSTOMER_COLUMNS, GENERATOR_VERSION, ORDER_COLUMNS } from './data/rows.ts';
import { loadData, mysql } from './mysql.ts';
import { MYSQL_TABLES } from './schema.ts';

const marker = (rows: number) => `databridge-bench v${GENERATOR_VERSION} rows=${rows}`;

/**
 * Fills the MariaDB database with N customers and 2N orders (LOAD DATA LOCAL from the generator's
 * stream), unless it already holds exactly that data. Returns whether it loaded anything.
 */
export async function prepareMysqlSource(rows: number): Promise<boolean> {
  if (await holds(rows)) return false;
  await mysql(null, `DROP DATABASE IF EXISTS ${MYSQL_DB}; CREATE DATABASE ${MYSQL_DB} CHARACTER SET utf8mb4`);
  await mysql(MYSQL_DB, MYSQL_TABLES);
  await loadData(MYSQL_DB, 'customers', CUSTOMER_COLUMNS, customerLines(rows));
  await loadData(MYSQL_DB, 'orders', ORDER_COLUMNS, orderLines(rows));
  await mysql(MYSQL_DB, `ANALYZE TABLE customers, orders; ALTER TABLE customers COMMENT = '${marker(rows)}'`);
  return true;
}

async function holds(rows: number): Promise<boolean> {
  const [[comment] = []] = await mysql(
    null,
    `SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${MYSQL_DB}' AND TABLE_NAME = 'customers'`,
  );
  if (comment !== marker(rows)) return false;
  const [[customers, orders] = []] = await mysql(
    MYSQL_DB,
    'SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM orders)',
  );
  return Number(customers) === rows && Number(orders) === 2 * rows;
}
