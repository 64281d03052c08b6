import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { DataBridgeError } from '../src/errors.ts';
import { planMigration } from '../src/plan/plan-migration.ts';
import { RunSession } from '../src/run/run-session.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { MigrationSpec } from '../src/spec/spec-schema.ts';
import { SqliteRunState } from '../src/sqlite/sqlite-run-state.ts';
import { resolveStaging, stagingDatabase, stagingFromEnvironment } from '../src/staging/staging-config.ts';
import {
  createStagingSchema,
  dropStagingSchema,
  listStagingSchemas,
  stagingSchemaName,
} from '../src/staging/staging-schemas.ts';
import { freshPostgres, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const spec = (pipeline: Record<string, unknown> = {}) =>
  MigrationSpec.parse({
    source: { url: 'sqlite:a.db' },
    target: { url: 'sqlite:b.db' },
    pipeline,
    mappings: [{ source: 't', target: 't', columns: [{ source: 'id', target: 'id' }] }],
  });

describe('staging configuration', () => {
  test('a spec says nothing of staging: runs stream directly, whatever the environment holds', () => {
    const env = stagingFromEnvironment({ STAGING_DATABASE_URL: 'postgres://u@h/stage' });
    assert.equal(resolveStaging(spec(), env), undefined);
    assert.equal(resolveStaging(spec(), undefined), undefined);
    assert.equal(stagingFromEnvironment({}), undefined);
    assert.equal(stagingFromEnvironment({ STAGING_DATABASE_URL: '' }), undefined);
  });

  test('staging: database with a staging URL stages there; --staging wins over the environment', () => {
    const fromEnv = stagingFromEnvironment({ STAGING_DATABASE_URL: 'postgres://u@h/env' });
    assert.equal(resolveStaging(spec({ staging: 'database' }), fromEnv)?.url, 'postgres://u@h/env');
    const fromFlag = stagingFromEnvironment(
      { STAGING_DATABASE_URL: 'postgres://u@h/env' },
      'postgres://u@h/flag',
    );
    assert.deepEqual(fromFlag, { url: 'postgres://u@h/flag', from: '--staging' });
  });

  test('--staging stages a spec that does not say, and is refused beside an explicit direct', () => {
    const flag = stagingDatabase('postgres://u@h/flag', '--staging');
    assert.equal(resolveStaging(spec(), flag)?.url, 'postgres://u@h/flag');
    assert.throws(
      () => resolveStaging(spec({ staging: 'direct' }), flag),
      (e: unknown) =>
        e instanceof DataBridgeError && e.code === 'bad_spec' && /remove --staging/.test(e.message),
    );
  });

  test('staging: database without a staging URL is a plan error naming the fix', () => {
    assert.throws(
      () => resolveStaging(spec({ staging: 'database' }), undefined),
      (e: unknown) =>
        e instanceof DataBridgeError &&
        e.code === 'bad_spec' &&
        e.where === 'pipeline.staging' &&
        /STAGING_DATABASE_URL/.test(e.message) &&
        /--staging/.test(e.message),
    );
  });

  test('a staging URL that is not PostgreSQL is refused with the variable and the fix', () => {
    for (const url of ['mysql://root@127.0.0.1/stage', 'sqlite:stage.db', 'nonsense']) {
      assert.throws(
        () => stagingFromEnvironment({ STAGING_DATABASE_URL: url }),
        (e: unknown) =>
          e instanceof DataBridgeError &&
          e.code === 'bad_url' &&
          /STAGING_DATABASE_URL/.test(e.message) &&
          /postgres:\/\//.test(e.message),
      );
    }
    assert.throws(
      () => stagingFromEnvironment({}, 'mariadb://root@h/s'),
      (e: unknown) => e instanceof DataBridgeError && /--staging/.test(e.message),
    );
  });

  test('pipeline.staging takes only direct or database', () => {
    assert.throws(() => spec({ staging: 'memory' }));
  });
});

describe('staging schemas', () => {
  test('a run has a schema of its own, named after it', () => {
    assert.equal(stagingSchemaName('20261202-200452-ab12'), 'databridge_stage_20261202_200452_ab12');
    assert.equal(stagingSchemaName('Run.One'), 'databridge_stage_run_one');
  });

  test('list shows each run held with its tables and size; drop removes that run only', async () => {
    const db = await freshPostgres();
    databases.push(db);
    const staging = stagingDatabase(db.url, 'STAGING_DATABASE_URL');
    await createStagingSchema(staging, 'run-a');
    await createStagingSchema(staging, 'run-b');
    await createStagingSchema(staging, 'run-a'); // a resume finds its schema there
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('CREATE SCHEMA not_ours');
      await client.query(
        'CREATE TABLE databridge_stage_run_a.orders AS SELECT g AS id, repeat($$x$$, 100) AS note FROM generate_series(1, 1000) g',
      );
    } finally {
      await client.end();
    }
    const held = await listStagingSchemas(staging);
    assert.deepEqual(
      held.map((s) => [s.schema, s.tables]),
      [
        ['databridge_stage_run_a', 1],
        ['databridge_stage_run_b', 0],
      ],
    );
    assert.ok(held[0]!.bytes > 100_000, `size ${held[0]!.bytes}`);
    assert.equal(await dropStagingSchema(staging, 'run-a'), true);
    assert.equal(await dropStagingSchema(staging, 'run-a'), false);
    assert.deepEqual(
      (await listStagingSchemas(staging)).map((s) => s.schema),
      ['databridge_stage_run_b'],
    );
  });

  test('a staging database that does not answer says which setting to check', async () => {
    const staging = stagingDatabase('postgres://postgres@127.0.0.1:1/nowhere', '--staging');
    await assert.rejects(
      listStagingSchemas(staging),
      (e: unknown) =>
        e instanceof DataBridgeError && e.code === 'connection_failed' && /--staging/.test(e.message),
    );
  });
});

