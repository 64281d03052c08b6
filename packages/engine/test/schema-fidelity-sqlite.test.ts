import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunSummary } from '../src/run/run-summary.ts';
import { freshPostgres, freshSqlite, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

/** SQLite's own ways (rowid keys, AUTOINCREMENT, defaults, UNIQUE, CREATE INDEX) into PostgreSQL. */
const FIXTURE = `
CREATE TABLE author (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT 'nobody',
  score INTEGER NOT NULL DEFAULT 0,
  joined TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE book (
  id INTEGER PRIMARY KEY,
  author_id INTEGER NOT NULL REFERENCES author (id),
  title TEXT NOT NULL,
  year INTEGER,
  isbn TEXT
);
CREATE INDEX ix_book_author_year ON book (author_id, year);
CREATE UNIQUE INDEX ux_book_isbn ON book (isbn);
CREATE VIEW recent_book AS SELECT * FROM book WHERE year > 2000;
INSERT INTO author (id, email, name, score, joined) VALUES (1, 'a@example.com', 'Ann', 5, '2024-01-01 00:00:00'), (7, 'b@example.com', 'Bo', 3, '2024-01-02 00:00:00');
INSERT INTO book (id, author_id, title, year, isbn) VALUES (1, 1, 'First', 1999, 'x-1'), (2, 1, 'Second', 2005, 'x-2'), (10, 7, 'Third', 2010, NULL);
`;

const pg = async <T = Record<string, unknown>>(db: TestDatabase, sql: string) =>
  (await rawExec(db, 'postgres', sql)) as T[];
const lite = async <T = Record<string, unknown>>(db: TestDatabase, sql: string) =>
  (await rawExec(db, 'sqlite', sql)) as T[];
const one = async (db: TestDatabase, sql: string) => Number(Object.values((await pg(db, sql))[0]!)[0]);

describe('schema fidelity: SQLite into PostgreSQL', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let summary: RunSummary;

  before(async () => {
    [source, target] = await Promise.all([freshSqlite(), freshPostgres()]);
    await rawExec(source, 'sqlite', FIXTURE);
    const columns = (names: readonly string[]) =>
      `[${names.map((n) => `{ source: ${n}, target: ${n} }`).join(', ')}]`;
    summary = await runSpec(`name: fidelity
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - { source: author, target: author, columns: ${columns(['id', 'email', 'name', 'score', 'joined'])} }
  - { source: book, target: book, columns: ${columns(['id', 'author_id', 'title', 'year', 'isbn'])} }
`);
  });
  after(async () => {
    await Promise.allSettled([source.drop(), target.drop()]);
  });

  test('an INSERT without an id gets the next id, and defaults fill the omitted columns', async () => {
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    const [row] = await pg<{ id: string; name: string; score: string; dated: boolean }>(
      target,
      `INSERT INTO author (email) VALUES ('c@example.com')
       RETURNING id::text AS id, name, score::text AS score, joined IS NOT NULL AS dated`,
    );
    assert.deepEqual(row, { id: '8', name: 'nobody', score: '0', dated: true });
    const [book] = await pg<{ id: string }>(
      target,
      `INSERT INTO book (author_id, title) VALUES (8, 'Fourth') RETURNING id::text AS id`,
    );
    assert.equal(book!.id, '11');
  });

  test('unique constraints hold and the planner uses the secondary index', async () => {
    await assert.rejects(
      pg(target, `INSERT INTO author (email) VALUES ('a@example.com')`),
      /duplicate key value violates unique constraint "author_email_key"/,
    );
    await assert.rejects(
      pg(target, `INSERT INTO book (author_id, title, isbn) VALUES (1, 'Copy', 'x-1')`),
      /ux_book_isbn/,
    );
    const plan = (
      await pg<{ 'QUERY PLAN': string }>(
        target,
        'SET enable_seqscan = off; EXPLAIN SELECT * FROM book WHERE author_id = 1 AND year = 1999',
      )
    )
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    assert.match(plan, /ix_book_author_year/);
  });

  test('the catalog counts equal the source: indexes, identities, defaults, constraints', async () => {
    const tables = ['author', 'book'];
    let indexes = 0;
    let uniques = 0;
    let defaults = 0;
    let keys = 0;
    let foreignKeys = 0;
    for (const t of tables) {
      const list = await lite<{ origin: string; unique: number }>(
        source,
        `SELECT * FROM pragma_index_list('${t}')`,
      );
      indexes += list.length;
      uniques += list.filter((i) => i.unique === 1 && i.origin !== 'pk').length;
      defaults += (await lite(source, `SELECT * FROM pragma_table_info('${t}') WHERE dflt_value IS NOT NULL`))
        .length;
      keys += (await lite(source, `SELECT * FROM pragma_table_info('${t}') WHERE pk = 1`)).length;
      foreignKeys += (await lite(source, `SELECT DISTINCT id FROM pragma_foreign_key_list('${t}')`)).length;
    }
    const mine = "n.nspname = 'public' AND c.relname <> '_databridge_checkpoints'";
    const from = (catalog: string, column: string) =>
      `FROM ${catalog} x JOIN pg_class c ON c.oid = x.${column} JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${mine}`;
    assert.deepEqual(
      {
        // A rowid primary key has no index in SQLite; PostgreSQL's primary key is one.
        indexes: (await one(target, `SELECT count(*) ${from('pg_index', 'indrelid')}`)) - keys,
        identities: await one(
          target,
          `SELECT count(*) ${from('pg_attribute', 'attrelid')} AND x.attidentity = 'd'`,
        ),
        defaults: await one(target, `SELECT count(*) ${from('pg_attrdef', 'adrelid')}`),
        constraints: await one(
          target,
          `SELECT count(*) ${from('pg_constraint', 'conrelid')} AND x.contype IN ('p', 'u', 'f')`,
        ),
      },
      { indexes, identities: keys, defaults, constraints: keys + uniques + foreignKeys },
    );
  });

  test('nothing foreign is left behind: the completed run dropped its checkpoint table', async () => {
    const [row] = await pg<{ table: string | null }>(
      target,
      "SELECT to_regclass('public._databridge_checkpoints')::text AS table",
    );
    assert.equal(row!.table, null);
  });

  test('the plan names the view it does not migrate', () => {
    assert.ok(
      summary.warnings.some((w) => w.kind === 'schema_object' && /view main\.recent_book/.test(w.message)),
      JSON.stringify(summary.warnings),
    );
  });
});
