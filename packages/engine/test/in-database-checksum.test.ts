import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openConnection } from '../src/connectors/open.ts';
import { freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

// Between two PostgreSQL databases each server checksums its own rows: from PostgreSQL 14 on, each
// value hashed by its type's hash function (hash_record_extended), else each row's text. Either way
// a value changed after the load must fail the run, whatever its type.

const databases: TestDatabase[] = [];
const SCORED = ['id', 'score', 'feeling'];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const TABLE = `CREATE TABLE item (
  id integer PRIMARY KEY,
  name text COLLATE case_insensitive,
  code character varying(20),
  tag character(4),
  price numeric(12, 2),
  big bigint,
  small smallint,
  flag boolean,
  born date,
  at_time time,
  at timestamp,
  at_tz timestamptz,
  ref uuid,
  bytes bytea,
  doc jsonb
)`;

const ROWS = `INSERT INTO item SELECT i, 'name ' || i, 'code' || i, 'ab', i * 1.25, i * 10000000000, i, i % 2 = 0,
  date '2024-01-01' + i, time '10:00' + i * interval '1 second', timestamp '2024-01-01 10:00' + i * interval '1 minute',
  timestamptz '2024-01-01 10:00+00' + i * interval '1 minute', md5(i::text)::uuid, decode(md5(i::text), 'hex'),
  jsonb_build_object('n', i, 'tags', jsonb_build_array('a', 'b'))
  FROM generate_series(1, 200) i`;

async function sourceAndTarget(): Promise<{ source: TestDatabase; target: TestDatabase }> {
  const [source, target] = await Promise.all([freshPostgres(), freshPostgres()]);
  databases.push(source, target);
  for (const db of [source, target]) {
    await rawExec(
      db,
      'postgres',
      `CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`,
    );
    await rawExec(db, 'postgres', TABLE);
  }
  await rawExec(source, 'postgres', ROWS);
  return { source, target };
}

const ITEM_COLUMNS = [
  'id',
  'name',
  'code',
  'tag',
  'price',
  'big',
  'small',
  'flag',
  'born',
  'at_time',
  'at',
  'at_tz',
  'ref',
  'bytes',
  'doc',
];

function specWithPostHook(
  source: TestDatabase,
  target: TestDatabase,
  sql: string | undefined,
  columns: readonly string[] = ITEM_COLUMNS,
): string {
  const mapped = columns.map((c) => `{ source: ${c}, target: ${c} }`).join(', ');
  const hooks = sql ? `\n  hooks: { post: [{ name: tamper, sql: ${JSON.stringify(sql)} }] }` : '';
  return `source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline:
  parallelism: 2${hooks}
mappings:
  - source: item
    target: item
    columns: [${mapped}]
`;
}

describe('PostgreSQL to PostgreSQL: each server checksums its own rows', () => {
  test('the servers hash values one by one when both can (PostgreSQL 14 or later, hashable types)', async () => {
    const { source } = await sourceAndTarget();
    const connection = await openConnection(source.url);
    try {
      const types = (await connection.introspect()).tables
        .find((t) => t.name === 'item')!
        .columns.map((c) => c.nativeType);
      assert.equal(await connection.reader.hashesValues!(types), true, types.join(', '));
      assert.equal(await connection.reader.hashesValues!(['integer', 'double precision']), false);
      assert.equal(await connection.reader.hashesValues!(['integer', 'interval']), false);
    } finally {
      await connection.close();
    }
  });

  test('an untouched copy checksums equal', async () => {
    const { source, target } = await sourceAndTarget();
    const summary = await runSpec(specWithPostHook(source, target, undefined));
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    const checksum = summary.validation[0]!.checksum;
    assert.ok('matches' in checksum && checksum.matches, JSON.stringify(checksum));
  });

  const tampers: [string, string][] = [
    [
      'text differing only in case under a case-insensitive collation',
      `UPDATE item SET name = upper(name) WHERE id = 7`,
    ],
    ['a fixed-length string', `UPDATE item SET tag = 'ac' WHERE id = 7`],
    ['a numeric by one cent', `UPDATE item SET price = price + 0.01 WHERE id = 7`],
    [
      'a timestamptz by one microsecond',
      `UPDATE item SET at_tz = at_tz + interval '1 microsecond' WHERE id = 7`,
    ],
    [
      'one byte of a bytea',
      `UPDATE item SET bytes = set_byte(bytes, 0, 255 - get_byte(bytes, 0)) WHERE id = 7`,
    ],
    [
      'a value inside a jsonb document',
      `UPDATE item SET doc = jsonb_set(doc, '{tags,1}', '"c"') WHERE id = 7`,
    ],
    ['a value set to NULL', `UPDATE item SET code = NULL WHERE id = 7`],
    [
      'two values swapped between rows',
      `UPDATE item SET big = CASE id WHEN 7 THEN 80000000000 ELSE 70000000000 END WHERE id IN (7, 8)`,
    ],
  ];
  for (const [what, sql] of tampers) {
    test(`${what} fails the checksum`, async () => {
      const { source, target } = await sourceAndTarget();
      const summary = await runSpec(specWithPostHook(source, target, sql));
      assert.equal(summary.status, 'failed');
      assert.equal(summary.error?.code, 'validation_failed');
      assert.match(summary.error!.message, /public\.item: checksum of the copied columns differs/);
      assert.ok(summary.validation[0]!.countMatches);
    });
  }

  test('a table with a type hashed as text (a float, an enum) is compared by its rows text and still catches a change', async () => {
    const [source, target] = await Promise.all([freshPostgres(), freshPostgres()]);
    databases.push(source, target);
    for (const db of [source, target]) {
      await rawExec(db, 'postgres', `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')`);
      await rawExec(
        db,
        'postgres',
        'CREATE TABLE item (id integer PRIMARY KEY, score double precision, feeling mood)',
      );
    }
    await rawExec(
      source,
      'postgres',
      `INSERT INTO item SELECT i, i / 3.0, 'ok' FROM generate_series(1, 50) i`,
    );
    const clean = await runSpec(specWithPostHook(source, target, undefined, SCORED));
    assert.equal(clean.status, 'completed', clean.error?.message ?? '');
    await rawExec(target, 'postgres', 'TRUNCATE item');
    const tampered = await runSpec(
      specWithPostHook(source, target, `UPDATE item SET feeling = 'happy' WHERE id = 3`, SCORED),
    );
    assert.equal(tampered.error?.code, 'validation_failed');
    assert.match(tampered.error!.message, /checksum of the copied columns differs/);
  });
});
