import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PAUSED, runMigration } from '../src/run/run-migration.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { stagingDatabase } from '../src/staging/staging-config.ts';
import { listStagingSchemas } from '../src/staging/staging-schemas.ts';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function fresh(dialect: TestDialect): Promise<TestDatabase> {
  const db = await freshDatabase(dialect);
  databases.push(db);
  return db;
}

const BYTES: Record<TestDialect, string> = { postgres: 'bytea', mysql: 'blob', sqlite: 'blob' };

async function fillSource(db: TestDatabase, dialect: TestDialect): Promise<void> {
  await rawExec(
    db,
    dialect,
    `CREATE TABLE customers (id integer PRIMARY KEY, name varchar(40) NOT NULL, amount numeric(10,2), photo ${BYTES[dialect]})`,
  );
  await rawExec(db, dialect, 'CREATE TABLE notes (body varchar(40))');
  for (let from = 1; from <= 3000; from += 500) {
    const rows = Array.from({ length: 500 }, (_, i) => {
      const id = from + i;
      const photo =
        dialect === 'postgres'
          ? `'\\x${id.toString(16).padStart(4, '0')}'`
          : `X'${id.toString(16).padStart(4, '0')}'`;
      return `(${id}, 'customer ${id}', ${id % 7 === 0 ? 'NULL' : `${id}.25`}, ${photo})`;
    });
    await rawExec(db, dialect, `INSERT INTO customers VALUES ${rows.join(', ')}`);
  }
  const notes = Array.from({ length: 120 }, (_, i) => `('note ${i % 40}')`);
  await rawExec(db, dialect, `INSERT INTO notes VALUES ${notes.join(', ')}`);
}

function specText(source: TestDatabase, target: TestDatabase): string {
  return `source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { staging: database, createTables: true, batchSize: 500, parallelism: 2 }
mappings:
  - source: customers
    target: customers
    columns: [{ source: id, target: id }, { source: name, target: name }, { source: amount, target: amount }, { source: photo, target: photo }]
  - source: notes
    target: notes
    columns: [{ source: body, target: body }]
`;
}

for (const sourceDialect of ['postgres', 'mysql', 'sqlite'] as const) {
  test(`staged run from ${sourceDialect}: paused after extract, the source dropped, the resume loads everything from staging`, async () => {
    const source = await fresh(sourceDialect);
    const target = await fresh('postgres');
    const stagingDb = await fresh('postgres');
    const staging = stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL');
    await fillSource(source, sourceDialect);
    const text = specText(source, target);
    const { spec, lineOf } = parseSpec(text, 'spec.yaml', {});
    const dir = mkdtempSync(join(tmpdir(), 'databridge-staged-'));
    const base = {
      spec,
      lineOf,
      specHash: createHash('sha256').update(text).digest('hex'),
      state: { file: join(dir, 'state.sqlite') },
      reportsDir: join(dir, 'reports'),
      staging,
    };
    const pause = new AbortController();
    const first = await runMigration({
      ...base,
      signal: pause.signal,
      onProgress: (p) => {
        if (p.stages.find((s) => s.id === 'extract')?.status === 'completed') pause.abort(PAUSED);
      },
    });
    assert.equal(first.status, 'paused', JSON.stringify(first.error));
    const held = await listStagingSchemas(staging);
    assert.equal(held.length, 1);
    assert.equal(held[0]!.tables, 3); // customers in two key ranges, notes in one
    const staged = (await rawExec(
      stagingDb,
      'postgres',
      `SELECT (SELECT count(*) FROM ${held[0]!.schema}."task_m1.p1") + (SELECT count(*) FROM ${held[0]!.schema}."task_m1.p2") AS customers, (SELECT count(*) FROM ${held[0]!.schema}."task_m2") AS notes`,
    )) as { customers: string; notes: string }[];
    assert.deepEqual([Number(staged[0]!.customers), Number(staged[0]!.notes)], [3000, 120]);
    const loaded = (await rawExec(target, 'postgres', 'SELECT count(*) AS n FROM customers')) as {
      n: string;
    }[];
    assert.equal(Number(loaded[0]!.n), 0, 'paused before any load');

    await source.drop(); // the source is gone: the resume can only read staging

    const resumed = await runMigration({ ...base, resumeRunId: first.runId });
    assert.equal(resumed.status, 'completed', JSON.stringify(resumed.error));
    const rows = (await rawExec(
      target,
      'postgres',
      "SELECT count(*) AS n, sum(id) AS ids, sum(amount) AS amounts, count(amount) AS amounted, string_agg(encode(photo, 'hex'), '' ORDER BY id) AS photos FROM customers",
    )) as { n: string; ids: string; amounts: string; amounted: string; photos: string }[];
    assert.equal(Number(rows[0]!.n), 3000);
    assert.equal(Number(rows[0]!.ids), (3000 * 3001) / 2);
    const expectedAmount = Array.from({ length: 3000 }, (_, i) => i + 1)
      .filter((id) => id % 7 !== 0)
      .reduce((n, id) => n + id + 0.25, 0);
    assert.equal(Number(rows[0]!.amounts), expectedAmount);
    assert.equal(
      rows[0]!.photos,
      Array.from({ length: 3000 }, (_, i) => (i + 1).toString(16).padStart(4, '0')).join(''),
    );
    const notes = (await rawExec(target, 'postgres', 'SELECT count(*) AS n FROM notes')) as { n: string }[];
    assert.equal(Number(notes[0]!.n), 120);
    assert.deepEqual(await listStagingSchemas(staging), [], 'a completed run drops its staging schema');
    // The report says what the staged rows are a picture of.
    const log = readFileSync(join(dir, 'reports', first.runId, 'run.log'), 'utf8');
    const snapshotWarnings = resumed.warnings.filter((w) => w.kind === 'source_snapshot');
    const words =
      sourceDialect === 'mysql'
        ? /all started under a global read lock \(FLUSH TABLES WITH READ LOCK\) that held commits off/
        : /every table was read from one snapshot of the source, shared by the 2 parallel readers/;
    assert.match(log, words);
    assert.match(resumed.sourceSnapshot?.message ?? '', words);
    assert.deepEqual(snapshotWarnings, []);
  });
}

