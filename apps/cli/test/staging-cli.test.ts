import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createStagingSchema, stagingDatabase } from '../../../packages/engine/src/index.ts';
import { recordEnded, recordRunning } from '../../../packages/engine/src/staging/staging-ledger.ts';
import {
  freshPostgres,
  rawExec,
  type TestDatabase,
} from '../../../packages/engine/test/support/databases.ts';
import { cli } from './cli-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'databridge-staging-cli-'));
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
  rmSync(dir, { recursive: true, force: true });
});

function specFile(pipeline: string): string {
  const file = join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `source: { url: "sqlite:${join(dir, 'src.db')}" }
target: { url: "sqlite:${join(dir, 'dst.db')}" }
pipeline: { ${pipeline} }
mappings:
  - { source: t, target: t, columns: [{ source: id, target: id }] }
`,
  );
  return file;
}

it('databridge staging list | drop: the runs held in the staging database, with sizes; drop removes one', async () => {
  const db = await freshPostgres();
  databases.push(db);
  await createStagingSchema(stagingDatabase(db.url, '--staging'), '20261202-101010-ab12');
  await createStagingSchema(stagingDatabase(db.url, '--staging'), 'other-run');
  const env = { STAGING_DATABASE_URL: db.url, DATABRIDGE_DATA_DIR: dir };

  const listed = await cli(['staging', 'list'], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^staging database postgres:\/\/.*: 2 run\(s\) held, 0 B\n/);
  assert.match(listed.stdout, /databridge_stage_20261202_101010_ab12\s+0 table\(s\)\s+0 B/);

  const dropped = await cli(['staging', 'drop', '20261202-101010-ab12'], env);
  assert.equal(dropped.code, 0, dropped.stderr);
  assert.match(dropped.stdout, /dropped databridge_stage_20261202_101010_ab12/);
  const json = await cli(['staging', 'list', '--json'], env);
  assert.deepEqual(
    JSON.parse(json.stdout).runs.map((r: { schema: string }) => r.schema),
    ['databridge_stage_other_run'],
  );

  const again = await cli(['staging', 'drop', '20261202-101010-ab12'], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /holds no schema for run 20261202-101010-ab12/);

  const viaFlag = await cli(['staging', 'list', '--staging', db.url], { DATABRIDGE_DATA_DIR: dir });
  assert.match(viaFlag.stdout, /1 run\(s\) held/);
});

it('databridge staging prune: drops what the retention says has expired, and nothing else; --dry-run only says', async () => {
  const db = await freshPostgres();
  databases.push(db);
  const staging = stagingDatabase(db.url, '--staging');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const sql = async (text: string, params?: readonly unknown[]) =>
    (await client.query(text, params as unknown[] | undefined)).rows;
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
  try {
    for (const [run, end] of [
      ['done-kept-a-day', ['completed', 3]],
      ['failed-3-days', ['failed', 3]],
      ['failed-9-days', ['failed', 9]],
      ['running', undefined],
    ] as const) {
      const schema = await createStagingSchema(staging, run);
      await recordRunning(sql, { runId: run, schema, project: 'p', keep: { hours: 24 } });
      if (end) await recordEnded(sql, schema, end[0], daysAgo(end[1]));
    }
  } finally {
    await client.end();
  }
  const env = { STAGING_DATABASE_URL: db.url, DATABRIDGE_DATA_DIR: dir };
  const dry = await cli(['staging', 'prune', '--dry-run'], env);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(
    dry.stdout,
    /would drop databridge_stage_done_kept_a_day: keepStaging: 24 hour\(s\) after the run completed/,
  );
  assert.match(
    dry.stdout,
    /would drop databridge_stage_failed_9_days: a failed run keeps its staged rows 7 day\(s\) for a retry/,
  );
  assert.match(dry.stdout, /2 schema\(s\) would drop\n$/);

  const pruned = await cli(['staging', 'prune', '--failed-days', '2'], env);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stdout, /3 schema\(s\) dropped\n$/);
  const left = await cli(['staging', 'list', '--json'], env);
  assert.deepEqual(
    JSON.parse(left.stdout).runs.map((r: { schema: string }) => r.schema),
    ['databridge_stage_running'],
  );

  const bad = await cli(['staging', 'prune'], { ...env, DATABRIDGE_STAGING_FAILED_RETENTION_DAYS: 'soon' });
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /DATABRIDGE_STAGING_FAILED_RETENTION_DAYS\) must be a whole number of days from 1 to 3650, not "soon"/,
  );
});

