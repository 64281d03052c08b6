import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const GOOD = 200;
/** Source rows that no target can take, one per kind, each with the reason a user must see. */
const BAD = [
  {
    id: 1001,
    name: 'A name far longer than ten',
    email: 'long@x.io',
    age: 30,
    born: '1990-01-01',
    reason: /longer than|too long|characters/i,
  },
  {
    id: 1002,
    name: 'Overflow',
    email: 'age@x.io',
    age: 99999,
    born: '1990-01-01',
    reason: /out of range|range/i,
  },
  { id: 1003, name: 'Feb30', email: 'date@x.io', age: 30, born: '2024-02-30', reason: /date/i },
  { id: 1004, name: 'NoEmail', email: null, age: 30, born: '1990-01-01', reason: /NULL|null/ },
  { id: 1005, name: 'Dup', email: 'user7@x.io', age: 30, born: '1990-01-01', reason: /duplicate|unique/i },
];

async function setUp(dialect: TestDialect) {
  const source = await freshDatabase('sqlite');
  const target = await freshDatabase(dialect);
  databases.push(source, target);
  const values = Array.from(
    { length: GOOD },
    (_, i) =>
      `(${i + 1}, 'P${i + 1}', 'user${i + 1}@x.io', ${20 + (i % 50)}, '1990-01-${String((i % 28) + 1).padStart(2, '0')}')`,
  );
  const bad = BAD.map(
    (b) => `(${b.id}, '${b.name}', ${b.email === null ? 'NULL' : `'${b.email}'`}, ${b.age}, '${b.born}')`,
  );
  await rawExec(
    source,
    'sqlite',
    `CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, email TEXT, age INTEGER, born TEXT);
    INSERT INTO people VALUES ${[...values, ...bad].join(', ')};`,
  );
  await rawExec(
    target,
    dialect,
    `CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(10), email VARCHAR(50) NOT NULL UNIQUE, age SMALLINT, born DATE)`,
  );
  return { source, target };
}

function spec(source: TestDatabase, target: TestDatabase, policy: string, extra = ''): string {
  return `name: policies
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { errorPolicy: ${policy}, batchSize: 100, parallelism: 1 }
${extra}
mappings:
  - source: people
    target: people
    columns:
      - { source: id, target: id }
      - { source: name, target: name }
      - { source: email, target: email }
      - { source: age, target: age }
      - { source: born, target: born }
`;
}

const count = async (db: TestDatabase, dialect: TestDialect, sql: string) =>
  Number(Object.values((await rawExec(db, dialect, sql))[0] as object)[0]);

