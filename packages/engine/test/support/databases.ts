import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DialectName } from '../../src/schema/model.ts';

/**
 * Fresh, isolated databases on the real servers the machine runs, one per test. Each returns the
 * connection URL and a `drop` that removes it again.
 */
export const PG_ADMIN_URL =
  process.env.DATABRIDGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_ADMIN_URL = process.env.DATABRIDGE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';

export interface TestDatabase {
  readonly url: string;
  /** Database name (PostgreSQL, MySQL) or file path (SQLite). */
  readonly name: string;
  drop(): Promise<void>;
}

/** Every registered connector: a new one makes the switches below ask for its test database. */
export type TestDialect = DialectName;

function uniqueName(): string {
  return `dbt_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export async function freshPostgres(): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = PG_ADMIN_URL.replace(/\/[^/?]*(\?.*)?$/, `/${name}$1`);
  return {
    url,
    name,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function freshMysql(): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = await mysql.createConnection(MYSQL_ADMIN_URL);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await admin.end();
  }
  const url = MYSQL_ADMIN_URL.replace(/\/[^/?]*(\?.*)?$/, `/${name}`);
  return {
    url,
    name,
    async drop() {
      const c = await mysql.createConnection(MYSQL_ADMIN_URL);
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}

export async function freshSqlite(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'databridge-test-'));
  const file = join(dir, 'test.sqlite');
  return {
    url: `sqlite:${file}`,
    name: file,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function freshDatabase(dialect: TestDialect): Promise<TestDatabase> {
  switch (dialect) {
    case 'postgres':
      return freshPostgres();
    case 'mysql':
      return freshMysql();
    case 'sqlite':
      return freshSqlite();
  }
}

/** Runs SQL directly with the driver (not through DataBridge), for setting up and checking tests. */
export async function rawExec(db: TestDatabase, dialect: TestDialect, sql: string): Promise<unknown[]> {
  switch (dialect) {
    case 'postgres': {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        const r = await c.query(sql);
        const last = Array.isArray(r) ? r[r.length - 1] : r;
        return last?.rows ?? [];
      } finally {
        await c.end();
      }
    }
    case 'mysql': {
      const c = await mysql.createConnection({ uri: db.url, multipleStatements: true, dateStrings: true });
      try {
        const [rows] = await c.query(sql);
        return Array.isArray(rows) ? (rows as unknown[]) : [];
      } finally {
        await c.end();
      }
    }
    case 'sqlite': {
      const { default: Database } = await import('better-sqlite3');
      const d = new Database(db.name);
      try {
        const trimmed = sql.trim();
        if (/^(select|with|pragma)\b/i.test(trimmed) && !trimmed.replace(/;\s*$/, '').includes(';')) {
          return d.prepare(trimmed).all();
        }
        d.exec(sql);
        return [];
      } finally {
        d.close();
      }
    }
  }
}
