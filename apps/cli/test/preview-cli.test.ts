import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadChinookSqlite } from '../../../packages/engine/test/support/chinook.ts';
import {
  freshDatabase,
  rawExec,
  type TestDatabase,
  type TestDialect,
} from '../../../packages/engine/test/support/databases.ts';
import { cli } from './cli-helpers.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const TARGET_TABLES = `
  CREATE TABLE artist (artist_id integer PRIMARY KEY, name varchar(12) NOT NULL);
  CREATE TABLE customer (customer_id integer PRIMARY KEY, first_name text NOT NULL, company text NOT NULL);
`;

/** A copy of Chinook, a target holding `artist` and `customer`, and a spec between them. */
async function setup(options: { targetDialect?: TestDialect; targetUrl?: (url: string) => string } = {}) {
  const dialect = options.targetDialect ?? 'sqlite';
  const source = await freshDatabase('sqlite');
  const target = await freshDatabase(dialect);
  databases.push(source, target);
  loadChinookSqlite(source);
  await rawExec(target, dialect, TARGET_TABLES);
  const dir = mkdtempSync(join(tmpdir(), 'databridge-preview-'));
  const write = (name: string, mappings: string) => {
    const file = join(dir, name);
    writeFileSync(
      file,
      `name: preview-cli
source: { url: "${source.url}" }
target: { url: "${options.targetUrl ? options.targetUrl(target.url) : target.url}" }
mappings:
${mappings}`,
    );
    return file;
  };
  const artist = `  - source: Artist
    target: artist
    columns:
      - { source: ArtistId, target: artist_id }
      - { source: Name, target: name, transform: [upper] }
`;
  const customer = `  - source: Customer
    target: customer
    columns:
      - { source: CustomerId, target: customer_id }
      - { source: FirstName, target: first_name }
      - { source: Company, target: company }
`;
  const env = { DATABRIDGE_DATA_DIR: join(dir, 'data') };
  return {
    target,
    dialect,
    dir,
    env,
    spec: write('spec.yaml', artist + customer),
    artistOnly: write('artist.yaml', artist),
  };
}

const count = async (db: TestDatabase, dialect: TestDialect, table: string) =>
  Number(Object.values((await rawExec(db, dialect, `SELECT count(*) AS n FROM ${table}`))[0] as object)[0]);

describe('databridge preview', () => {
  test('prints each mapping as a compact table: source → transformed values, rejected rows with their reason', async () => {
    const { spec, target } = await setup();
    const result = await cli(['preview', spec, '--rows', '5']);
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout;
    assert.match(
      out,
      /^main\.Artist -> main\.artist \(m1\): first 5 row\(s\) by ArtistId, 2 would be rejected$/m,
    );
    assert.match(out, /^ {2}name ← Name \[upper\]$/m);
    assert.match(out, /^ {2}2 +Accept → ACCEPT$/m);
    assert.match(out, /^ {2}1 +AC\/DC$/m, 'no arrow where the value does not change');
    assert.match(out, /^ {2}4 +Alanis Morissette +✗ rejected: name: .*longer than varchar\(12\)$/m);
    assert.match(
      out,
      /^main\.Customer -> main\.customer \(m2\): first 5 row\(s\) by CustomerId, 3 would be rejected$/m,
    );
    assert.match(
      out,
      /^ {2}2 +Leonie +NULL +✗ rejected: company: NULL cannot go into NOT NULL column company$/m,
    );
    assert.equal(await count(target, 'sqlite', 'artist'), 0, 'a preview writes nothing');
  });

  test('--json gives every mapping its columns and rows: source, target or null, rejected or null', async () => {
    const { spec } = await setup();
    const result = await cli(['preview', spec, '--rows', '3', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const [artist, customer] = JSON.parse(result.stdout);
    assert.equal(artist.mappingId, 'm1');
    assert.deepEqual(artist.columns[1], {
      target: 'name',
      source: 'Name',
      transform: ['upper'],
      deferred: false,
    });
    assert.deepEqual(artist.rows[2], {
      source: { ArtistId: 3, Name: 'Aerosmith' },
      target: { artist_id: 3, name: 'AEROSMITH' },
      rejected: null,
    });
    assert.equal(customer.rows.length, 3);
    assert.deepEqual(customer.rows[1].target, null);
    assert.deepEqual(customer.rows[1].rejected, {
      column: 'company',
      reason: 'NULL cannot go into NOT NULL column company',
    });
  });

  test('--table picks mappings by source or target name; an unknown one exits 2 naming the spec tables', async () => {
    const { spec } = await setup();
    const one = await cli(['preview', spec, '--table', 'CUSTOMER', '--json', '--rows', '1']);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(
      JSON.parse(one.stdout).map((p: { target: string }) => p.target),
      ['main.customer'],
    );
    const unknown = await cli(['preview', spec, '--table', 'Invoice']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stdout, '');
    assert.equal(
      unknown.stderr,
      `error: no mapping reads or writes a table named "Invoice"; the spec's tables are Artist, artist, Customer, customer\n`,
    );
    const badRows = await cli(['preview', spec, '--rows', '0']);
    assert.equal(badRows.code, 2);
    assert.match(badRows.stderr, /--rows.*whole number of at least 1/);
  });
});