it('databridge staging without a staging database, or with one that is not PostgreSQL, says what to set', async () => {
  const none = await cli(['staging', 'list'], { STAGING_DATABASE_URL: '', DATABRIDGE_DATA_DIR: dir });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no staging database is configured: set STAGING_DATABASE_URL/);
  const mysql = await cli(['staging', 'list'], {
    STAGING_DATABASE_URL: 'mysql://root@127.0.0.1:3306/x',
    DATABRIDGE_DATA_DIR: dir,
  });
  assert.equal(mysql.code, 2);
  assert.match(mysql.stderr, /STAGING_DATABASE_URL .* is not a PostgreSQL URL/);
});

it('databridge run and plan check pipeline.staging before touching a database', async () => {
  const env = { STAGING_DATABASE_URL: '', DATABRIDGE_DATA_DIR: dir };
  const noUrl = await cli(['plan', specFile('staging: database')], env);
  assert.equal(noUrl.code, 2);
  assert.match(noUrl.stderr, /set STAGING_DATABASE_URL to a PostgreSQL URL \(or pass --staging <url>/);

  const direct = await cli(
    ['run', specFile('staging: direct'), '--staging', 'postgres://postgres@127.0.0.1:5432/postgres'],
    env,
  );
  assert.equal(direct.code, 2);
  assert.match(direct.stderr, /remove --staging/);

  const notPg = await cli(['run', specFile(''), '--staging', 'sqlite:stage.db'], env);
  assert.equal(notPg.code, 2);
  assert.match(notPg.stderr, /--staging "sqlite:stage.db" is not a PostgreSQL URL/);
});

it('databridge run --staging says which source snapshot the extract read in', async () => {
  const staging = await freshPostgres();
  databases.push(staging);
  const source = { url: `sqlite:${join(dir, 'src.db')}`, name: join(dir, 'src.db'), drop: async () => {} };
  await rawExec(source, 'sqlite', 'CREATE TABLE IF NOT EXISTS t (id integer PRIMARY KEY)');
  await rawExec(source, 'sqlite', 'INSERT OR IGNORE INTO t VALUES (1), (2), (3)');
  const run = await cli(['run', specFile('createTables: true'), '--staging', staging.url], {
    STAGING_DATABASE_URL: '',
    DATABRIDGE_DATA_DIR: dir,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /source snapshot: every table was read from one snapshot of the source, shared by the one reader/,
  );
});

it('databridge run of a staged spec prints what the cleanse took out of each table', async () => {
  const db = await freshPostgres();
  databases.push(db);
  const source = join(dir, 'cleanse-src.db');
  const sqlite = new Database(source);
  sqlite.exec(
    "CREATE TABLE t (id integer PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, 'x'), (5, 'c')",
  );
  sqlite.close();
  const file = join(dir, 'cleanse.yaml');
  writeFileSync(
    file,
    `source: { url: "sqlite:${source}" }
target: { url: "sqlite:${join(dir, 'cleanse-dst.db')}" }
pipeline: { staging: database, createTables: true, errorPolicy: skip_and_log }
mappings:
  - source: t
    target: t
    key: [name]
    dedupe: { keep: first }
    checks: [{ name: no x, sql: "name <> 'x'" }]
    columns: [{ source: id, target: id }, { source: name, target: name }]
`,
  );
  const run = await cli(['run', file, '--staging', db.url], { DATABRIDGE_DATA_DIR: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /\n {2}cleanse main.t -> main.t: 5 staged; taken out: transforms 0, types 0, checks 1, dedupe 1; 3 to load\n/,
  );
});