describe('a run or plan that would stage', () => {
  const sqliteSpec = (pipeline: string) => `
source: { url: "sqlite::memory:" }
target: { url: "sqlite::memory:" }
pipeline: { ${pipeline} }
mappings:
  - { source: t, target: t, columns: [{ source: id, target: id }] }
`;

  test('staging: database without a staging database stops the run before anything is recorded', async () => {
    await assert.rejects(
      runSpec(sqliteSpec('staging: database')),
      (e: unknown) => e instanceof DataBridgeError && e.isBadInput && /STAGING_DATABASE_URL/.test(e.message),
    );
    const { spec: parsed } = parseSpec(sqliteSpec('staging: database'), 'spec.yaml', {});
    await assert.rejects(planMigration(parsed), /pipeline.staging is "database"/);
  });

  test('a staged run refuses what it cannot load from staging yet, naming the fix', async () => {
    const source = await freshPostgres();
    databases.push(source);
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE t (id integer PRIMARY KEY, at timestamp)');
    } finally {
      await client.end();
    }
    const text = `source: { url: "${source.url}" }
target: { url: "${source.url}" }
pipeline: { staging: database, createTables: true }
mappings:
  - { source: t, target: t2, columns: [{ source: id, target: id }, { source: at, target: at }], sync: { mode: incremental_append, cursor: at } }
`;
    // RunSession.open is where the CLI and both executors (in-process, BullMQ workers) start a run.
    await assert.rejects(
      RunSession.open({
        spec: parseSpec(text, 'spec.yaml', {}).spec,
        specHash: 'h',
        runId: 'r',
        state: new SqliteRunState(join(mkdtempSync(join(tmpdir(), 'databridge-staging-')), 'state.sqlite')),
        reportsDir: tmpdir(),
        signal: new AbortController().signal,
        staging: stagingDatabase(source.url, 'STAGING_DATABASE_URL'),
      }),
      /has an incremental sync, which a staged run cannot load yet: set pipeline.staging to "direct"/,
    );
    // `databridge plan` says so too, before anyone starts the run.
    await assert.rejects(
      planMigration(
        parseSpec(text, 'spec.yaml', {}).spec,
        undefined,
        undefined,
        stagingDatabase(source.url, '--staging'),
      ),
      /has an incremental sync, which a staged run cannot load yet/,
    );
  });
});