describe('databridge run --limit', () => {
  test('a dry run reports every refused row, exits 1, and leaves the target and the run records untouched', async () => {
    const { spec, target, env } = await setup();
    await rawExec(target, 'sqlite', "INSERT INTO artist VALUES (3, 'already here')");
    const result = await cli(['run', spec, '--limit', '5'], env);
    assert.equal(result.code, 1, result.stderr);
    const out = result.stdout;
    assert.match(
      out,
      /^Dry run of "preview-cli" \(at most 5 rows per table, rolled back\): 6 row\(s\) would be rejected$/m,
    );
    assert.match(out, /^ {2}main\.Artist -> main\.artist +5 +2 +3$/m);
    assert.match(out, /^ {2}main\.Customer -> main\.customer +5 +2 +3$/m);
    assert.match(out, /^ {2}main\.artist: .*UNIQUE constraint failed: artist\.artist_id$/m);
    assert.match(out, /^ {6}row \{"ArtistId":3,"Name":"Aerosmith"\}$/m);
    assert.match(out, /^ {2}main\.artist\.name: "ALANIS MORISSETTE" .*varchar\(12\)$/m);
    assert.match(out, /foreign-key refusal can come from the row limit itself/);
    assert.match(out, /rolled back; nothing stays in the target/);
    assert.deepEqual(await rawExec(target, 'sqlite', 'SELECT artist_id, name FROM artist'), [
      { artist_id: 3, name: 'already here' },
    ]);
    assert.equal(await count(target, 'sqlite', 'customer'), 0);
    assert.ok(!existsSync(env.DATABRIDGE_DATA_DIR), 'no run record and no report');
    const tables = await rawExec(
      target,
      'sqlite',
      "SELECT name FROM sqlite_master WHERE name LIKE '_databridge%'",
    );
    assert.deepEqual(tables, [], 'no checkpoint table');
  });

  test('exits 0 when nothing would be rejected; --json carries the same numbers; bad --limit exits 2', async () => {
    const { artistOnly, target, env } = await setup();
    const text = await cli(['run', artistOnly, '--limit', '3'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /: nothing would be rejected$/m);
    const json = await cli(['run', artistOnly, '--limit', '3', '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout);
    assert.deepEqual(result.totals, { rowsRead: 3, rowsWritten: 3, rowsRejected: 0 });
    assert.equal(result.tables[0].target, 'main.artist');
    assert.equal(await count(target, 'sqlite', 'artist'), 0);

    const notANumber = await cli(['run', artistOnly, '--limit', 'five'], env);
    assert.equal(notANumber.code, 2);
    assert.match(notANumber.stderr, /--limit.*whole number of at least 1/);
    const withResume = await cli(
      ['run', artistOnly, '--limit', '5', '--resume', '20261129-101500-ab12'],
      env,
    );
    assert.equal(withResume.code, 2);
    assert.match(withResume.stderr, /--limit .* cannot be used with option '--resume/);
    assert.ok(!existsSync(env.DATABRIDGE_DATA_DIR) || readdirSync(env.DATABRIDGE_DATA_DIR).length === 0);
  });

  test('into PostgreSQL the password never shows, and the target stays empty', async () => {
    const password = 'Sup3rSecret';
    const { spec, target } = await setup({
      targetDialect: 'postgres',
      targetUrl: (url) => url.replace('://postgres@', `://postgres:${password}@`),
    });
    const result = await cli(['run', spec, '--limit', '5']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /-> postgres:\/\/postgres:\*\*\*@/);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(password));
    assert.match(result.stdout, /public\.customer\.company: NULL cannot go into NOT NULL column company/);
    assert.equal(await count(target, 'postgres', 'artist'), 0);
    assert.equal(await count(target, 'postgres', 'customer'), 0);
  });
});
