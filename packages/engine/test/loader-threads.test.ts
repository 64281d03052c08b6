import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const ROWS = 6000;

/**
 * A source table with a few bad rows among good ones: one the conversion refuses (a name too long for
 * varchar(12)) and one the database refuses (the email of the row before it, against a UNIQUE
 * constraint; both in one key range, so it is always the later row, whatever the tasks' timing).
 */
async function source(dialect: TestDialect): Promise<TestDatabase> {
  const db = await freshDatabase(dialect);
  databases.push(db);
  const rows = Array.from({ length: ROWS }, (_, k) => {
    const i = k + 1;
    const name = i === 2500 ? 'a name far too long' : `n${i} é`;
    const email = i === 4200 ? 'user4199@x.io' : `user${i}@x.io`;
    const amount = `${i % 1000}.${String(i % 100).padStart(2, '0')}`;
    return `(${i}, '${name}', '${email}', ${amount}, '2024-0${(i % 9) + 1}-1${i % 10} 10:0${i % 10}:00')`;
  });
  const intType = dialect === 'sqlite' ? 'INTEGER' : 'int';
  await rawExec(
    db,
    dialect,
    `CREATE TABLE people (id ${intType} PRIMARY KEY, name varchar(40), email varchar(40), amount decimal(8,2), seen timestamp)`,
  );
  for (let at = 0; at < rows.length; at += 1000)
    await rawExec(db, dialect, `INSERT INTO people VALUES ${rows.slice(at, at + 1000).join(', ')}`);
  return db;
}

async function target(): Promise<TestDatabase> {
  const db = await freshDatabase('postgres');
  databases.push(db);
  await rawExec(
    db,
    'postgres',
    `CREATE TABLE people (id int PRIMARY KEY, name varchar(12), email varchar(40) NOT NULL UNIQUE,
       amount numeric(8,2), seen timestamp)`,
  );
  return db;
}

const spec = (from: TestDatabase, to: TestDatabase) => `name: threads
source: { url: "${from.url}" }
target: { url: "${to.url}" }
pipeline: { errorPolicy: skip_and_log, batchSize: 500, parallelism: 3 }
mappings:
  - source: people
    target: people
    columns:
      - { source: id, target: id }
      - { source: name, target: name, transform: [trim] }
      - { source: email, target: email }
      - { source: amount, target: amount }
      - { source: seen, target: seen }
`;

/** What a run leaves: the target's rows in key order, and the rejected rows' keys and reasons. */
async function outcome(to: TestDatabase, summary: Awaited<ReturnType<typeof runSpec>>) {
  const [dump] = (await rawExec(
    to,
    'postgres',
    `SELECT count(*)::int AS n, md5(string_agg(concat_ws('|', id, name, email, amount, seen), ',' ORDER BY id)) AS digest FROM people`,
  )) as { n: number; digest: string }[];
  const table = summary.tables[0]!;
  const rejected = readFileSync(table.rejectsFile!, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { row: { id: unknown }; reason: string })
    .map((r) => `${Number(r.row.id)}: ${r.reason}`)
    .sort();
  return {
    status: summary.status,
    rows: { read: table.rowsRead, written: table.rowsWritten, rejected: table.rowsRejected },
    dump,
    rejected,
    validation: summary.validation.map((v) => ({
      count: v.countMatches,
      checksum: v.checksum && ('matches' in v.checksum ? v.checksum.matches : v.checksum.skipped),
    })),
  };
}

for (const dialect of ['mysql', 'sqlite', 'postgres'] as const) {
  describe(`loader threads: ${dialect} to postgres`, () => {
    test('a run whose rows are read and converted on a loader thread loads, rejects and validates exactly what the main thread does', async () => {
      const from = await source(dialect);
      const [onThread, onMain] = [await target(), await target()];
      const threaded = await runSpec(spec(from, onThread));
      const log = readFileSync(threaded.log, 'utf8');
      assert.match(log, /on a loader thread/, 'the run used a loader thread');
      const previous = process.env.DATABRIDGE_LOADER_THREADS;
      process.env.DATABRIDGE_LOADER_THREADS = '0';
      let direct: Awaited<ReturnType<typeof runSpec>>;
      try {
        direct = await runSpec(spec(from, onMain));
      } finally {
        if (previous === undefined) delete process.env.DATABRIDGE_LOADER_THREADS;
        else process.env.DATABRIDGE_LOADER_THREADS = previous;
      }
      assert.doesNotMatch(readFileSync(direct.log, 'utf8'), /on a loader thread/);
      const expected = await outcome(onMain, direct);
      assert.equal(expected.status, 'completed', JSON.stringify(direct.error));
      assert.deepEqual(expected.rows, { read: ROWS, written: ROWS - 2, rejected: 2 });
      assert.equal(expected.rejected.length, 2);
      assert.deepEqual(await outcome(onThread, threaded), expected);
    });
  });
}