for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
  describe(`error policies into ${dialect}`, () => {
    test('skip_and_log loads every good row, rejects each bad one with its reason, and the counts add up', async () => {
      const { source, target } = await setUp(dialect);
      const summary = await runSpec(spec(source, target, 'skip_and_log'));
      assert.equal(summary.status, 'completed', summary.error?.message ?? '');
      const table = summary.tables[0]!;
      assert.equal(table.rowsRead, GOOD + BAD.length);
      assert.equal(table.rowsWritten, GOOD);
      assert.equal(table.rowsRejected, BAD.length);
      assert.equal(await count(target, dialect, 'SELECT count(*) FROM people'), GOOD);
      const lines = readFileSync(table.rejectsFile!, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(lines.length, BAD.length);
      for (const bad of BAD) {
        const found = lines.find((l) => Number(l.row.id) === bad.id);
        assert.ok(found, `row ${bad.id} is in the rejects file`);
        assert.match(found.reason, bad.reason, `row ${bad.id}: ${found.reason}`);
      }
      assert.deepEqual(summary.validation[0]!.problems, [], 'validation counts the rejected rows');
      const log = readFileSync(summary.log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.ok(log.some((e) => e.level === 'warning' && /row\(s\) rejected in/.test(e.message)));
      assert.ok(log.some((e) => e.level === 'info' && e.message === 'stage load_facts completed'));
      assert.ok(!log.some((e) => e.level === 'debug'), 'info level keeps debug entries out');
      const quiet = await runSpec(
        spec(source, target, 'skip_and_log').replace(
          'errorPolicy: skip_and_log,',
          'errorPolicy: skip_and_log, logLevel: error, validation: { rowCount: false, checksum: false },',
        ),
      );
      const quietLog = readFileSync(quiet.log, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      assert.ok(
        quietLog.every((e) => e.level === 'error'),
        'error level keeps only errors',
      );
    });

    test('continue loads every good row and fails the run at the end, listing the rejections', async () => {
      const { source, target } = await setUp(dialect);
      const summary = await runSpec(spec(source, target, 'continue'));
      assert.equal(summary.status, 'failed');
      assert.match(summary.error!.message, /5 row\(s\) rejected/);
      assert.equal(await count(target, dialect, 'SELECT count(*) FROM people'), GOOD);
      assert.equal(summary.tables[0]!.rowsRejected, BAD.length);
      // The verdict is the validate stage's, as on the server: every row is in, validate says no.
      assert.deepEqual(
        summary.stages.map((s) => [s.id, s.status]),
        [
          ['extract', 'completed'],
          ['transform', 'completed'],
          ['load_dimensions', 'skipped'],
          ['load_facts', 'completed'],
          ['validate', 'failed'],
          ['report', 'completed'],
        ],
      );
    });

    test('fail_fast stops at the first bad row and names it', async () => {
      const { source, target } = await setUp(dialect);
      const summary = await runSpec(spec(source, target, 'fail_fast'));
      assert.equal(summary.status, 'failed');
      assert.match(summary.error!.message, /"id":1001|id.*1001/);
      assert.equal(summary.tables[0]!.rowsRejected, 1);
      // Batches before the bad row committed; the failing batch rolled back whole.
      assert.equal(await count(target, dialect, 'SELECT count(*) FROM people'), GOOD);
      assert.equal(summary.resumeWith !== null, true);
    });
  });
}

describe('hooks and custom validation rules', () => {
  test('pre and post hooks run in order with their output in the report; a rule passes or fails by name', async () => {
    const { source, target } = await setUp('postgres');
    const hooks = `  hooks:
    pre: [{ name: audit table, sql: "CREATE TABLE audit (note text)" }, { sql: "INSERT INTO audit VALUES ('before')" }]
    post: [{ name: count loaded, sql: "SELECT count(*) AS loaded FROM people" }]
  rules:
    - { name: every email present, sql: "SELECT count(*) FROM people WHERE email IS NULL" }
    - { name: two hundred people, sql: "SELECT count(*) FROM people", expect: ${GOOD} }`;
    const text = spec(source, target, 'skip_and_log').replace(
      'pipeline: { errorPolicy: skip_and_log, batchSize: 100, parallelism: 1 }',
      `pipeline:\n  errorPolicy: skip_and_log\n${hooks}`,
    );
    const summary = await runSpec(text);
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    assert.deepEqual(
      summary.hooks.map((h) => [h.name, h.phase, h.ok]),
      [
        ['audit table', 'pre', true],
        ['pre[1]', 'pre', true],
        ['count loaded', 'post', true],
      ],
    );
    assert.match(summary.hooks[2]!.output, /"loaded":"?200/);
    assert.deepEqual(
      summary.rules.map((r) => [r.name, r.ok]),
      [
        ['every email present', true],
        ['two hundred people', true],
      ],
    );

    const failing = text
      .replace(`expect: ${GOOD}`, 'expect: 7')
      .replace('CREATE TABLE audit', 'CREATE TABLE audit2');
    const failed = await runSpec(failing);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'validation_failed');
    assert.match(failed.error!.message, /rule "two hundred people" returned "\d+", expected 7/);
  });

  test('a failing pre hook under fail_fast stops the run before a row moves', async () => {
    const { source, target } = await setUp('postgres');
    const text = spec(source, target, 'fail_fast').replace(
      'pipeline: { errorPolicy: fail_fast, batchSize: 100, parallelism: 1 }',
      'pipeline:\n  errorPolicy: fail_fast\n  hooks: { pre: [{ name: broken, sql: "SELECT * FROM no_such_table" }] }',
    );
    const summary = await runSpec(text);
    assert.equal(summary.status, 'failed');
    assert.equal(summary.error?.code, 'hook_failed');
    assert.match(summary.error!.message, /pre hook "broken" failed on the target: .*no_such_table/);
    assert.equal(await count(target, 'postgres', 'SELECT count(*) FROM people'), 0);
  });
});
