import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { listLogEntries } from '@databridge/store';
import pg from 'pg';
import { freshPostgres, type TestDatabase } from '../../engine/test/support/databases.ts';
import {
  cancelExecution,
  getExecutionStages,
  getExecutionStatus,
  pauseExecution,
  startExecution,
} from '../src/services/executions-service.ts';
import { type ExecutorKind, eventually, openHarness, projectFor } from './support/harness.ts';

async function query(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

const columns = ['id', 'v'].map((c) => ({ source: c, target: c }));

for (const executorKind of ['in-process', 'bullmq'] as ExecutorKind[]) {
  describe(`task retries (${executorKind})`, () => {
    const dbs: TestDatabase[] = [];
    after(async () => {
      for (const db of dbs) await db.drop();
    });

    it('a lost target connection is retried after the project’s delay and resumes from its checkpoint', async () => {
      const h = await openHarness('sqlite', executorKind);
      try {
        const [source, target] = [await freshPostgres(), await freshPostgres()];
        dbs.push(source, target);
        await query(
          source.url,
          `CREATE TABLE t (id bigint PRIMARY KEY, v text);
           INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 300000) g;`,
        );
        const project = await projectFor(h.store, source.url, target.url, {
          version: 1,
          name: 'flaky',
          pipeline: { batchSize: 1000, parallelism: 1, createTables: true },
          schedule: { retries: { maxRetries: 2, delayMinutes: 0.005 } },
          mappings: [{ source: 't', target: 't', columns }],
        });
        const { executionId } = await startExecution(h, { projectId: project.id });
        await eventually(
          async () => (await getExecutionStatus(h, executionId)).recordsProcessed >= 3000,
          'rows',
        );
        // The database drops every session of the target until the loader notices (a connection
        // resting in the pool between batches is simply replaced, so one blow may go unnoticed).
        const transient = async () =>
          (await listLogEntries(h.store, executionId, { level: 'warning' })).items.some((e) =>
            /transient error \(execution attempt 1, try 1 of 3\)/.test(e.message),
          );
        await eventually(async () => {
          await query(
            target.url,
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [target.name],
          );
          const status = await getExecutionStatus(h, executionId);
          if (status.status !== 'running')
            assert.fail(`the execution ended first: ${JSON.stringify(status)}`);
          return transient();
        }, 'the loader to lose its connection');
        await h.executor.settled(executionId);
        const done = await getExecutionStatus(h, executionId);
        assert.equal(done.status, 'completed', JSON.stringify(done.error));
        const [row] = await query(
          target.url,
          'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM public.t',
        );
        assert.deepEqual(row, { n: 300_000, d: 300_000 });
        const task = (await getExecutionStages(h, executionId)).stages.flatMap((s) => s.tasks)[0]!;
        assert.equal(task.attempt, 2, `the task ran a second time: ${JSON.stringify(task)}`);
      } finally {
        await h.close();
      }
    });

    it('a cancel while a task waits ten minutes to be tried again ends the run at once', async (t) => {
      const h = await openHarness('sqlite', executorKind);
      try {
        const [source, target] = [await freshPostgres(), await freshPostgres()];
        dbs.push(source, target);
        await query(
          source.url,
          `CREATE TABLE t (id int PRIMARY KEY, v text);
           INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 300000) g;`,
        );
        const project = await projectFor(h.store, source.url, target.url, {
          version: 1,
          name: 'patient',
          pipeline: { batchSize: 1000, parallelism: 1, createTables: true },
          schedule: { retries: { maxRetries: 2, delayMinutes: 10 } },
          mappings: [{ source: 't', target: 't', columns }],
        });
        const { executionId } = await startExecution(h, { projectId: project.id });
        await eventually(
          async () => (await getExecutionStatus(h, executionId)).recordsProcessed >= 3000,
          'rows',
        );
        const waiting = async () =>
          (await listLogEntries(h.store, executionId, { level: 'warning' })).items.some((e) =>
            /transient error .*it will be tried again/.test(e.message),
          );
        await eventually(async () => {
          await query(
            target.url,
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [target.name],
          );
          return waiting();
        }, 'the task to wait for its retry');
        const start = Date.now();
        await cancelExecution(h, executionId);
        await h.executor.settled(executionId);
        const took = Date.now() - start;
        t.diagnostic(`cancelled ${took} ms after the request, 10 minutes before the retry`);
        const done = await getExecutionStatus(h, executionId);
        assert.equal(done.status, 'cancelled');
        assert.ok(took < 10_000, `cancelled in ${took} ms`);
      } finally {
        await h.close();
      }
    });

    it('a pause while a task waits ten minutes to be tried again: paused at once, the task and its stage paused', async () => {
      const h = await openHarness('sqlite', executorKind);
      try {
        const [source, target] = [await freshPostgres(), await freshPostgres()];
        dbs.push(source, target);
        await query(
          source.url,
          `CREATE TABLE t (id int PRIMARY KEY, v text);
           INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 300000) g;`,
        );
        const project = await projectFor(h.store, source.url, target.url, {
          version: 1,
          name: 'paused while waiting',
          pipeline: { batchSize: 1000, parallelism: 1, createTables: true },
          schedule: { retries: { maxRetries: 2, delayMinutes: 10 } },
          mappings: [{ source: 't', target: 't', columns }],
        });
        const { executionId } = await startExecution(h, { projectId: project.id });
        await eventually(
          async () => (await getExecutionStatus(h, executionId)).recordsProcessed >= 3000,
          'rows',
        );
        await eventually(async () => {
          await query(
            target.url,
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [target.name],
          );
          return (await listLogEntries(h.store, executionId, { level: 'warning' })).items.some((e) =>
            /it will be tried again/.test(e.message),
          );
        }, 'the task to wait for its retry');
        const start = Date.now();
        await pauseExecution(h, executionId);
        await eventually(
          async () => {
            const { stages } = await getExecutionStages(h, executionId);
            const load = stages.find((s) => s.tasks.length > 0)!;
            return load.status === 'paused' && load.tasks.every((t) => t.status === 'paused');
          },
          'the stage and its task to say paused',
          10_000,
        );
        assert.ok(Date.now() - start < 10_000);
        assert.equal((await getExecutionStatus(h, executionId)).status, 'paused');
      } finally {
        await h.close();
      }
    });

    it('a constraint violation fails at once, without retries', async () => {
      const h = await openHarness('sqlite', executorKind);
      try {
        const [source, target] = [await freshPostgres(), await freshPostgres()];
        dbs.push(source, target);
        await query(
          source.url,
          `CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, NULL);`,
        );
        await query(target.url, 'CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)');
        const project = await projectFor(h.store, source.url, target.url, {
          version: 1,
          name: 'strict',
          schedule: { retries: { maxRetries: 3, delayMinutes: 0.005 } },
          mappings: [{ source: 't', target: 't', columns }],
        });
        const { executionId } = await startExecution(h, { projectId: project.id });
        await h.executor.settled(executionId);
        const done = await getExecutionStatus(h, executionId);
        assert.equal(done.status, 'failed');
        const task = (await getExecutionStages(h, executionId)).stages.flatMap((s) => s.tasks)[0]!;
        assert.equal(task.attempt, 1, 'no retry of a bad row');
        assert.equal(task.status, 'failed');
      } finally {
        await h.close();
      }
    });
  });
}
