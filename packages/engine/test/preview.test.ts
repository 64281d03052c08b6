import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { isDataBridgeError } from '../src/errors.ts';
import { dryRun } from '../src/run/dry-run.ts';
import { previewMigration } from '../src/run/preview.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { loadChinookSqlite } from './support/chinook.ts';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function chinookSqlite(): Promise<TestDatabase> {
  const db = await freshDatabase('sqlite');
  databases.push(db);
  loadChinookSqlite(db);
  return db;
}

async function target(dialect: TestDialect, sql?: string): Promise<TestDatabase> {
  const db = await freshDatabase(dialect);
  databases.push(db);
  if (sql) await rawExec(db, dialect, sql);
  return db;
}

const count = async (db: TestDatabase, dialect: TestDialect, table: string) =>
  Number(Object.values((await rawExec(db, dialect, `SELECT count(*) AS n FROM ${table}`))[0] as object)[0]);

const ARTIST_AND_CUSTOMER = `
  CREATE TABLE artist (artist_id integer PRIMARY KEY, name varchar(12) NOT NULL);
  CREATE TABLE customer (customer_id integer PRIMARY KEY, first_name text NOT NULL, company text NOT NULL);
`;

function previewSpec(source: TestDatabase, into: TestDatabase): string {
  return `name: preview
source: { url: "${source.url}" }
target: { url: "${into.url}" }
mappings:
  - source: Artist
    target: artist
    columns:
      - { source: ArtistId, target: artist_id }
      - { source: Name, target: name, transform: [upper] }
  - source: Customer
    target: customer
    columns:
      - { source: CustomerId, target: customer_id }
      - { source: FirstName, target: first_name }
      - { source: Company, target: company }
`;
}

describe('preview', () => {
  test('shows source values beside transformed ones and the rows that would be rejected, writing nothing', async () => {
    const source = await chinookSqlite();
    const into = await target('postgres', ARTIST_AND_CUSTOMER);
    const { spec, lineOf } = parseSpec(previewSpec(source, into));
    const previews = await previewMigration({ spec, lineOf, rows: 4 });

    assert.deepEqual(
      previews.map((p) => [p.mappingId, p.source, p.target, p.rows.length]),
      [
        ['m1', 'main.Artist', 'public.artist', 4],
        ['m2', 'main.Customer', 'public.customer', 4],
      ],
    );
    const [artist, customer] = previews;
    assert.deepEqual(artist!.orderedBy, ['ArtistId']);
    assert.deepEqual(artist!.columns[1], {
      target: 'name',
      source: 'Name',
      transform: ['upper'],
      deferred: false,
    });
    // The first rows in key order, read as they are and upper-cased on the way.
    assert.deepEqual(artist!.rows[1], {
      source: { ArtistId: 2, Name: 'Accept' },
      target: { artist_id: 2, name: 'ACCEPT' },
      rejected: null,
    });
    // "ALANIS MORISSETTE" has 17 characters for varchar(12).
    const alanis = artist!.rows[3]!;
    assert.equal(alanis.source.Name, 'Alanis Morissette');
    assert.equal(alanis.target, null);
    assert.equal(alanis.rejected?.column, 'name');
    assert.match(alanis.rejected!.reason, /12/);
    // Customer 2 has no company, and the target's column is NOT NULL.
    assert.equal(customer!.rows[0]!.rejected, null);
    assert.deepEqual(customer!.rows[1]!.rejected, {
      column: 'company',
      reason: 'NULL cannot go into NOT NULL column company',
    });
    assert.equal(customer!.rows[1]!.source.FirstName, 'Leonie');

    assert.equal(await count(into, 'postgres', 'artist'), 0, 'a preview writes nothing');
    assert.equal(await count(into, 'postgres', 'customer'), 0);
  });

  test('--table keeps the mappings of one table, by source or target name in any case; an unknown name is bad input', async () => {
    const source = await chinookSqlite();
    const into = await target('sqlite', ARTIST_AND_CUSTOMER);
    const { spec } = parseSpec(previewSpec(source, into));
    const byTarget = await previewMigration({ spec, table: 'CUSTOMER', rows: 2 });
    assert.deepEqual(
      byTarget.map((p) => p.mappingId),
      ['m2'],
    );
    const bySource = await previewMigration({ spec, table: 'main.artist', rows: 1 });
    assert.deepEqual(
      bySource.map((p) => p.mappingId),
      ['m1'],
    );
    await assert.rejects(previewMigration({ spec, table: 'Invoice' }), (error) => {
      assert.ok(isDataBridgeError(error) && error.isBadInput, String(error));
      assert.match(error.message, /"Invoice".*Artist, artist, Customer, customer/);
      return true;
    });
  });

  test('into a table the spec creates: the sample is transformed and nothing is created', async () => {
    const source = await chinookSqlite();
    const into = await target('sqlite');
    const text = `source: { url: "${source.url}" }
target: { url: "${into.url}" }
pipeline: { createTables: true }
mappings:
  - source: Genre
    target: genre_label
    columns:
      - { source: GenreId, target: genre_id }
      - { source: Name, target: label, transform: [lower, { prefix: "genre:" }] }
`;
    const [genre] = await previewMigration({ spec: parseSpec(text).spec, rows: 3 });
    assert.deepEqual(
      genre!.rows.map((r) => [r.source.Name, r.target?.label]),
      [
        ['Rock', 'genre:rock'],
        ['Jazz', 'genre:jazz'],
        ['Metal', 'genre:metal'],
      ],
    );
    const tables = await rawExec(into, 'sqlite', "SELECT name FROM sqlite_master WHERE type = 'table'");
    assert.deepEqual(tables, [], 'the preview created no table');
  });
});