/** The target's customers and notes as the assertions compare them, in the target's own SQL. */
async function loadedRows(target: TestDatabase, dialect: TestDialect) {
  const hex = dialect === 'postgres' ? "encode(photo, 'hex')" : 'hex(photo)';
  const concat =
    dialect === 'mysql'
      ? `group_concat(${hex} ORDER BY id SEPARATOR '')`
      : dialect === 'sqlite'
        ? `(SELECT group_concat(h, '') FROM (SELECT ${hex} AS h FROM customers ORDER BY id))`
        : `string_agg(${hex}, '' ORDER BY id)`;
  const [row] = (await rawExec(
    target,
    dialect,
    `SELECT count(*) AS n, sum(id) AS ids, sum(amount) AS amounts, count(amount) AS amounted, ${concat} AS photos FROM customers`,
  )) as { n: unknown; ids: unknown; amounts: unknown; amounted: unknown; photos: unknown }[];
  const [notes] = (await rawExec(target, dialect, 'SELECT count(*) AS n FROM notes')) as { n: unknown }[];
  return {
    customers: Number(row!.n),
    ids: Number(row!.ids),
    amounts: Math.round(Number(row!.amounts) * 100) / 100,
    amounted: Number(row!.amounted),
    photos: String(row!.photos).toLowerCase(),
    notes: Number(notes!.n),
  };
}

for (const targetDialect of ['mysql', 'sqlite'] as const) {
  for (const sourceDialect of ['postgres', 'mysql', 'sqlite'] as const) {
    test(`staged run from ${sourceDialect} into ${targetDialect}: every row arrives through the staging database, which is dropped after`, async () => {
      const [source, target, stagingDb] = await Promise.all([
        fresh(sourceDialect),
        fresh(targetDialect),
        fresh('postgres'),
      ]);
      const staging = stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL');
      await fillSource(source, sourceDialect);
      const summary = await runSpec(specText(source, target), {}, { staging });
      assert.equal(summary.status, 'completed', JSON.stringify(summary.error));
      const amounted = Array.from({ length: 3000 }, (_, i) => i + 1).filter((id) => id % 7 !== 0);
      assert.deepEqual(await loadedRows(target, targetDialect), {
        customers: 3000,
        ids: (3000 * 3001) / 2,
        amounts: amounted.reduce((n, id) => n + id + 0.25, 0),
        amounted: amounted.length,
        photos: Array.from({ length: 3000 }, (_, i) => (i + 1).toString(16).padStart(4, '0')).join(''),
        notes: 120,
      });
      // The counts compared the target with staging, and staging with the source.
      for (const v of summary.validation) assert.deepEqual(v.problems, [], v.table);
      assert.deepEqual(await listStagingSchemas(staging), [], 'a completed run drops its staging schema');
    });
  }
}
