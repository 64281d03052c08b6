import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { freshPostgres, type TestDatabase } from '../../engine/test/support/databases.ts';
import {
  cancelExecution,
  getExecutionLogs,
  getExecutionStages,
  getExecutionStatus,
  pauseExecution,
  resumeExecution,
  retryExecution,
  startExecution,
} from '../src/services/executions-service.ts';
import { readExecutionReport } from '../src/services/report-files.ts';
import type { ServiceError } from '../src/services/service-error.ts';
import { COMBINATIONS, eventually, type Harness, openHarness, projectFor } from './support/harness.ts';

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function targetCount(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

/** Every stage's state, then every task's, by mapping: what the monitor shows. */
async function states(h: Harness, executionId: string) {
  const { stages } = await getExecutionStages(h, executionId);
  return {
    execution: (await getExecutionStatus(h, executionId)).status,
    stages: Object.fromEntries(stages.map((s) => [s.stageId, s.status])),
    tasks: Object.fromEntries(stages.flatMap((s) => s.tasks).map((t) => [t.mappingId, t.status])),
  };
}

const CONTROLS = {
  pause: pauseExecution,
  resume: resumeExecution,
  retry: retryExecution,
  cancel: cancelExecution,
} as const;
type Control = keyof typeof CONTROLS;

/** Every control the state does not allow answers 409 invalid_state and changes nothing. */
async function refused(h: Harness, executionId: string, controls: readonly Control[]) {
  const before = await states(h, executionId);
  for (const control of controls) {
    await assert.rejects(CONTROLS[control](h, executionId), (e: ServiceError) => {
      assert.equal(e.code, 'invalid_state', `${control} in ${before.execution}`);
      assert.equal(e.status, 409);
      return true;
    });
  }
  assert.deepEqual(await states(h, executionId), before, 'a refused control changes nothing');
}

/**
 * Artists (a dimension: tracks refer to them, 300,000 rows loaded in batches of 1,000) and tracks
 * (a fact, 20 rows). Each control is driven in each state the run passes through, and the state of
 * the execution, of every stage and of every task checked after it.
 */
for (const [storeKind, executorKind] of COMBINATIONS) {
  describe(`one state machine: ${executorKind} executor, ${storeKind} store`, () => {
    let h: Harness;
    const dbs: TestDatabase[] = [];
    const db = async () => {
      const d = await freshPostgres();
      dbs.push(d);
      return d;
    };
    before(async () => {
      h = await openHarness(storeKind, executorKind);
    });
    after(async () => {
      await h.close();
      for (const d of dbs) await d.drop();
    });

    async function project(
      options: { factCheck?: string; expression?: string; oneLevelAtATime?: boolean } = {},
    ) {
      const source = await db();
      const target = await db();
      await sql(
        source.url,
        `CREATE TABLE artist (id int PRIMARY KEY, name text NOT NULL);
         INSERT INTO artist SELECT g, 'artist ' || g FROM generate_series(1, 300000) g;
         CREATE TABLE track (id int PRIMARY KEY, artist_id int NOT NULL REFERENCES artist, v int NOT NULL);
         INSERT INTO track SELECT g, g, g FROM generate_series(1, 20) g;`,
      );
      await sql(
        target.url,
        `CREATE TABLE artist (id int PRIMARY KEY, name text NOT NULL);
         CREATE TABLE track (id int PRIMARY KEY, artist_id int NOT NULL REFERENCES artist,
           v int NOT NULL ${options.factCheck ? `CONSTRAINT small CHECK (${options.factCheck})` : ''});`,
      );
      const p = await projectFor(h.store, source.url, target.url, {
        version: 1,
        name: 'states',
        pipeline: {
          batchSize: 1000,
          parallelism: 1,
          ...(options.oneLevelAtATime ? { foreignKeyCheck: 'per_row' as const } : {}),
        },
        mappings: [
          {
            source: 'artist',
            target: 'artist',
            columns: [
              { source: 'id', target: 'id' },
              options.expression
                ? { expression: options.expression, target: 'name' }
                : { source: 'name', target: 'name' },
            ],
          },
          {
            source: 'track',
            target: 'track',
            columns: [
              { source: 'id', target: 'id' },
              { source: 'artist_id', target: 'artist_id' },
              { source: 'v', target: 'v' },
            ],
          },
        ],
      });
      return { project: p, target };
    }

    const loading = (target: TestDatabase) =>
      eventually(async () => (await targetCount(target.url, 'artist')) > 0, 'artists to arrive');

    it('pause, resume, cancel and retry in every state they meet, every stage and task as it should be', async () => {
      // Keys checked row by row load one level at a time, so the artists (300,000 rows) always load
      // before the tracks and the states below are the same on every executor. With the default (keys
      // after the load) both levels share the pool, and BullMQ's workers may start either first.
      const { project: p, target } = await project({ oneLevelAtATime: true });
      const { executionId: id } = await startExecution(h, { projectId: p.id });
      await loading(target);

      // running: pause.
      assert.equal((await pauseExecution(h, id)).status, 'paused');
      await h.executor.settled(id);
      assert.deepEqual(await states(h, id), {
        execution: 'paused',
        stages: {
          extract: 'completed',
          transform: 'completed',
          load_dimensions: 'paused',
          load_facts: 'pending',
          validate: 'pending',
          report: 'pending',
        },
        tasks: { m1: 'paused', m2: 'pending' },
      });
      await refused(h, id, ['pause', 'retry']);

      // paused: resume, then running again: cancel.
      assert.equal((await resumeExecution(h, id)).status, 'running');
      await eventually(
        async () => (await states(h, id)).tasks.m1 === 'running',
        'the artists task to run again',
      );
      assert.equal((await states(h, id)).stages.load_dimensions, 'running');
      assert.equal((await cancelExecution(h, id)).status, 'cancelling');
      await h.executor.settled(id);
      assert.deepEqual(await states(h, id), {
        execution: 'cancelled',
        stages: {
          extract: 'completed',
          transform: 'completed',
          load_dimensions: 'cancelled',
          load_facts: 'skipped',
          validate: 'skipped',
          report: 'completed',
        },
        tasks: { m1: 'cancelled', m2: 'skipped' },
      });
      await refused(h, id, ['pause', 'resume', 'cancel']);

      // cancelled: retry, to the end.
      const retried = await retryExecution(h, id);
      assert.equal(retried.status, 'running');
      assert.equal(retried.attempt, 2);
      await h.executor.settled(id);
      assert.deepEqual(await states(h, id), {
        execution: 'completed',
        stages: {
          extract: 'completed',
          transform: 'completed',
          load_dimensions: 'completed',
          load_facts: 'completed',
          validate: 'completed',
          report: 'completed',
        },
        tasks: { m1: 'completed', m2: 'completed' },
      });
      assert.equal(await targetCount(target.url, 'artist'), 300_000);
      // Tasks named by their tables; the log names the attempt the execution is on.
      const { stages } = await getExecutionStages(h, id);
      assert.deepEqual(
        stages.flatMap((s) => s.tasks).map((t) => t.name),
        ['artist → artist', 'track → track'],
      );
      const logs = await getExecutionLogs(h, id, { level: 'info', limit: 1000 });
      assert.ok(
        logs.entries.some((e) =>
          /^task artist → artist started on .* \(execution attempt 2, try 1 of 1\)$/.test(e.message),
        ),
        JSON.stringify(logs.entries.map((e) => e.message)),
      );
      const status = await getExecutionStatus(h, id);
      assert.equal(status.successRate, 100);
      await refused(h, id, ['pause', 'resume', 'retry', 'cancel']);
    });

    it('a paused run cancelled: the paused stage and task say cancelled, the ones never started skipped', async () => {
      const { project: p, target } = await project();
      const { executionId: id } = await startExecution(h, { projectId: p.id });
      await loading(target);
      await pauseExecution(h, id);
      await h.executor.settled(id);
      assert.equal((await cancelExecution(h, id)).status, 'cancelling');
      await h.executor.settled(id);
      const after = await states(h, id);
      assert.equal(after.execution, 'cancelled');
      assert.equal(after.stages.load_dimensions, 'cancelled');
      assert.equal(after.stages.load_facts, 'skipped');
      assert.deepEqual(after.tasks, { m1: 'cancelled', m2: 'skipped' });
    });

    it('a failed task: its stage failed, what never ran skipped; retry resumes; the other controls are refused', async () => {
      const { project: p, target } = await project({ factCheck: 'v < 10' });
      const { executionId: id } = await startExecution(h, { projectId: p.id });
      await h.executor.settled(id);
      assert.deepEqual(await states(h, id), {
        execution: 'failed',
        stages: {
          extract: 'completed',
          transform: 'completed',
          load_dimensions: 'interrupted',
          load_facts: 'failed',
          validate: 'skipped',
          report: 'completed',
        },
        tasks: { m1: 'completed', m2: 'failed' },
      });
      await refused(h, id, ['pause', 'resume', 'cancel']);
      const failedAt = (await getExecutionStatus(h, id)).endTime!;
      const firstRun = (await getExecutionStages(h, id)).stages.flatMap((s) => s.tasks);
      await new Promise((r) => setTimeout(r, 1500)); // the wait between the attempts
      await sql(target.url, 'ALTER TABLE track DROP CONSTRAINT small');
      await retryExecution(h, id);
      await h.executor.settled(id);
      const done = await states(h, id);
      assert.equal(done.execution, 'completed');
      assert.deepEqual(done.tasks, { m1: 'completed', m2: 'completed' });
      // Durations per attempt: neither the execution's nor the re-run task's counts the wait.
      const status = await getExecutionStatus(h, id);
      assert.ok(status.startTime! > failedAt, `${status.startTime} after ${failedAt}`);
      const tasks = (await getExecutionStages(h, id)).stages.flatMap((s) => s.tasks);
      assert.ok(tasks.find((t) => t.mappingId === 'm2')!.startTime! > failedAt);
      assert.equal(
        tasks.find((t) => t.mappingId === 'm1')!.startTime,
        firstRun.find((t) => t.mappingId === 'm1')!.startTime,
        'the task that completed in the first attempt keeps its times',
      );
    });

    it('a run that fails before it starts has a report saying why, no success rate, and no stage left pending', async () => {
      const { project: p } = await project({ expression: 'no_such_function(name)' });
      const { executionId: id } = await startExecution(h, { projectId: p.id });
      await h.executor.settled(id);
      assert.deepEqual(await states(h, id), {
        execution: 'failed',
        stages: {
          extract: 'failed',
          transform: 'skipped',
          load_dimensions: 'skipped',
          load_facts: 'skipped',
          validate: 'skipped',
          report: 'completed',
        },
        tasks: {},
      });
      const status = await getExecutionStatus(h, id);
      assert.match(status.error!.message, /no_such_function/);
      assert.equal(status.successRate, null, 'nothing processed: no success rate, not 100%');
      assert.ok(status.reportUrl, 'the ended run has a report');
      assert.ok(status.endTime);
      const report = (await readExecutionReport(h, id, 'html')).toString();
      assert.match(report, /nothing ran/);
      assert.match(report, /no_such_function/);
      await refused(h, id, ['pause', 'resume', 'cancel']);
    });
  });
}
