import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

/**
 * PostgreSQL to PostgreSQL, columns of the very same built-in types: rows pass through as binary
 * COPY. These tests hold that path to what the text pass-through and the parsed path guarantee:
 * the target equals the source, checkpoints page by the right key, and a row the target refuses is
 * isolated with its reason.
 */
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function database(ddl: string): Promise<TestDatabase> {
  const db = await freshPostgres();
  databases.push(db);
  await rawExec(db, 'postgres', ddl);
  return db;
}

const TABLES = `
  CREATE TYPE mood AS ENUM ('low', 'high');
  CREATE TABLE typed (id bigint PRIMARY KEY, small smallint, big bigint, amount numeric(14,4),
    ratio real, exact double precision, flag boolean, born date, at timestamp(3), zoned timestamptz,
    clock time, span interval, code char(3), label varchar(10), body text, raw bytea, doc jsonb,
    token uuid);
  CREATE TABLE by_uuid (id uuid PRIMARY KEY, n integer);
  CREATE TABLE by_text (id text PRIMARY KEY, n integer);
  CREATE TABLE composite (a integer, b varchar(8), n integer, PRIMARY KEY (a, b));
  CREATE TABLE mixed (id integer PRIMARY KEY, feeling mood, tags integer[]);`;

const ROWS = 1250;

const SOURCE_ROWS = `
  INSERT INTO typed SELECT i, (i % 30000)::smallint, i * 1000003, i * 3.1416,
    CASE WHEN i % 9 = 0 THEN NULL ELSE i / 7.0 END, i / 3.0, i % 2 = 0,
    date '2000-02-29' + i, timestamp '2024-01-01 00:00:00.123' + i * interval '1 second',
    timestamptz '1999-12-31 23:59:59+05' + i * interval '1 hour', time '00:00:01' + i * interval '1 minute',
    i * interval '1 day 2 hours', lpad((i % 1000)::text, 3, '0'), 'l' || i,
    CASE WHEN i % 11 = 0 THEN NULL WHEN i % 13 = 0 THEN '' ELSE repeat('tab\there ✓ ', i % 20) || E'\\nline' END,
    decode(md5(i::text), 'hex'), jsonb_build_object('i', i, 'nested', jsonb_build_array(i, 'x')),
    md5(i::text)::uuid
  FROM generate_series(1, ${ROWS}) AS i;
  INSERT INTO by_uuid SELECT md5(i::text)::uuid, i FROM generate_series(1, ${ROWS}) AS i;
  INSERT INTO by_text SELECT 'clé ' || i || ' ✓', i FROM generate_series(1, ${ROWS}) AS i;
  INSERT INTO composite SELECT i % 7, 'b' || i, i FROM generate_series(1, ${ROWS}) AS i;
  INSERT INTO mixed SELECT i, CASE WHEN i % 2 = 0 THEN 'low'::mood ELSE 'high' END, ARRAY[i, i + 1]
  FROM generate_series(1, ${ROWS}) AS i;`;

const COLUMNS: Record<string, string[]> = {
  typed: 'id small big amount ratio exact flag born at zoned clock span code label body raw doc token'.split(
    ' ',
  ),
  by_uuid: ['id', 'n'],
  by_text: ['id', 'n'],
  composite: ['a', 'b', 'n'],
  mixed: ['id', 'feeling', 'tags'],
};
const NAMES = Object.keys(COLUMNS);

function spec(from: TestDatabase, to: TestDatabase, extra = '') {
  const mappings = NAMES.map((t) => {
    const columns = COLUMNS[t]!.map((c) => `{ source: ${c}, target: ${c} }`).join(', ');
    return `  - { source: ${t}, target: ${t}, columns: [${columns}] }`;
  }).join('\n');
  return `name: binary
source: { url: "${from.url}" }
target: { url: "${to.url}" }
pipeline: { batchSize: 100, parallelism: 3${extra} }
mappings:
${mappings}
`;
}

/** Every row of a table as PostgreSQL prints it, in key order. */
async function rowsOf(db: TestDatabase, table: string): Promise<string[]> {
  const rows = await rawExec(db, 'postgres', `SELECT t::text AS row FROM ${table} t ORDER BY 1`);
  return rows.map((r) => String((r as { row: string }).row));
}

test('every built-in type, NULLs and keys of every kind arrive exactly as the source holds them', async () => {
  const source = await database(`${TABLES}${SOURCE_ROWS}`);
  const target = await database(TABLES);
  const summary = await runSpec(spec(source, target));
  assert.equal(summary.status, 'completed', JSON.stringify(summary.error));
  for (const table of NAMES) {
    assert.deepEqual(await rowsOf(target, table), await rowsOf(source, table), table);
    const result = summary.tables.find((t) => t.target.endsWith(`.${table}`))!;
    assert.equal(result.rowsWritten, ROWS, table);
  }
  // Validation compared both servers' checksums of every table, and they matched.
  assert.equal(summary.validation.length, NAMES.length);
  for (const v of summary.validation)
    assert.ok('matches' in v.checksum && v.checksum.matches, `${v.table}: ${JSON.stringify(v.checksum)}`);
});

test('a row the target refuses is isolated from its batch and rejected with its reason; the others all arrive', async () => {
  const source = await database(`${TABLES}${SOURCE_ROWS}
    UPDATE by_text SET n = 500 WHERE id = 'clé 900 ✓';`);
  // The target's UNIQUE on n refuses the second row with n = 500, in the middle of a batch.
  const target = await database(`${TABLES}
    ALTER TABLE by_text ADD CONSTRAINT by_text_n UNIQUE (n);`);
  const summary = await runSpec(spec(source, target, ', errorPolicy: skip_and_log'));
  assert.equal(summary.status, 'completed', JSON.stringify(summary.error));
  const byText = summary.tables.find((t) => t.target.endsWith('.by_text'))!;
  assert.equal(byText.rowsWritten, ROWS - 1);
  assert.equal(byText.rowsRejected, 1);
  assert.match(readFileSync(byText.rejectsFile!, 'utf8'), /by_text_n/);
  // Which of the two rows with n = 500 came second depends on the tasks' timing; every other row is there.
  const loaded = await rowsOf(target, 'by_text');
  const twins = ['("clé 500 ✓",500)', '("clé 900 ✓",500)'];
  const refused = twins.filter((r) => !loaded.includes(r));
  assert.equal(refused.length, 1, `one of ${twins.join(' and ')} refused`);
  assert.deepEqual(
    loaded,
    (await rowsOf(source, 'by_text')).filter((r) => r !== refused[0]),
  );
});
