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
import { type Gate, gateTrigger, holdGate } from './support/advisory-gate.ts';
import { type ExecutorKind, eventually, type Harness, openHarness, projectFor } from './support/harness.ts';

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

/**
 * The target's table `t`, whose loads wait from the fourth batch on at a gate the test holds: the
 * test then acts while the load is provably mid-way (a fast machine could finish the 300,000 rows
 * before a wait for a row count saw them).
 */
async function gatedTarget(url: string) {
  await query(url, `CREATE TABLE t (id bigint PRIMARY KEY, v text); ${gateTrigger('t', 4)}`);
  return holdGate(url);
}

/** Ends the target's sessions while the load waits at the gate, and waits until its task waits to be tried again. */
async function waitForRetry(h: Harness, executionId: string, gate: Gate) {
  await gate.reached();
  await gate.terminateOthers();
  await eventually(
    async () =>
      (await listLogEntries(h.store, executionId, { level: 'warning' })).items.some((e) =>
        /transient error .*it will be tried again/.test(e.message),
      ),
    'the task to wait for its retry',
  );
}

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
          pipeline: { batchSize: 1000, parallelism: 1 },
          schedule: { retries: { maxRetries: 2, delayMinutes: 0.005 } },
          mappings: [{ source: 't', target: 't', columns }],
        });
        const gate = await gatedTarget(target.url);
        let executionId: string;
        try {
          ({ executionId } = await startExecution(h, { projectId: project.id }));
          await gate.reached();
          // Every session of the target ends, the one waiting with its batch among them.
          await gate.terminateOthers();
          await eventually(
            async () =>
              (await listLogEntries(h.store, executionId, { level: 'warning' })).items.some((e) =>
                /transient error \(execution attempt 1, try 1 of 3\)/.test(e.message),
              ),
            'the loader to lose its connection',
          );
        } finally {
          await gate.release();
        }
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
          pipeline: { batchSize: 1000, parallelism: 1 },
          schedule: { retries: { maxRetries: 2, delayMinutes: 10 } },
          mappings: [{ source: 't', target: 't', columns }],
        });
        const gate = await gatedTarget(target.url);
        let executionId: string;
        let took: number;
        try {
          ({ executionId } = await startExecution(h, { projectId: project.id }));
          await waitForRetry(h, executionId, gate);
          const start = Date.now();
          await cancelExecution(h, executionId);
          await h.executor.settled(executionId);
          took = Date.now() - start;
        } finally {
          await gate.release();
        }
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
          pipeline: { batchSize: 1000, parallelism: 1 },
          schedule: { retries: { maxRetries: 2, delayMinutes: 10 } },
          mappings: [{ source: 't', target: 't', columns }],
        });
        const gate = await gatedTarget(target.url);
        let executionId: string;
        try {
          ({ executionId } = await startExecution(h, { projectId: project.id }));
          await waitForRetry(h, executionId, gate);
        } finally {
          await gate.release();
        }
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
