// A staged execution whose staging schema was dropped (by the retention, `databridge staging drop` or
// the admin page) before its failed load is retried or its paused load resumed: the run cannot load
// from the source again, so it must end at once with `staging_gone` in its status and its log, saying
// what happened and to start a new run, on both executors: never a hang or a raw SQL error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dropStagingSchema, listStagingSchemas, stagingDatabase } from '@databridge/engine';
import { listLogEntries } from '@databridge/store';
import { rawExec } from '../../engine/test/support/databases.ts';
import {
  getExecutionStages,
  getExecutionStatus,
  pauseExecution,
  resumeExecution,
  retryExecution,
  startExecution,
} from '../src/services/executions-service.ts';
import { dropStagingForActor } from '../src/services/staging-service.ts';
import { ADMIN_ACTOR } from './support/actors.ts';
import { gateTrigger, holdGate } from './support/advisory-gate.ts';
import { freshPostgresPerFile } from './support/fresh-databases.ts';
import { type ExecutorKind, type Harness, openHarness, projectFor } from './support/harness.ts';

const fresh = freshPostgresPerFile();

const GONE =
  /cannot go on: its staged rows were dropped from the staging database at \d{4}-.*Start a new run/;

/** `orders` (3,000 rows) in the source, and the same table in the target with the `extra` SQL after it. */
async function stagedProject(h: Harness, extra: string) {
  const [source, target] = await Promise.all([fresh(), fresh()]);
  await rawExec(
    source,
    'postgres',
    `CREATE TABLE orders (id integer PRIMARY KEY, v integer NOT NULL);
     INSERT INTO orders SELECT g, g FROM generate_series(1, 3000) g;`,
  );
  await rawExec(
    target,
    'postgres',
    `CREATE TABLE orders (id integer PRIMARY KEY, v integer NOT NULL); ${extra}`,
  );
  const project = await projectFor(h.store, source.url, target.url, {
    version: 1,
    name: 'gone',
    pipeline: { staging: 'database', batchSize: 100, parallelism: 1 },
    mappings: [
      { source: 'orders', target: 'orders', columns: ['id', 'v'].map((c) => ({ source: c, target: c })) },
    ],
  });
  return { target, project };
}

/** The execution ended `failed` with `staging_gone`, and its log says the same to the person reading it. */
async function assertStagingGone(h: Harness, executionId: string, why: RegExp) {
  const done = await getExecutionStatus(h, executionId);
  assert.equal(done.status, 'failed', JSON.stringify(done));
  assert.equal(done.error?.code, 'staging_gone', JSON.stringify(done.error));
  assert.match(done.error.message, GONE);
  assert.match(done.error.message, why);
  assert.doesNotMatch(done.error.message, /does not exist|relation|schema "/, 'not a raw SQL error');
  const errors = (await listLogEntries(h.store, executionId, { level: 'error' })).items;
  assert.ok(
    errors.some((e) => GONE.test(e.message)),
    `the log says why: ${JSON.stringify(errors.map((e) => e.message))}`,
  );
  const tasks = (await getExecutionStages(h, executionId)).stages.flatMap((s) => s.tasks);
  assert.ok(
    tasks.every((t) => t.status !== 'running' && t.status !== 'queued'),
    `no task left running: ${JSON.stringify(tasks.map((t) => t.status))}`,
  );
}

for (const executorKind of ['bullmq', 'in-process'] as const satisfies readonly ExecutorKind[]) {
  describe(`a staged execution whose staged rows are gone (${executorKind})`, () => {
    it('a retry of its failed load after `databridge staging drop` fails with staging_gone', async () => {
      const stagingDb = await fresh();
      const staging = stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL');
      const h = await openHarness('sqlite', executorKind, { staging });
      try {
        const { target, project } = await stagedProject(
          h,
          'ALTER TABLE orders ADD CONSTRAINT small CHECK (v < 2500);',
        );
        const { executionId } = await startExecution(h, { projectId: project.id });
        await h.executor.settled(executionId);
        const failed = await getExecutionStatus(h, executionId);
        assert.equal(failed.status, 'failed');
        assert.match(failed.error!.message, /small|check constraint/i);
        assert.equal((await listStagingSchemas(staging)).length, 1, 'a failed run keeps its schema');

        // What `databridge staging drop <run id>` does; the cause of the failure is fixed meanwhile.
        assert.equal(await dropStagingSchema(staging, executionId), true);
        await rawExec(target, 'postgres', 'ALTER TABLE orders DROP CONSTRAINT small');
        await retryExecution(h, executionId);
        await h.executor.settled(executionId);
        await assertStagingGone(h, executionId, /\(dropped by hand\)/);
        assert.deepEqual(await listStagingSchemas(staging), [], 'nothing staged again');
      } finally {
        await h.close();
      }
    });

    it('a resume of its paused load after a drop on the admin page fails with staging_gone', async () => {
      const stagingDb = await fresh();
      const staging = stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL');
      // The pause ends the statement it finds blocked after half a second.
      const h = await openHarness('sqlite', executorKind, { staging, stopGraceMs: 500 });
      // From the fifth batch on, every COPY into the target waits at a gate the test holds, until the
      // pause ends it: the load is paused after exactly four batches however fast the rows move.
      const { target, project } = await stagedProject(h, gateTrigger('orders', 5));
      const gate = await holdGate(target.url);
      try {
        const { executionId } = await startExecution(h, { projectId: project.id });
        await gate.reached();
        await pauseExecution(h, executionId);
        await gate.abandoned();
        await h.executor.settled(executionId);
        assert.equal((await getExecutionStatus(h, executionId)).status, 'paused');
        const [loaded] = (await rawExec(target, 'postgres', 'SELECT count(*)::int AS n FROM orders')) as {
          n: number;
        }[];
        assert.equal(loaded!.n, 400, 'paused mid-load, after four whole batches');

        const ctx = { store: h.store, env: { staging, stagingFailedRetentionDays: 7 } };
        await dropStagingForActor(ctx, executionId, { actor: ADMIN_ACTOR, ip: '127.0.0.1' });
        await resumeExecution(h, executionId);
        await h.executor.settled(executionId);
        await assertStagingGone(h, executionId, /\(dropped by ada@example\.com on the admin page\)/);
      } finally {
        await gate.release();
        await h.close();
      }
    });
  });
}
