import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import {
  freshDatabase,
  rawExec,
  type TestDatabase,
  type TestDialect,
} from '../../../../packages/engine/test/support/databases.ts';

/**
 * The fault suite's data: accounts and the entries that reference them (a foreign key the target
 * declares, so the load drops it and must add it back checked), with text full of tabs, `\N`, CR/LF
 * and 4-byte UTF-8 so that a half-copied or doubled row shows in the md5 of the ordered rows.
 */
export const ACCOUNTS = 5_000;
export const ENTRIES = 80_000;

const MEMO = {
  // The same text on every server: a tab, a literal \N, CR/LF, an emoji, the row number, and 300
  // characters more, so that the source cannot push a whole table into socket buffers before the
  // target has taken much of it (a reader killed then is killed mid-read).
  postgres: (n: string) => `E'a\\tb\\\\N\\r\\n' || chr(128512) || ' ' || ${n} || repeat('.', 300)`,
  mysql: (n: string) => `CONCAT('a\\tb\\\\N\\r\\n', _utf8mb4 0xF09F9880, ' ', ${n}, REPEAT('.', 300))`,
  sqlite: (n: string) =>
    `'a' || char(9) || 'b\\N' || char(13, 10) || char(128512) || ' ' || ${n} || replace(hex(zeroblob(150)), '0', '.')`,
} as const;

const SOURCE_SQL: Record<TestDialect, string> = {
  postgres: `CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
    CREATE TABLE entries (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts(id), memo text, amount numeric(12,2));
    INSERT INTO accounts SELECT g, 'account ' || g FROM generate_series(1, ${ACCOUNTS}) g;
    INSERT INTO entries SELECT g, 1 + g % ${ACCOUNTS}, ${MEMO.postgres('g')}, g / 100.0 FROM generate_series(1, ${ENTRIES}) g;`,
  mysql: `CREATE TABLE accounts (id bigint PRIMARY KEY, name varchar(40) NOT NULL);
    CREATE TABLE entries (id bigint PRIMARY KEY, account_id bigint NOT NULL, memo varchar(400), amount decimal(12,2), FOREIGN KEY (account_id) REFERENCES accounts(id)) CHARACTER SET utf8mb4;
    INSERT INTO accounts SELECT seq, CONCAT('account ', seq) FROM seq_1_to_${ACCOUNTS};
    INSERT INTO entries SELECT seq, 1 + seq % ${ACCOUNTS}, ${MEMO.mysql('seq')}, seq / 100 FROM seq_1_to_${ENTRIES};`,
  sqlite: `CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE entries (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id), memo TEXT, amount NUMERIC(12,2));
    WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${ACCOUNTS}) INSERT INTO accounts SELECT n, 'account ' || n FROM g;
    WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${ENTRIES}) INSERT INTO entries SELECT n, 1 + n % ${ACCOUNTS}, ${MEMO.sqlite('n')}, n / 100.0 FROM g;`,
};

/**
 * The PostgreSQL target: the same tables, the foreign key declared (and so dropped for the load), and
 * a statement trigger that sleeps 20 ms per batch so that the load lasts a few seconds: long enough
 * to be hit at a chosen point, short enough for the suite.
 */
const TARGET_SQL = `CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
  CREATE TABLE entries (id bigint PRIMARY KEY, account_id bigint NOT NULL, memo text, amount numeric(12,2),
    CONSTRAINT entries_account_fk FOREIGN KEY (account_id) REFERENCES accounts(id));
  CREATE FUNCTION slow_batch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.02); RETURN NULL; END $$;
  CREATE TRIGGER slow_batch AFTER INSERT ON entries FOR EACH STATEMENT EXECUTE FUNCTION slow_batch();`;

export interface FaultPair {
  readonly source: TestDatabase;
  readonly target: TestDatabase;
  readonly from: TestDialect;
  /** md5 of the source's ordered rows, by table. */
  readonly expected: Record<string, string>;
}

export async function faultPair(from: TestDialect, dropLater: TestDatabase[]): Promise<FaultPair> {
  const source = await freshDatabase(from);
  const target = await freshDatabase('postgres');
  dropLater.push(source, target);
  await rawExec(source, from, SOURCE_SQL[from]);
  await rawExec(target, 'postgres', TARGET_SQL);
  return { source, target, from, expected: await orderedMd5(source, from) };
}

/**
 * For a run that creates its tables: an event trigger that holds each CREATE TABLE 300 ms, so that
 * a kill can land between two of them.
 */
const SLOW_DDL = `CREATE FUNCTION slow_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3); END $$;
  CREATE EVENT TRIGGER slow_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION slow_ddl();`;

/**
 * Another PostgreSQL target for the same source: with the tables and their key (and the slow
 * trigger), or empty for a run that creates them (`create`).
 */
export async function freshTarget(
  base: FaultPair,
  dropLater: TestDatabase[],
  options: { create: boolean },
): Promise<FaultPair> {
  const target = await freshDatabase('postgres');
  dropLater.push(target);
  await rawExec(target, 'postgres', options.create ? SLOW_DDL : TARGET_SQL);
  return { ...base, target };
}