describe('run --limit (dry run)', () => {
  test('into PostgreSQL: reports duplicate keys and too-long values, leaves the target as it was', async () => {
    const source = await chinookSqlite();
    const into = await target(
      'postgres',
      `CREATE TABLE artist (artist_id integer PRIMARY KEY, name varchar(100) NOT NULL);
       CREATE TABLE album (album_id integer PRIMARY KEY, title varchar(20) NOT NULL,
                           artist_id integer NOT NULL REFERENCES artist (artist_id));
       CREATE TABLE employee (employee_id integer PRIMARY KEY, last_name text NOT NULL,
                              reports_to integer REFERENCES employee (employee_id));
       INSERT INTO artist VALUES (3, 'already here');`,
    );
    const password = 'Sup3rSecret';
    const targetUrl = into.url.replace('://postgres@', `://postgres:${password}@`);
    const text = `name: dry
source: { url: "${source.url}" }
target: { url: "${targetUrl}" }
pipeline: { createTables: true }
mappings:
  - source: Album
    target: album
    columns:
      - { source: AlbumId, target: album_id }
      - { source: Title, target: title }
      - { source: ArtistId, target: artist_id }
  - source: Artist
    target: artist
    columns: [{ source: ArtistId, target: artist_id }, { source: Name, target: name }]
  - source: Employee
    target: employee
    columns:
      - { source: EmployeeId, target: employee_id }
      - { source: LastName, target: last_name }
      - { source: ReportsTo, target: reports_to }
  - source: Genre
    target: genre_copy
    columns: [{ source: GenreId, target: genre_id }, { source: Name, target: name }]
`;
    const result = await dryRun({ spec: parseSpec(text).spec, limit: 5 });

    // Load order: the dimension (artist), then the facts by level; album, which references artist, last.
    assert.deepEqual(
      result.tables.map((t) => [t.target, t.rowsRead, t.rowsWritten, t.rowsRejected]),
      [
        ['public.artist', 5, 4, 1],
        ['public.employee', 5, 5, 0],
        ['public.genre_copy', 5, 5, 0],
        ['public.album', 5, 4, 1],
      ],
    );
    const [duplicate] = result.tables[0]!.rejected;
    assert.equal(duplicate!.row.ArtistId, 3);
    assert.match(duplicate!.reason, /duplicate key|unique/i);
    const [tooLong] = result.tables[3]!.rejected;
    assert.equal(tooLong!.row.Title, 'For Those About To Rock We Salute You');
    assert.match(tooLong!.reason, /20|too long/i);
    assert.deepEqual(result.totals, { rowsRead: 20, rowsWritten: 18, rowsRejected: 2 });
    assert.ok(result.notes.some((n) => /rolled back/.test(n)));
    assert.ok(result.notes.some((n) => /reports_to loaded as NULL/.test(n)));
    assert.ok(result.notes.some((n) => /genre_copy does not exist: created inside/.test(n)));
    assert.ok(result.notes.some((n) => /foreign-key refusal can come from the row limit/.test(n)));
    assert.ok(!JSON.stringify(result).includes(password), 'the password is never printed');
    assert.match(result.target, /\*\*\*/);

    // Everything was rolled back: the one row that was there, nothing else, no checkpoint table.
    assert.deepEqual(await rawExec(into, 'postgres', 'SELECT artist_id, name FROM artist'), [
      { artist_id: 3, name: 'already here' },
    ]);
    assert.equal(await count(into, 'postgres', 'album'), 0);
    assert.equal(await count(into, 'postgres', 'employee'), 0);
    const [created] = (await rawExec(
      into,
      'postgres',
      "SELECT to_regclass('public.genre_copy') AS genre, to_regclass('public._databridge_checkpoints') AS checkpoints",
    )) as { genre: unknown; checkpoints: unknown }[];
    assert.deepEqual(created, { genre: null, checkpoints: null });
  });

  test('into MySQL with a table to create: values checked, nothing created', async () => {
    const source = await chinookSqlite();
    const into = await target(
      'mysql',
      'CREATE TABLE artist (artist_id int PRIMARY KEY, name varchar(100) NOT NULL)',
    );
    const text = `source: { url: "${source.url}" }
target: { url: "${into.url}" }
pipeline: { createTables: true }
mappings:
  - source: Artist
    target: artist
    columns: [{ source: ArtistId, target: artist_id }, { source: Name, target: name }]
  - source: Customer
    target: customer_company
    columns:
      - { source: CustomerId, target: customer_id }
      - { source: Company, target: company, default: "(private)" }
`;
    const result = await dryRun({ spec: parseSpec(text).spec, limit: 3 });
    assert.deepEqual(
      result.tables.map((t) => [t.target, t.rowsRead, t.rowsWritten, t.rowsRejected]),
      [
        [`${into.name}.artist`, 3, 3, 0],
        [`${into.name}.customer_company`, 3, 3, 0],
      ],
    );
    assert.ok(
      result.notes.some((n) =>
        /customer_company does not exist and mysql cannot roll back CREATE TABLE/.test(n),
      ),
    );
    assert.equal(await count(into, 'mysql', 'artist'), 0);
    assert.deepEqual(await rawExec(into, 'mysql', "SHOW TABLES LIKE 'customer_company'"), []);
  });
});
