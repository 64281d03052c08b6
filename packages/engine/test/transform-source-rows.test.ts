import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { freshPostgres, freshSqlite, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

test('a rejected row is listed with the values as read, even after an earlier column of it was converted; the rows that fit load converted', async () => {
  const [source, target] = await Promise.all([freshSqlite(), freshPostgres()]);
  databases.push(source, target);
  await rawExec(
    source,
    'sqlite',
    `CREATE TABLE item (k INTEGER PRIMARY KEY, qty TEXT NOT NULL, code TEXT NOT NULL);
     INSERT INTO item VALUES (1, '7', 'abc'), (2, '08', 'too long'), (3, '9', 'xyz');`,
  );
  await rawExec(
    target,
    'postgres',
    'CREATE TABLE item (k bigint PRIMARY KEY, qty int NOT NULL, code varchar(3) NOT NULL)',
  );
  const summary = await runSpec(`name: rows
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { errorPolicy: skip_and_log }
mappings:
  - { source: item, target: item, columns: [{ source: k, target: k }, { source: qty, target: qty }, { source: code, target: code }] }
`);
  assert.equal(summary.status, 'completed', summary.error?.message ?? '');
  assert.equal(summary.totals.rowsWritten, 2);
  assert.deepEqual(
    summary.rejectedRows.map((r) => r.row),
    [{ k: 2, qty: '08', code: 'too long' }],
  );
  assert.deepEqual(await rawExec(target, 'postgres', 'SELECT k::int, qty, code FROM item ORDER BY k'), [
    { k: 1, qty: 7, code: 'abc' },
    { k: 3, qty: 9, code: 'xyz' },
  ]);
});