/** The md5 of every table's rows in key order, each value as text (amounts at two decimals). */
export async function orderedMd5(db: TestDatabase, dialect: TestDialect): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const amount = dialect === 'sqlite' ? "printf('%.2f', amount)" : 'amount';
  const queries = {
    accounts: 'SELECT id, name FROM accounts ORDER BY id',
    entries: `SELECT id, account_id, memo, ${amount} AS amount FROM entries ORDER BY id`,
  };
  for (const [table, sql] of Object.entries(queries)) {
    const rows = (await rawExec(db, dialect, sql)) as Record<string, unknown>[];
    const hash = createHash('md5');
    for (const row of rows) hash.update(`${Object.values(row).map(String).join('\u0001')}\n`);
    out[table] = hash.digest('hex');
  }
  return out;
}

export interface TargetFacts {
  readonly accounts: { n: number; d: number };
  readonly entries: { n: number; d: number };
  readonly md5: Record<string, string>;
  /** The target's foreign key on entries: absent, or present and validated or not. */
  readonly foreignKey: 'missing' | 'not valid' | 'valid';
}

export async function targetFacts(pair: FaultPair): Promise<TargetFacts> {
  const count = async (table: string) =>
    (
      await rawExec(
        pair.target,
        'postgres',
        `SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM ${table}`,
      )
    )[0] as { n: number; d: number };
  const [fk] = (await rawExec(
    pair.target,
    'postgres',
    "SELECT convalidated FROM pg_constraint WHERE conrelid = 'entries'::regclass AND contype = 'f'",
  )) as { convalidated: boolean }[];
  return {
    accounts: await count('accounts'),
    entries: await count('entries'),
    md5: await orderedMd5(pair.target, 'postgres'),
    foreignKey: fk === undefined ? 'missing' : fk.convalidated ? 'valid' : 'not valid',
  };
}

/** What a finished copy looks like. */
export function exactFacts(pair: FaultPair): TargetFacts {
  return {
    accounts: { n: ACCOUNTS, d: ACCOUNTS },
    entries: { n: ENTRIES, d: ENTRIES },
    md5: pair.expected,
    foreignKey: 'valid',
  };
}

/** A spec file for the pair, in a fresh data folder. */
export function faultSpec(
  pair: FaultPair,
  pipeline = '{ batchSize: 500, parallelism: 1 }',
  extra = '',
): {
  dir: string;
  specFile: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'databridge-faults-'));
  const specFile = join(dir, 'spec.yaml');
  const cols = (names: string[]) => `[${names.map((c) => `{ source: ${c}, target: ${c} }`).join(', ')}]`;
  writeFileSync(
    specFile,
    `name: faults\nsource: { url: "${pair.source.url}" }\ntarget: { url: "${pair.target.url}" }\npipeline: ${pipeline}\n${extra}mappings:\n` +
      `  - { source: accounts, target: accounts, columns: ${cols(['id', 'name'])} }\n` +
      `  - { source: entries, target: entries, columns: ${cols(['id', 'account_id', 'memo', 'amount'])} }\n`,
  );
  return { dir, specFile };
}

/** Rows the target holds in `table` now. */
export async function targetRows(pair: FaultPair, table: string): Promise<number> {
  const [row] = (await rawExec(pair.target, 'postgres', `SELECT count(*)::int AS n FROM ${table}`)) as {
    n: number;
  }[];
  return row!.n;
}

/**
 * Kills the source's connections that are reading the rows of `table` (MariaDB `KILL`, PostgreSQL
 * `pg_terminate_backend`), not those counting them; returns how many it killed.
 */
export async function killSourceReaders(pair: FaultPair, table: string): Promise<number> {
  if (pair.from === 'mysql') {
    const c = await mysql.createConnection(pair.source.url);
    try {
      const [rows] = await c.query(
        "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID() AND info LIKE CONCAT('%', ?, '%') AND info NOT LIKE '%COUNT(%'",
        [pair.source.name, table],
      );
      for (const { id } of rows as { id: number }[]) await c.query(`KILL ${Number(id)}`);
      return (rows as unknown[]).length;
    } finally {
      await c.end();
    }
  }
  // PostgreSQL's COPY out may last a fraction of a second: look for it on one connection, often.
  const c = new pg.Client({ connectionString: pair.source.url });
  await c.connect();
  try {
    for (let i = 0; i < 200; i++) {
      const { rows } = await c.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND query ILIKE '%' || $2 || '%' AND query NOT ILIKE '%count(%' AND state = 'active'",
        [pair.source.name, table],
      );
      if (rows.length > 0) return rows.length;
      await sleep(2);
    }
    return 0;
  } finally {
    await c.end();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is true, or fails after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export { freezableProxy } from '../../../../packages/engine/test/support/freezable-proxy.ts';
