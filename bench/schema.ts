/**
 * The two tables in each database's words. The PostgreSQL text serves the `dbo` source and the
 * target; every contender loads into exactly this target DDL, primary and foreign keys included.
 */

export function postgresTables(schema: string, options: { constraints: boolean }): string {
  const pk = options.constraints ? ' PRIMARY KEY' : '';
  const fk = options.constraints ? ` REFERENCES ${schema}.customers (id)` : '';
  return `CREATE TABLE ${schema}.customers (
  id bigint NOT NULL${pk},
  name text NOT NULL,
  email text NOT NULL,
  country char(2) NOT NULL,
  created_at timestamp NOT NULL,
  balance numeric(12,2) NOT NULL,
  active boolean NOT NULL,
  notes text
);
CREATE TABLE ${schema}.orders (
  id bigint NOT NULL${pk},
  customer_id bigint NOT NULL${fk},
  ordered_at timestamp NOT NULL,
  amount numeric(12,2) NOT NULL,
  status text NOT NULL,
  note text
);`;
}

/** Keys added after a bulk load into bare tables (faster than loading through them). */
export function postgresConstraints(schema: string): string {
  return `ALTER TABLE ${schema}.customers ADD PRIMARY KEY (id);
ALTER TABLE ${schema}.orders ADD PRIMARY KEY (id);
ALTER TABLE ${schema}.orders ADD FOREIGN KEY (customer_id) REFERENCES ${schema}.customers (id);`;
}

export const MYSQL_TABLES = `CREATE TABLE customers (
  id BIGINT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  country CHAR(2) NOT NULL,
  created_at DATETIME NOT NULL,
  balance DECIMAL(12,2) NOT NULL,
  active BOOLEAN NOT NULL,
  notes TEXT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE orders (
  id BIGINT NOT NULL PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  ordered_at DATETIME NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  status VARCHAR(16) NOT NULL,
  note TEXT NULL,
  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;`;

/** `INTEGER PRIMARY KEY` is SQLite's 64-bit rowid key; timestamps are ISO text, booleans 0/1. */
export const SQLITE_TABLES = `CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  country CHAR(2) NOT NULL,
  created_at TIMESTAMP NOT NULL,
  balance NUMERIC(12,2) NOT NULL,
  active BOOLEAN NOT NULL,
  notes TEXT
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  ordered_at TIMESTAMP NOT NULL,
  amount NUMERIC(12,2) NOT NULL,
  status VARCHAR(16) NOT NULL,
  note TEXT
);`;
