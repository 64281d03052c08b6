import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const columns = (names: readonly string[]) =>
  `[${names.map((n) => `{ source: ${n}, target: ${n} }`).join(', ')}]`;

/** Each source's own spelling of a table with a named table check and a column check. */
const SOURCE_TABLE: Record<TestDialect, string> = {
  mysql: `CREATE TABLE item (id int PRIMARY KEY, qty int NOT NULL, price int NOT NULL CHECK (price >= 0),
            CONSTRAINT qty_positive CHECK (qty > 0 AND \`qty\` < 1000));
          INSERT INTO item VALUES (1, 5, 10), (2, 7, 0);`,
  sqlite: `CREATE TABLE item (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, price INTEGER NOT NULL CHECK (price >= 0),
            CONSTRAINT qty_positive CHECK (qty > 0 AND "qty" < 1000));
          INSERT INTO item VALUES (1, 5, 10), (2, 7, 0);`,
  postgres: `CREATE TABLE item (id int PRIMARY KEY, qty int NOT NULL, price int NOT NULL CHECK (price >= 0),
            CONSTRAINT qty_positive CHECK (qty > 0 AND "qty" < 1000));
          INSERT INTO item VALUES (1, 5, 10), (2, 7, 0);`,
};

const PAIRS: readonly [TestDialect, TestDialect][] = [
  ['mysql', 'mysql'],
  ['sqlite', 'postgres'],
  ['sqlite', 'sqlite'],
  ['sqlite', 'mysql'],
  ['postgres', 'mysql'],
  ['postgres', 'sqlite'],
  ['mysql', 'sqlite'],
];

describe('schema fidelity: CHECK constraints on every target', () => {
  for (const [from, to] of PAIRS) {
    test(`${from} into ${to}: both checks are created and refuse a row that breaks them`, async () => {
      const [source, target] = await Promise.all([freshDatabase(from), freshDatabase(to)]);
      databases.push(source, target);
      await rawExec(source, from, SOURCE_TABLE[from]);
      const summary = await runSpec(`name: checks
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - { source: item, target: item, columns: ${columns(['id', 'qty', 'price'])} }
`);
      assert.equal(summary.status, 'completed', summary.error?.message ?? '');
      assert.equal(summary.totals.rowsWritten, 2);
      const notCreated = summary.warnings.filter((w) => /check/i.test(w.message));
      assert.deepEqual(notCreated, [], 'no check is left out');
      await rawExec(target, to, 'INSERT INTO item (id, qty, price) VALUES (3, 1, 1)');
      await assert.rejects(
        rawExec(target, to, 'INSERT INTO item (id, qty, price) VALUES (4, 0, 1)'),
        /check|constraint/i,
        'the named table check holds',
      );
      await assert.rejects(
        rawExec(target, to, 'INSERT INTO item (id, qty, price) VALUES (5, 1, -1)'),
        /check|constraint/i,
        'the column check holds',
      );
    });
  }

  test('a PostgreSQL check MySQL cannot read is named in the plan with the reason, and the run completes', async () => {
    const [source, target] = await Promise.all([freshDatabase('postgres'), freshDatabase('mysql')]);
    databases.push(source, target);
    await rawExec(
      source,
      'postgres',
      `CREATE TABLE item (id int PRIMARY KEY, code text NOT NULL CONSTRAINT code_shape CHECK (code ~ '^[A-Z]{3}$'));
       INSERT INTO item VALUES (1, 'ABC');`,
    );
    const summary = await runSpec(`name: checks
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - { source: item, target: item, columns: ${columns(['id', 'code'])} }
`);
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    const warning = summary.warnings.find((w) => /code_shape/.test(w.message));
    assert.ok(warning, `the check is named: ${JSON.stringify(summary.warnings)}`);
    assert.match(warning.message, /not created/);
    assert.match(warning.fix ?? '', /by hand/);
  });
});
