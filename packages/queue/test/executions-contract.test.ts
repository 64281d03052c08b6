import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { freshPostgres, type TestDatabase } from '../../engine/test/support/databases.ts';
import {
  cancelExecution,
  executionEvents,
  getExecutionLogs,
  getExecutionStages,
  getExecutionStatus,
  listExecutionHistory,
  pauseExecution,
  resumeExecution,
  retryExecution,
  startExecution,
} from '../src/services/executions-service.ts';
import type { ServiceError } from '../src/services/service-error.ts';
import {
  COMBINATIONS,
  chinookProject,
  eventually,
  type Harness,
  openHarness,
  projectFor,
} from './support/harness.ts';

/** Rows the demo spec moves: Chinook's 15,607 plus 59 customers into a second target. */
const DEMO_ROWS = 15_607 + 59;

/** Column mappings that copy each named column into the column of the same name. */
function same(...names: string[]) {
  return names.map((name) => ({ source: name, target: name }));
}

async function count(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

for (const [storeKind, executorKind] of COMBINATIONS) {
  describe(`executions: ${executorKind} executor, ${storeKind} store`, () => {
    let h: Harness;
    const databases: TestDatabase[] = [];
    const database = async () => {
      const db = await freshPostgres();
      databases.push(db);
      return db;
    };
    before(async () => {
      h = await openHarness(storeKind, executorKind);
    });
    after(async () => {
      await h.close();
      for (const db of databases) await db.drop();
    });

    it('runs Chinook to completion: every stage completed, exact counts, a report, progress events in order', async () => {
      const target = await database();
      const project = await chinookProject(h.store, h.dir, target.url);
      const started = await startExecution(h, { projectId: project.id });
      assert.equal(started.status, 'pending');
      const events = [];
      for await (const e of executionEvents(h, started.executionId, { pollMs: 20 })) events.push(e);
      const last = events.at(-1)!;
      assert.equal(last.status, 'completed', JSON.stringify(last.error));
      assert.equal(last.recordsProcessed, DEMO_ROWS);
      assert.equal(last.recordsTotal, DEMO_ROWS);
      assert.equal(last.failedRecords, 0);
      assert.equal(last.successRate, 100);
      assert.ok(last.startTime && last.endTime, JSON.stringify(last));
      for (let i = 1; i < events.length; i++) {
        assert.ok(events[i]!.recordsProcessed >= events[i - 1]!.recordsProcessed, 'progress never goes back');
      }
      const { stages } = await getExecutionStages(h, started.executionId);
      assert.deepEqual(
        stages.map((s) => [s.stageId, s.status]),
        [
          ['extract', 'completed'],
          ['transform', 'completed'],
          ['load_dimensions', 'completed'],
          ['load_facts', 'completed'],
          ['validate', 'completed'],
          ['report', 'completed'],
        ],
      );
      for (const s of stages)
        assert.ok(
          s.duration !== null && s.duration >= 0,
          `${s.stageId} has a duration: ${JSON.stringify(s)}`,
        );
      const tasks = stages.flatMap((s) => s.tasks);
      assert.equal(tasks.length, 12, 'one task per table mapping');
      assert.ok(
        tasks.every((t) => t.status === 'completed' && t.duration !== null),
        JSON.stringify(tasks),
      );
      assert.equal(
        tasks.reduce((n, t) => n + t.rowsWritten, 0),
        DEMO_ROWS,
      );
      assert.equal(await count(target.url, 'public.track'), 3503);
      assert.equal(await count(target.url, 'public.invoice_line'), 2240);
      const status = await getExecutionStatus(h, started.executionId);
      assert.ok(status.reportUrl);
      const logs = await getExecutionLogs(h, started.executionId, { level: 'info', order: 'oldest' });
      // The lines of the engine's stage walk, the same as the CLI's run writes (the report's too).
      assert.deepEqual(
        logs.entries.map((e) => e.message).filter((m) => m.startsWith('stage ')),
        [
          'stage extract running',
          'stage extract completed',
          'stage transform running',
          'stage transform completed',
          'stage load_dimensions running',
          'stage load_facts running',
          'stage load_dimensions completed',
          'stage load_facts completed',
          'stage validate running',
          'stage validate completed',
          'stage report running',
          'stage report completed',
        ],
      );
      const history = await listExecutionHistory(h, { projectId: project.id });
      assert.equal(history.executions[0]?.executionId, started.executionId);
      await assert.rejects(resumeExecution(h, started.executionId), (e: ServiceError) => {
        assert.equal(e.code, 'invalid_state');
        assert.equal(e.status, 409);
        assert.match(e.message, /it is completed/);
        return true;
      });
    });

    it('pauses mid-load at a batch boundary and resumes to exact counts, without duplicates', async () => {
      const source = await database();
      const target = await database();
      await sql(
        source.url,
        `CREATE TABLE big (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2));
         INSERT INTO big SELECT g, 'name ' || g, g / 7.0 FROM generate_series(1, 200000) g;`,
      );
      // From the tenth batch on, every COPY into the target waits on an advisory lock the test holds,
      // so the load is provably mid-way when the pause is asked for, however fast the rows move.
      await sql(
        target.url,
        `CREATE TABLE big (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2));
         CREATE SEQUENCE big_batches;
         CREATE FUNCTION gate_big() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF nextval('big_batches') >= 10 THEN PERFORM pg_advisory_xact_lock_shared(4242); END IF;
           RETURN NULL;
         END $$;
         CREATE TRIGGER gate_big AFTER INSERT ON big FOR EACH STATEMENT EXECUTE FUNCTION gate_big();`,
      );
      const project = await projectFor(h.store, source.url, target.url, {
        version: 1,
        name: 'big',
        pipeline: { batchSize: 200, parallelism: 2 },
        mappings: [{ source: 'big', target: 'big', columns: same('id', 'name', 'amount') }],
      });
      const gate = new pg.Client({ connectionString: target.url });
      await gate.connect();
      let executionId = '';
      let paused: Awaited<ReturnType<typeof pauseExecution>>;
      try {
        await gate.query('SELECT pg_advisory_lock(4242)');
        ({ executionId } = await startExecution(h, { projectId: project.id }));
        await eventually(
          async () =>
            Number(
              (
                await gate.query(
                  `SELECT count(*) AS n FROM pg_locks
                    WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted
                      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
                )
              ).rows[0].n,
            ) > 0,
          'the load to reach the gate',
        );
        paused = await pauseExecution(h, executionId);
      } finally {
        await gate.end();
      }
      assert.equal(paused.status, 'paused');
      await h.executor.settled(executionId);
      const atPause = await getExecutionStatus(h, executionId);
      assert.equal(atPause.status, 'paused');
      const loaded = await count(target.url, 'public.big');
      assert.ok(loaded > 0 && loaded < 200_000, `paused mid-load (${loaded} rows in)`);
      assert.equal(loaded % 200, 0, 'only whole batches are committed');
      const { stages } = await getExecutionStages(h, executionId);
      assert.ok(
        stages
          .find((s) => s.stageId === 'load_facts' || s.stageId === 'load_dimensions')!
          .tasks.every((t) => t.status !== 'running'),
      );
      await resumeExecution(h, executionId);
      await h.executor.settled(executionId);
      const done = await getExecutionStatus(h, executionId);
      assert.equal(done.status, 'completed', JSON.stringify(done.error));
      assert.equal(done.recordsProcessed, 200_000);
      assert.equal(await count(target.url, 'public.big'), 200_000);
      assert.equal(await count(target.url, '(SELECT DISTINCT id FROM public.big) d'), 200_000);
    });

    it('retry after a failure re-runs only the failed task, from its checkpoint', async () => {
      const source = await database();
      const target = await database();
      await sql(
        source.url,
        `CREATE TABLE good (id int PRIMARY KEY, v int NOT NULL);
         INSERT INTO good SELECT g, g FROM generate_series(1, 3000) g;
         CREATE TABLE bad (id int PRIMARY KEY, v int NOT NULL);
         INSERT INTO bad SELECT g, g FROM generate_series(1, 3000) g;`,
      );
      await sql(
        target.url,
        `CREATE TABLE good (id int PRIMARY KEY, v int NOT NULL);
         CREATE TABLE bad (id int PRIMARY KEY, v int NOT NULL CONSTRAINT small CHECK (v < 2500));`,
      );
      const project = await projectFor(h.store, source.url, target.url, {
        version: 1,
        name: 'retry',
        pipeline: { batchSize: 1000, parallelism: 1 },
        mappings: [
          { source: 'good', target: 'good', columns: same('id', 'v') },
          { source: 'bad', target: 'bad', columns: same('id', 'v') },
        ],
      });
      const { executionId } = await startExecution(h, { projectId: project.id });
      await h.executor.settled(executionId);
      const failed = await getExecutionStatus(h, executionId);
      assert.equal(failed.status, 'failed');
      assert.match(failed.error!.message, /small|check constraint/i);
      const before = (await getExecutionStages(h, executionId)).stages.flatMap((s) => s.tasks);
      const goodBefore = before.find((t) => t.mappingId === 'm1')!;
      assert.equal(goodBefore.status, 'completed');
      assert.equal(before.find((t) => t.mappingId === 'm2')!.status, 'failed');
      assert.equal(await count(target.url, 'bad'), 2000, 'two whole batches went in before the bad row');

      await sql(target.url, 'ALTER TABLE bad DROP CONSTRAINT small');
      const retried = await retryExecution(h, executionId);
      assert.equal(retried.attempt, 2);
      await h.executor.settled(executionId);
      const done = await getExecutionStatus(h, executionId);
      assert.equal(done.status, 'completed', JSON.stringify(done.error));
      const after = (await getExecutionStages(h, executionId)).stages.flatMap((s) => s.tasks);
      const goodAfter = after.find((t) => t.mappingId === 'm1')!;
      assert.equal(goodAfter.startTime, goodBefore.startTime, 'the completed task did not run again');
      assert.equal(goodAfter.attempt, 1);
      assert.equal(await count(target.url, 'good'), 3000);
      assert.equal(await count(target.url, 'bad'), 3000);
      assert.equal(done.recordsProcessed, 6000);
    });

    it('cancels a paused execution: it ends cancelled with a report of what was loaded, its foreign key back', async () => {
      const source = await database();
      const target = await database();
      await sql(
        source.url,
        `CREATE TABLE t (id bigint PRIMARY KEY, v text);
         INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 400000) g;`,
      );
      // An empty target with a foreign key: dropped for the load, still dropped while paused.
      await sql(
        target.url,
        'CREATE TABLE t (id bigint PRIMARY KEY, v text, up bigint CONSTRAINT t_up REFERENCES t)',
      );
      const foreignKey = async () => {
        const client = new pg.Client({ connectionString: target.url });
        await client.connect();
        try {
          const { rows } = await client.query(
            "SELECT convalidated FROM pg_constraint WHERE conname = 't_up'",
          );
          return rows[0] ? (rows[0].convalidated ? 'checked' : 'not valid') : 'absent';
        } finally {
          await client.end();
        }
      };
      const project = await projectFor(h.store, source.url, target.url, {
        version: 1,
        name: 'cancel',
        pipeline: { batchSize: 500, parallelism: 1 },
        mappings: [{ source: 't', target: 't', columns: same('id', 'v') }],
      });
      const { executionId } = await startExecution(h, { projectId: project.id });
      await eventually(async () => (await getExecutionStatus(h, executionId)).recordsProcessed > 0, 'rows');
      await pauseExecution(h, executionId);
      await h.executor.settled(executionId);
      assert.equal(await foreignKey(), 'absent');
      const cancelled = await cancelExecution(h, executionId);
      assert.equal(cancelled.status, 'cancelling', 'cancelled only once nothing of it runs');
      await h.executor.settled(executionId);
      const status = await getExecutionStatus(h, executionId);
      assert.equal(status.status, 'cancelled');
      assert.ok(status.reportUrl, 'a cancelled execution has its report');
      const loaded = await count(target.url, 'public.t');
      assert.equal(status.recordsProcessed, loaded, 'the report counts what the target holds');
      assert.equal(await foreignKey(), 'checked', 'cancel gives the target its foreign key back');
      await assert.rejects(pauseExecution(h, executionId), /cannot pause/);
      await assert.rejects(startExecution(h, { projectId: 'nope' }), (e: ServiceError) => e.status === 404);
    });

    it('the pipeline’s parallelism caps the tasks of a run that run at once, and they do run side by side', async () => {
      const source = await database();
      const target = await database();
      const tables = ['p1', 'p2', 'p3', 'p4', 'p5'];
      await sql(
        source.url,
        tables
          .map(
            (t) =>
              `CREATE TABLE ${t} (id int PRIMARY KEY, v text); INSERT INTO ${t} SELECT g, md5(g::text) FROM generate_series(1, 40000) g;`,
          )
          .join('\n'),
      );
      const project = await projectFor(h.store, source.url, target.url, {
        version: 1,
        name: 'capped',
        pipeline: { batchSize: 500, parallelism: 2, createTables: true },
        mappings: tables.map((t) => ({ source: t, target: t, columns: same('id', 'v') })),
      });
      const { executionId } = await startExecution(h, { projectId: project.id });
      let most = 0;
      for (;;) {
        const status = await getExecutionStatus(h, executionId);
        const running = (await getExecutionStages(h, executionId)).stages
          .flatMap((s) => s.tasks)
          .filter((t) => t.status === 'running').length;
        most = Math.max(most, running);
        if (status.status === 'completed' || status.status === 'failed') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal((await getExecutionStatus(h, executionId)).status, 'completed');
      assert.equal(most, 2, 'two tasks at a time, never more');
    });

    it('a second start of a project with an active execution is refused with 409', async () => {
      const source = await database();
      const target = await database();
      await sql(
        source.url,
        `CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 50000);`,
      );
      const project = await projectFor(h.store, source.url, target.url, {
        version: 1,
        name: 'once',
        pipeline: { batchSize: 100, createTables: true },
        mappings: [{ source: 't', target: 't', columns: same('id') }],
      });
      const first = await startExecution(h, { projectId: project.id });
      await assert.rejects(startExecution(h, { projectId: project.id }), (e: ServiceError) => {
        assert.equal(e.status, 409);
        assert.match(e.message, new RegExp(first.executionId));
        return true;
      });
      await h.executor.settled(first.executionId);
      assert.equal((await getExecutionStatus(h, first.executionId)).status, 'completed');
      assert.ok(existsSync(h.reportsDir));
    });
  });
}
