import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { freshMysql, freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

test("a MySQL spatial column arrives as the server's own bytes (SRID, then WKB), with a warning saying how to convert them", async () => {
  const [source, target] = await Promise.all([freshMysql(), freshPostgres()]);
  databases.push(source, target);
  await rawExec(
    source,
    'mysql',
    `CREATE TABLE place (id int PRIMARY KEY, at point NULL, big bigint NOT NULL);
     INSERT INTO place VALUES (1, ST_GeomFromText('POINT(1.5 -2)'), 9007199254740993), (2, NULL, 7);`,
  );
  const summary = await runSpec(`name: spatial
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - { source: place, target: place, columns: [{ source: id, target: id }, { source: at, target: at }, { source: big, target: big }] }
`);
  assert.equal(summary.status, 'completed', summary.error?.message ?? '');
  const [expected] = (await rawExec(
    source,
    'mysql',
    'SELECT LOWER(HEX(at)) AS hex FROM place WHERE id = 1',
  )) as {
    hex: string;
  }[];
  const rows = (await rawExec(
    target,
    'postgres',
    `SELECT id, encode(at, 'hex') AS hex, big::text AS big FROM place ORDER BY id`,
  )) as { id: number; hex: string | null; big: string }[];
  assert.deepEqual(rows, [
    { id: 1, hex: expected!.hex, big: '9007199254740993' },
    { id: 2, hex: null, big: '7' },
  ]);
  assert.ok(summary.warnings.some((w) => /WKB/.test(w.message)));
});
