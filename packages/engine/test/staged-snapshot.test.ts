import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runMigration } from '../src/run/run-migration.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { stagingDatabase } from '../src/staging/staging-config.ts';
import { freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function fresh(): Promise<TestDatabase> {
  const db = await freshPostgres();
  databases.push(db);
  return db;
}

const SLOW = `CREATE OR REPLACE FUNCTION public.slow_batch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END $$`;

const count = async (db: TestDatabase, sql: string) =>
  Number(((await rawExec(db, 'postgres', sql)) as { n: string }[])[0]!.n);

/**
 * Customers (two key ranges, read side by side and slowed down) start first; notes waits for a free
 * slot. While customers are being read, notes loses 20 rows and gains 50, and customers gain one.
 * Returns the rows of notes and customers the target ends with.
 */
async function runWithWritesDuringRead(staged: boolean): Promise<{ notes: number; customers: number }> {
  const source = await fresh();
  const target = await fresh();
  await rawExec(source, 'postgres', 'CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL)');
  await rawExec(
    source,
    'postgres',
    "INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 3000) g",
  );
  await rawExec(source, 'postgres', 'CREATE TABLE notes (id integer PRIMARY KEY, body text)');
  await rawExec(source, 'postgres', "INSERT INTO notes SELECT g, 'n' || g FROM generate_series(1, 120) g");
  const runId = `snap-${staged ? 'staged' : 'direct'}`;
  let slowed: TestDatabase;
  let progressed: () => Promise<boolean>;
  let staging: ReturnType<typeof stagingDatabase> | undefined;
  if (staged) {
    slowed = await fresh();
    staging = stagingDatabase(slowed.url, '--staging');
    const schema = 'databridge_stage_snap_staged';
    await rawExec(slowed, 'postgres', SLOW);
    await rawExec(slowed, 'postgres', `CREATE SCHEMA ${schema}`);
    for (const task of ['m1.p1', 'm1.p2']) {
      const table = `${schema}."task_${task}"`;
      await rawExec(
        slowed,
        'postgres',
        `CREATE TABLE ${table} (seq bigint PRIMARY KEY, key text, row text NOT NULL)`,
      );
      await rawExec(
        slowed,
        'postgres',
        `CREATE TRIGGER slow AFTER INSERT ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION public.slow_batch()`,
      );
    }
    progressed = async () =>
      (await count(
        slowed,
        "SELECT count(*) AS n FROM public._databridge_checkpoints WHERE task_id = 'stage:m1.p1'",
      ).catch(() => 0)) > 0;
  } else {
    slowed = target;
    await rawExec(target, 'postgres', SLOW);
    await rawExec(target, 'postgres', 'CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL)');
    await rawExec(target, 'postgres', 'CREATE TABLE notes (id integer PRIMARY KEY, body text)');
    await rawExec(
      target,
      'postgres',
      'CREATE TRIGGER slow AFTER INSERT ON customers FOR EACH STATEMENT EXECUTE FUNCTION public.slow_batch()',
    );
    progressed = async () => (await count(target, 'SELECT count(*) AS n FROM customers')) > 0;
  }
  const text = `source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { ${staged ? 'staging: database, ' : ''}createTables: true, batchSize: 500, parallelism: 2, validation: { rowCount: false, checksum: false } }
mappings:
  - { source: customers, target: customers, columns: [{ source: id, target: id }, { source: name, target: name }] }
  - { source: notes, target: notes, columns: [{ source: id, target: id }, { source: body, target: body }] }
`;
  const { spec, lineOf } = parseSpec(text, 'spec.yaml', {});
  const dir = mkdtempSync(join(tmpdir(), 'databridge-snapshot-'));
  const running = runMigration({
    spec,
    lineOf,
    runId,
    specHash: createHash('sha256').update(text).digest('hex'),
    state: { file: join(dir, 'state.sqlite') },
    reportsDir: join(dir, 'reports'),
    ...(staging ? { staging } : {}),
  });
  for (let i = 0; i < 600 && !(await progressed()); i++) await new Promise((r) => setTimeout(r, 50));
  await rawExec(source, 'postgres', 'DELETE FROM notes WHERE id <= 20');
  await rawExec(source, 'postgres', "INSERT INTO notes SELECT g, 'new' FROM generate_series(1001, 1050) g");
  await rawExec(source, 'postgres', "INSERT INTO customers VALUES (9999, 'late')");
  const summary = await running;
  assert.equal(summary.status, 'completed', JSON.stringify(summary.error));
  return {
    notes: await count(target, 'SELECT count(*) AS n FROM notes'),
    customers: await count(target, 'SELECT count(*) AS n FROM customers'),
  };
}

test('staged extract: writes to the source while it is read do not reach the target (one snapshot)', async () => {
  assert.deepEqual(await runWithWritesDuringRead(true), { notes: 120, customers: 3000 });
});

test('direct run, the same writes: a table read after them, and the later pages of one being read, get them', async () => {
  // notes was read after the writes (100 + 50); the customer inserted mid-read arrived with a later page.
  assert.deepEqual(await runWithWritesDuringRead(false), { notes: 150, customers: 3001 });
});
