import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { isDataBridgeError } from '../src/errors.ts';
import { PAUSED, runMigration } from '../src/run/run-migration.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { MigrationSpec } from '../src/spec/spec-schema.ts';
import { stagingDatabase } from '../src/staging/staging-config.ts';
import { readLedger, recordEnded, recordRunning, type StagingSql } from '../src/staging/staging-ledger.ts';
import { dropWhen, type HeldRun } from '../src/staging/staging-retention.ts';
import {
  createStagingSchema,
  dropStagingSchema,
  heldStaging,
  listStagingSchemas,
  pruneStaging,
  stagingSchemaName,
} from '../src/staging/staging-schemas.ts';
import { freshDatabase, freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const HOUR = 3_600_000;
const NOW = new Date('2026-12-10T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR);

describe('staging retention rules', () => {
  const run = (over: Partial<HeldRun> & { schema: string }): HeldRun => ({
    project: 'p',
    state: 'completed',
    endedAt: hoursAgo(1),
    keep: null,
    ...over,
  });

  test('hours: kept that long after the run completed', () => {
    const r = run({ schema: 'a', keep: { hours: 24 }, endedAt: hoursAgo(2) });
    assert.deepEqual(dropWhen(r, [r]), {
      kind: 'at',
      at: new Date(hoursAgo(2).getTime() + 24 * HOUR),
      why: 'keepStaging: 24 hour(s) after the run completed',
    });
  });

  test('runs: kept while among the last n completed runs of its project; other projects do not count', () => {
    const mine = [1, 2, 3, 4].map((i) =>
      run({ schema: `m${i}`, keep: { runs: 2 }, endedAt: hoursAgo(10 - i) }),
    );
    const others = [run({ schema: 'o1', project: 'q', keep: { runs: 2 }, endedAt: hoursAgo(1) })];
    const all = [...mine, ...others];
    assert.deepEqual(
      mine.map((r) => {
        const w = dropWhen(r, all);
        return w.kind === 'at' ? w.at.toISOString() : w.kind === 'after_runs' ? `after ${w.runs}` : w.kind;
      }),
      // m1 was pushed out when m3 completed, m2 when m4 did; m3 goes after one more run, m4 after two.
      [hoursAgo(7).toISOString(), hoursAgo(6).toISOString(), 'after 1', 'after 2'],
    );
    assert.deepEqual(dropWhen(others[0]!, all), {
      kind: 'after_runs',
      runs: 2,
      why: 'keepStaging: the last 2 completed run(s) of the project',
    });
  });

  test('failed, cancelled and paused runs keep theirs 7 days by default; running and unknown never go', () => {
    for (const state of ['failed', 'cancelled', 'paused'] as const) {
      const r = run({ schema: state, state, endedAt: hoursAgo(0) });
      const w = dropWhen(r, [r]);
      assert.equal(
        w.kind === 'at' && w.at.toISOString(),
        new Date(NOW.getTime() + 7 * 24 * HOUR).toISOString(),
      );
      const limited = dropWhen(r, [r], { failedDays: 2 });
      assert.equal(
        limited.kind === 'at' && limited.at.toISOString(),
        new Date(NOW.getTime() + 48 * HOUR).toISOString(),
      );
    }
    assert.equal(dropWhen(run({ schema: 'r', state: 'running', endedAt: null }), []).kind, 'never');
    assert.equal(dropWhen(run({ schema: 'u', state: 'unknown', endedAt: null }), []).kind, 'never');
  });

  test('keepStaging in the spec: hours or runs, anything else refused with the shapes it takes', () => {
    const parse = (keepStaging: unknown) =>
      MigrationSpec.safeParse({
        source: { url: 'sqlite:a.db' },
        target: { url: 'sqlite:b.db' },
        pipeline: { keepStaging },
        mappings: [{ source: 't', target: 't', columns: [{ source: 'id', target: 'id' }] }],
      });
    assert.deepEqual(parse({ hours: 24 }).data?.pipeline.keepStaging, { hours: 24 });
    assert.deepEqual(parse({ runs: 3 }).data?.pipeline.keepStaging, { runs: 3 });
    for (const bad of [{ hours: 0 }, { runs: 1.5 }, { days: 2 }, { hours: 1, runs: 1 }, 'forever']) {
      const parsed = parse(bad);
      assert.equal(parsed.success, false, JSON.stringify(bad));
      assert.match(JSON.stringify(parsed.error?.issues), /keepStaging|Keep staging/);
    }
  });
});

async function staging(): Promise<{ db: TestDatabase; sql: StagingSql; close: () => Promise<void> }> {
  const db = await freshPostgres();
  databases.push(db);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  return {
    db,
    sql: async (text, params) => (await client.query(text, params as unknown[] | undefined)).rows,
    close: () => client.end(),
  };
}

describe('staging prune against PostgreSQL', () => {
  test('drops the expired schemas of several projects and states, and nothing else', async () => {
    const { db, sql, close } = await staging();
    const config = stagingDatabase(db.url, 'STAGING_DATABASE_URL');
    // Each run: its schema, a ledger entry, how it ended and when (hours before NOW).
    const runs: [id: string, project: string, keep: object | undefined, end?: [string, number]][] = [
      ['a-old-hours', 'alpha', { hours: 24 }, ['completed', 30]], // expired
      ['a-new-hours', 'alpha', { hours: 24 }, ['completed', 5]], // kept 19 more hours
      ['b-run-1', 'beta', { runs: 2 }, ['completed', 40]], // pushed out by b-run-2 and b-run-3
      ['b-run-2', 'beta', { runs: 2 }, ['completed', 20]],
      ['b-run-3', 'beta', { runs: 2 }, ['completed', 10]],
      ['b-failed-old', 'beta', { runs: 2 }, ['failed', 24 * 8]], // past the 7 days
      ['b-failed-new', 'beta', { runs: 2 }, ['failed', 24 * 6]],
      ['c-paused-old', 'gamma', undefined, ['paused', 24 * 9]], // past the 7 days
      ['c-running', 'gamma', undefined], // running for weeks: never
      ['c-no-keep', 'gamma', undefined, ['completed', 1]], // its drop after the report did not happen
    ];
    for (const [id, project, keep, end] of runs) {
      const schema = await createStagingSchema(config, id);
      await recordRunning(sql, { runId: id, schema, project, ...(keep ? { keep: keep as never } : {}) });
      if (end) await recordEnded(sql, schema, end[0] as 'completed', hoursAgo(end[1]));
    }
    await sql(`UPDATE databridge_staging_runs SET started_at = now() - interval '40 days'`);
    await createStagingSchema(config, 'no-ledger'); // made before the ledger: a person's call
    await sql('CREATE SCHEMA not_ours');

    const pruned = await pruneStaging(config, NOW);
    assert.deepEqual(pruned.map((p) => p.runId).sort(), [
      'a-old-hours',
      'b-failed-old',
      'b-run-1',
      'c-no-keep',
      'c-paused-old',
    ]);
    assert.match(
      pruned.find((p) => p.runId === 'b-failed-old')!.why,
      /failed run keeps its staged rows 7 day/,
    );
    assert.deepEqual(
      (await listStagingSchemas(config)).map((s) => s.schema),
      ['a-new-hours', 'b-failed-new', 'b-run-2', 'b-run-3', 'c-running', 'no-ledger'].map(stagingSchemaName),
    );
    const [notOurs] = await sql(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'not_ours'`);
    assert.equal(notOurs?.n, 1);
    // A second prune at the same moment finds nothing more to do; a shorter limit for failed runs does.
    assert.deepEqual(await pruneStaging(config, NOW), []);
    assert.deepEqual(
      (await pruneStaging(config, NOW, { failedDays: 5 })).map((p) => p.runId),
      ['b-failed-new'],
    );
    // The store's word overrides the ledger's: a run the store knows is running is never dropped.
    const pausedLong = stagingSchemaName('a-new-hours');
    const later = await pruneStaging(config, new Date(NOW.getTime() + 100 * HOUR), {
      stateOf: async (runId) => (runId === 'a-new-hours' ? { state: 'running', endedAt: null } : undefined),
    });
    assert.ok(!later.some((p) => p.schema === pausedLong));
    assert.ok((await listStagingSchemas(config)).some((s) => s.schema === stagingSchemaName('c-running')));
    await close();
  });

  test('a dropped run cannot record itself running again: the retry says its staged rows are gone', async () => {
    const { db, sql, close } = await staging();
    const config = stagingDatabase(db.url, 'STAGING_DATABASE_URL');
    const schema = await createStagingSchema(config, 'gone-run');
    await recordRunning(sql, { runId: 'gone-run', schema, project: 'p' });
    await recordEnded(sql, schema, 'failed', hoursAgo(24 * 30));
    assert.equal((await pruneStaging(config, NOW)).length, 1);
    await assert.rejects(
      recordRunning(sql, { runId: 'gone-run', schema, project: 'p' }),
      (e: unknown) =>
        isDataBridgeError(e) &&
        e.code === 'staging_gone' &&
        /run gone-run cannot go on: its staged rows were dropped .*retention: a failed run keeps its staged rows 7 day\(s\).*Start a new run/.test(
          e.message,
        ),
    );
    // By hand too.
    const other = await createStagingSchema(config, 'by-hand');
    await recordRunning(sql, { runId: 'by-hand', schema: other, project: 'p' });
    assert.equal(await dropStagingSchema(config, 'by-hand'), true);
    const entry = (await readLedger(sql)).find((e) => e.schema === other);
    assert.equal(entry?.state, 'dropped');
    assert.equal(entry?.droppedWhy, 'dropped by hand');
    await close();
  });
});

describe('staged runs and the ledger', () => {
  test('keepStaging keeps a completed run; a failed run pruned later cannot be resumed, and says so', async () => {
    const source = await freshDatabase('postgres');
    const target = await freshDatabase('postgres');
    const stagingDb = await freshPostgres();
    databases.push(source, target, stagingDb);
    const config = stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL');
    await rawExec(source, 'postgres', 'CREATE TABLE t (id integer PRIMARY KEY, v text)');
    await rawExec(source, 'postgres', "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 500) g");
    const text = (keep: string) => `name: ledger_demo
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { staging: database, createTables: true${keep} }
mappings: [{ source: t, target: t, mode: replace, columns: [{ source: id, target: id }, { source: v, target: v }] }]
`;
    const dir = mkdtempSync(join(tmpdir(), 'databridge-ledger-'));
    const run = (specText: string, extra: object = {}) => {
      const { spec, lineOf } = parseSpec(specText, 'spec.yaml', {});
      return runMigration({
        spec,
        lineOf,
        specHash: createHash('sha256').update(specText).digest('hex'),
        state: { file: join(dir, 'state.sqlite') },
        reportsDir: join(dir, 'reports'),
        staging: config,
        ...extra,
      });
    };

    const kept = await run(text(', keepStaging: { hours: 24 }'));
    assert.equal(kept.status, 'completed', JSON.stringify(kept.error));
    const held = await heldStaging(config);
    assert.deepEqual(
      held.map((h) => [h.schema, h.run?.state, h.run?.project, h.run?.keep]),
      [[stagingSchemaName(kept.runId), 'completed', 'ledger_demo', { hours: 24 }]],
    );
    assert.equal(held[0]!.tables, 1);

    const dropped = await run(text(''));
    assert.equal(dropped.status, 'completed');
    assert.deepEqual(
      (await listStagingSchemas(config)).map((s) => s.schema),
      [stagingSchemaName(kept.runId)],
      'without keepStaging the schema goes after the report, as before',
    );

    const pause = new AbortController();
    const paused = await run(text(''), {
      signal: pause.signal,
      onProgress: (p: { stages: { id: string; status: string }[] }) => {
        if (p.stages.find((s) => s.id === 'extract')?.status === 'completed') pause.abort(PAUSED);
      },
    });
    assert.equal(paused.status, 'paused');
    const entry = (await heldStaging(config)).find((h) => h.schema === stagingSchemaName(paused.runId));
    assert.equal(entry?.run?.state, 'paused');
    // Eight days on, the retention drops the paused run's rows; the resume then stops with the reason.
    const pruned = await pruneStaging(config, new Date(Date.now() + 8 * 24 * HOUR));
    assert.deepEqual(
      pruned.map((p) => p.runId).sort(),
      [kept.runId, paused.runId].sort(),
      'the kept run (24 hours) and the paused one (7 days) are both past their time',
    );
    // Thrown before any database is touched for work, as a bad spec is: the CLI prints the message.
    await assert.rejects(
      run(text(''), { resumeRunId: paused.runId }),
      (e: unknown) =>
        isDataBridgeError(e) &&
        e.code === 'staging_gone' &&
        /its staged rows were dropped from the staging database at \d{4}-.*retention: a paused run keeps its staged rows 7 day\(s\).*Start a new run/.test(
          e.message,
        ),
    );
  });
});
