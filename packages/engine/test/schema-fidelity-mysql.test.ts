import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunSummary } from '../src/run/run-summary.ts';
import { freshMysql, freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

/**
 * A MariaDB schema with what a real application has (unsigned maxima, ENUM/SET/YEAR/BIT, JSON,
 * defaults with CURRENT_TIMESTAMP and ON UPDATE, auto-increment, unique, multi-column and prefix
 * indexes, comments, a view) migrated into PostgreSQL with createTables; then the application's
 * point of view: does the created database work?
 */
const FIXTURE = `
SET SESSION sql_mode = 'STRICT_ALL_TABLES';
CREATE TABLE customer (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email varchar(120) NOT NULL,
  name varchar(80) NOT NULL DEFAULT 'it''s anonymous' COMMENT 'shown on invoices',
  status enum('active','blocked') NOT NULL DEFAULT 'active',
  tags set('a','b','c') NULL,
  born year NULL,
  vip bit(1) NOT NULL DEFAULT b'0',
  mask bit(12) NULL,
  active tinyint(1) NOT NULL DEFAULT 1,
  tiny_u tinyint unsigned NULL,
  small_u smallint unsigned NULL,
  int_u int unsigned NULL,
  big_u bigint unsigned NULL,
  doc json NULL,
  note varchar(200) NULL,
  created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY uq_customer_email (email),
  KEY ix_customer_name_status (name, status),
  KEY ix_customer_note (note(20))
) COMMENT 'people who buy';
CREATE TABLE orders (
  id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id int unsigned NOT NULL,
  total decimal(10,2) NOT NULL DEFAULT 0.00,
  placed date NULL,
  KEY ix_orders_placed (placed),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customer (id),
  CONSTRAINT ck_orders_total CHECK (\`total\` >= 0 AND \`total\` < 1000000)
);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
INSERT INTO customer (id, email, name, status, tags, born, vip, mask, active, tiny_u, small_u, int_u, big_u, doc, note, created_at, updated_at)
VALUES
  (1, 'max@example.com', 'Max', 'active', 'a,c', 2155, b'1', b'101010101010', 1, 255, 65535, 4294967295, 18446744073709551615,
   '{"k": [1, 2]}', 'the widest values', '2024-01-02 03:04:05', '2024-01-02 03:04:05'),
  (2, 'min@example.com', 'Min', 'blocked', '', 1901, b'0', b'000000000000', 0, 0, 0, 0, 0, NULL, NULL,
   '2024-01-02 03:04:05', '2024-01-02 03:04:05');
INSERT INTO customer (email) VALUES ('third@example.com');
INSERT INTO orders (customer_id, total, placed) VALUES (1, 10.50, '2024-03-01'), (1, 250.00, '2024-03-02'), (2, 0, NULL);
`;

const CUSTOMER_COLUMNS = [
  'id',
  'email',
  'name',
  'status',
  'tags',
  'born',
  'vip',
  'mask',
  'active',
  'tiny_u',
  'small_u',
  'int_u',
  'big_u',
  'doc',
  'note',
  'created_at',
  'updated_at',
];
const ORDER_COLUMNS = ['id', 'customer_id', 'total', 'placed'];

function spec(source: TestDatabase, target: TestDatabase, pipeline = ''): string {
  const columns = (names: readonly string[]) =>
    `[${names.map((n) => `{ source: ${n}, target: ${n} }`).join(', ')}]`;
  return `name: fidelity
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true${pipeline} }
mappings:
  - { source: customer, target: customer, columns: ${columns(CUSTOMER_COLUMNS)} }
  - { source: orders, target: orders, columns: ${columns(ORDER_COLUMNS)} }
`;
}

const pg = async <T = Record<string, unknown>>(db: TestDatabase, sql: string) =>
  (await rawExec(db, 'postgres', sql)) as T[];
const my = async <T = Record<string, unknown>>(db: TestDatabase, sql: string) =>
  (await rawExec(db, 'mysql', sql)) as T[];
const one = async (db: TestDatabase, sql: string) => Number(Object.values((await pg(db, sql))[0]!)[0]);

describe('schema fidelity: MariaDB into PostgreSQL', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let summary: RunSummary;

  before(async () => {
    [source, target] = await Promise.all([freshMysql(), freshPostgres()]);
    await rawExec(source, 'mysql', FIXTURE);
    summary = await runSpec(spec(source, target));
  });
  after(async () => {
    await Promise.allSettled([source.drop(), target.drop()]);
  });

  test('the run completes and every value arrives, unsigned maxima included', async () => {
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    const rows = await pg(
      target,
      'SELECT id, tiny_u, small_u, int_u, big_u::text AS big_u, vip, active, born, tags, status::text AS status FROM customer ORDER BY id',
    );
    assert.deepEqual(rows[0], {
      id: '1', // int unsigned: a bigint, which pg returns as text
      tiny_u: 255,
      small_u: 65535,
      int_u: '4294967295',
      big_u: '18446744073709551615',
      vip: true,
      active: true,
      born: 2155,
      tags: 'a,c',
      status: 'active',
    });
    assert.equal(rows[1]!.vip, false);
    assert.equal(rows[1]!.big_u, '0');
  });

  test('each created column has a type that holds every value of its source type', async () => {
    const types = Object.fromEntries(
      (
        await pg<{ column_name: string; type: string }>(
          target,
          `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
           FROM pg_attribute a WHERE a.attrelid = 'customer'::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
        )
      ).map((r) => [r.column_name, r.type]),
    );
    assert.equal(types.tiny_u, 'smallint');
    assert.equal(types.small_u, 'integer');
    assert.equal(types.int_u, 'bigint');
    assert.equal(types.big_u, 'numeric(20,0)');
    assert.equal(types.vip, 'boolean');
    assert.equal(types.mask, 'bit(12)');
    assert.equal(types.born, 'smallint');
    assert.equal(types.tags, 'text');
    assert.equal(types.doc, 'jsonb');
    assert.equal(types.status, 'customer_status', 'the ENUM became an enum type');
  });

  test('an INSERT without an id gets the next id, and defaults fill the omitted columns', async () => {
    const [row] = await pg<{
      id: string;
      name: string;
      status: string;
      active: boolean;
      vip: boolean;
      fresh: boolean;
    }>(
      target,
      `INSERT INTO customer (email) VALUES ('new@example.com')
       RETURNING id, name, status::text AS status, active, vip, created_at > now() - interval '1 minute' AS fresh`,
    );
    assert.deepEqual(row, {
      id: '4',
      name: "it's anonymous",
      status: 'active',
      active: true,
      vip: false,
      fresh: true,
    });
    const [order] = await pg<{ id: string; total: string }>(
      target,
      `INSERT INTO orders (customer_id) VALUES (${row!.id}) RETURNING id::text AS id, total::text AS total`,
    );
    assert.deepEqual(order, { id: '4', total: '0.00' });
  });

  test('an UPDATE moves the ON UPDATE CURRENT_TIMESTAMP column, unless it sets it itself', async () => {
    await pg(target, `UPDATE customer SET name = 'Maxima' WHERE id = 1`);
    const [moved] = await pg<{ fresh: boolean }>(
      target,
      `SELECT updated_at > now() - interval '1 minute' AS fresh FROM customer WHERE id = 1`,
    );
    assert.equal(moved!.fresh, true);
    await pg(
      target,
      `UPDATE customer SET name = 'Minimal', updated_at = '2020-01-01 00:00:00+00' WHERE id = 2`,
    );
    const [kept] = await pg<{ at: string }>(
      target,
      `SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS at FROM customer WHERE id = 2`,
    );
    assert.equal(kept!.at, '2020-01-01');
  });

  test('the CHECK constraint refuses what it refused on the source', async () => {
    await assert.rejects(
      pg(target, 'UPDATE orders SET total = -1 WHERE id = 1'),
      /violates check constraint "ck_orders_total"/,
    );
  });

  test('the ENUM rejects a value outside its list', async () => {
    await assert.rejects(
      pg(target, `UPDATE customer SET status = 'deleted' WHERE id = 1`),
      /invalid input value for enum/,
    );
  });

  test('the planner uses the migrated secondary indexes', async () => {
    const plan = async (sql: string) =>
      (await pg<{ 'QUERY PLAN': string }>(target, `SET enable_seqscan = off; EXPLAIN ${sql}`))
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    assert.match(
      await plan(`SELECT * FROM customer WHERE name = 'Max' AND status = 'active'`),
      /ix_customer_name_status/,
    );
    assert.match(await plan(`SELECT * FROM orders WHERE placed = '2024-03-01'`), /ix_orders_placed/);
  });

  test('the catalog counts equal the source: indexes, identities, defaults, constraints, comments', async () => {
    const [counts] = await my<Record<string, number>>(
      source,
      `SELECT
        (SELECT count(DISTINCT TABLE_NAME, INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()) AS indexes,
        (SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND EXTRA LIKE '%auto_increment%') AS identities,
        (SELECT count(*) FROM information_schema.COLUMNS c JOIN information_schema.TABLES t USING (TABLE_SCHEMA, TABLE_NAME)
          WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' AND c.COLUMN_DEFAULT IS NOT NULL AND c.COLUMN_DEFAULT <> 'NULL') AS defaults,
        (SELECT count(*) FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE()
          AND CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')) AS constraints,
        (SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND EXTRA LIKE '%on update%') AS on_update`,
    );
    const mine = "n.nspname = 'public' AND c.relname <> '_databridge_checkpoints'";
    const indexes = await one(
      target,
      `SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${mine}`,
    );
    const identities = await one(
      target,
      `SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${mine} AND a.attidentity = 'd'`,
    );
    const defaults = await one(
      target,
      `SELECT count(*) FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${mine}`,
    );
    const constraints = await one(
      target,
      `SELECT count(*) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${mine} AND k.contype IN ('p', 'u', 'f')`,
    );
    const triggers = await one(
      target,
      `SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${mine} AND NOT t.tgisinternal`,
    );
    assert.deepEqual(
      { indexes, identities, defaults, constraints, triggers },
      {
        indexes: Number(counts!.indexes),
        identities: Number(counts!.identities),
        // PostgreSQL keeps an identity apart from the defaults; MySQL counts none for it either.
        defaults: Number(counts!.defaults),
        constraints: Number(counts!.constraints),
        triggers: Number(counts!.on_update) > 0 ? 1 : 0,
      },
    );
    const [comments] = await pg<{ t: string; c: string }>(
      target,
      `SELECT obj_description('customer'::regclass, 'pg_class') AS t, col_description('customer'::regclass, 3) AS c`,
    );
    assert.deepEqual(comments, { t: 'people who buy', c: 'shown on invoices' });
  });

  test('no type warning: every created column holds every value of its source column', () => {
    const types = summary.warnings.filter((w) => w.kind === 'type_compatibility');
    assert.deepEqual(types, []);
  });

  test('the plan names the view it does not migrate', () => {
    const view = summary.warnings.find((w) => w.kind === 'schema_object' && /big_orders/.test(w.message));
    assert.ok(view, JSON.stringify(summary.warnings));
    assert.match(view.message, /view/);
  });
});

describe('schema fidelity: lossy booleans', () => {
  const FLAGS = `CREATE TABLE flag (id int PRIMARY KEY, on_off tinyint(1) NOT NULL);
    INSERT INTO flag VALUES (1, 1), (2, 2), (3, 0);`;
  const flagSpec = (source: TestDatabase, target: TestDatabase, create: boolean) => `name: flags
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: ${create}, errorPolicy: skip_and_log }
mappings:
  - { source: flag, target: flag, columns: [{ source: id, target: id }, { source: on_off, target: on_off }] }
`;

  test('a TINYINT(1) holding 2, into a created table: the plan sees it and creates a smallint, every value kept', async () => {
    const [source, target] = await Promise.all([freshMysql(), freshPostgres()]);
    try {
      await rawExec(source, 'mysql', FLAGS);
      const summary = await runSpec(flagSpec(source, target, true));
      assert.equal(summary.status, 'completed', summary.error?.message ?? '');
      const warning = summary.warnings.find((w) => w.column === 'on_off');
      assert.match(
        warning?.message ?? '',
        /holds 1 value\(s\) other than 0 and 1: on_off is created as a small integer/,
      );
      assert.deepEqual(await pg(target, 'SELECT id, on_off FROM flag ORDER BY id'), [
        { id: 1, on_off: 1 },
        { id: 2, on_off: 2 },
        { id: 3, on_off: 0 },
      ]);
    } finally {
      await Promise.allSettled([source.drop(), target.drop()]);
    }
  });

  test('a TINYINT(1) holding 2, into an existing boolean column: rejected with its reason, never loaded as true', async () => {
    const [source, target] = await Promise.all([freshMysql(), freshPostgres()]);
    try {
      await rawExec(source, 'mysql', FLAGS);
      await rawExec(target, 'postgres', 'CREATE TABLE flag (id int PRIMARY KEY, on_off boolean NOT NULL)');
      const summary = await runSpec(flagSpec(source, target, false));
      assert.equal(summary.status, 'completed', summary.error?.message ?? '');
      assert.match(
        summary.warnings.find((w) => w.column === 'on_off')?.message ?? '',
        /holds 1 value\(s\) other than 0 and 1: their rows are rejected/,
      );
      assert.equal(summary.totals.rowsRejected, 1);
      assert.match(summary.rejectedRows[0]!.reason, /2 is not a boolean/);
      assert.deepEqual(await pg(target, 'SELECT id, on_off FROM flag ORDER BY id'), [
        { id: 1, on_off: true },
        { id: 3, on_off: false },
      ]);
    } finally {
      await Promise.allSettled([source.drop(), target.drop()]);
    }
  });
});

describe('schema fidelity: zero dates', () => {
  const ZERO = `SET SESSION sql_mode = '';
    CREATE TABLE visit (id int PRIMARY KEY, seen date NOT NULL, at datetime NULL);
    INSERT INTO visit VALUES (1, '2024-05-01', '2024-05-01 10:00:00'), (2, '0000-00-00', '0000-00-00 00:00:00'), (3, '2024-00-10', NULL);`;
  const visitSpec = (source: TestDatabase, target: TestDatabase, pipeline: string) => `name: zero
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true, ${pipeline} }
mappings:
  - { source: visit, target: visit, columns: [{ source: id, target: id }, { source: seen, target: seen }, { source: at, target: at }] }
`;

  test('zeroDates: reject (the default) counts them in the plan and rejects their rows with the reason', async () => {
    const [source, target] = await Promise.all([freshMysql(), freshPostgres()]);
    try {
      await rawExec(source, 'mysql', ZERO);
      const summary = await runSpec(visitSpec(source, target, 'errorPolicy: skip_and_log'));
      assert.equal(summary.status, 'completed', summary.error?.message ?? '');
      const counted = summary.warnings.find((w) => w.column === 'seen' && /zero date/.test(w.message));
      assert.match(
        counted?.message ?? '',
        /holds 2 zero date\(s\).*their rows are rejected \(zeroDates: reject\)/,
      );
      assert.equal(summary.totals.rowsRejected, 2);
      assert.deepEqual(await pg(target, 'SELECT id FROM visit ORDER BY id'), [{ id: 1 }]);
    } finally {
      await Promise.allSettled([source.drop(), target.drop()]);
    }
  });

  test('zeroDates: null stores each as NULL, in a created column that allows it', async () => {
    const [source, target] = await Promise.all([freshMysql(), freshPostgres()]);
    try {
      await rawExec(source, 'mysql', ZERO);
      const summary = await runSpec(visitSpec(source, target, 'zeroDates: "null"'));
      assert.equal(summary.status, 'completed', summary.error?.message ?? '');
      assert.match(
        summary.warnings.find((w) => w.column === 'at' && /zero date/.test(w.message))?.message ?? '',
        /holds 1 zero date\(s\).*stored as NULL \(zeroDates: null\)/,
      );
      assert.deepEqual(
        await pg(target, `SELECT id, seen::text AS seen, at::text AS at FROM visit ORDER BY id`),
        [
          { id: 1, seen: '2024-05-01', at: '2024-05-01 10:00:00' },
          { id: 2, seen: null, at: null },
          { id: 3, seen: null, at: null },
        ],
      );
    } finally {
      await Promise.allSettled([source.drop(), target.drop()]);
    }
  });
});
