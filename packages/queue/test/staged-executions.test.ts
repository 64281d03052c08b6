import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listStagingSchemas, stagingDatabase } from '@databridge/engine';
import { rawExec } from '../../engine/test/support/databases.ts';
import { executionEvents, getExecutionStages, startExecution } from '../src/services/executions-service.ts';
import { freshPostgresPerFile } from './support/fresh-databases.ts';
import { type ExecutorKind, openHarness, projectFor } from './support/harness.ts';

const fresh = freshPostgresPerFile();

/** A source with an empty `orders` table, an empty target and a staging database. */
async function ordersSource() {
  const [source, target, stagingDb] = await Promise.all([fresh(), fresh(), fresh()]);
  await rawExec(source, 'postgres', 'CREATE TABLE orders (id integer PRIMARY KEY, note text)');
  return { source, target, stagingDb, staging: stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL') };
}

/** Starts an execution of the project and follows its events until it settles. */
async function runToTheEnd(h: Awaited<ReturnType<typeof openHarness>>, projectId: string) {
  const started = await startExecution(h, { projectId });
  const events = [];
  for await (const e of executionEvents(h, started.executionId, { pollMs: 20 })) events.push(e);
  return { started, last: events.at(-1)! };
}

for (const executorKind of ['in-process', 'bullmq'] as const satisfies readonly ExecutorKind[]) {
  describe(`staged executions: ${executorKind} executor`, () => {
    it('an execution of a staged project extracts into STAGING_DATABASE_URL, loads from it, and drops its schema', async () => {
      const { source, target, stagingDb, staging } = await ordersSource();
      await rawExec(
        source,
        'postgres',
        "INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 3000) g",
      );
      const h = await openHarness('sqlite', executorKind, { staging });
      try {
        const project = await projectFor(h.store, source.url, target.url, {
          pipeline: { staging: 'database', createTables: true, batchSize: 500, parallelism: 2 },
          mappings: [
            {
              source: 'orders',
              target: 'orders',
              columns: [
                { source: 'id', target: 'id' },
                { source: 'note', target: 'note' },
              ],
            },
          ],
        });
        const { started, last } = await runToTheEnd(h, project.id);
        assert.equal(last.status, 'completed', JSON.stringify(last.error));
        assert.equal(last.recordsProcessed, 3000);
        const { stages } = await getExecutionStages(h, started.executionId);
        assert.equal(stages.flatMap((s) => s.tasks).length, 2, 'two key ranges');
        const [row] = (await rawExec(target, 'postgres', 'SELECT count(*)::int AS n FROM orders')) as {
          n: number;
        }[];
        assert.equal(row!.n, 3000);
        assert.deepEqual(await listStagingSchemas(staging), []);
        const [staged] = (await rawExec(
          stagingDb,
          'postgres',
          'SELECT count(*)::int AS n FROM public._databridge_checkpoints',
        ).catch(() => [{ n: 0 }])) as { n: number }[];
        assert.equal(staged!.n, 0, 'the staging checkpoints of the run went with it');
      } finally {
        await h.close();
      }
    });

    it('the stages API shows the cleanse counts of a staged execution on its transform stage', async () => {
      const { source, target, staging } = await ordersSource();
      // Notes are unique but for ids 7 and 2007 (one in each key range); ids 500, 1500, 2500 fail the check.
      await rawExec(
        source,
        'postgres',
        "INSERT INTO orders SELECT g, CASE WHEN g % 2000 = 7 THEN 'same' ELSE 'n' || g END FROM generate_series(1, 3000) g",
      );
      const h = await openHarness('sqlite', executorKind, { staging });
      try {
        const project = await projectFor(h.store, source.url, target.url, {
          pipeline: {
            staging: 'database',
            createTables: true,
            batchSize: 500,
            parallelism: 2,
            errorPolicy: 'skip_and_log',
          },
          mappings: [
            {
              source: 'orders',
              target: 'orders',
              key: ['note'],
              dedupe: { keep: 'first' },
              checks: [{ name: 'not a round five hundred', sql: 'id % 1000 <> 500' }],
              columns: [
                { source: 'id', target: 'id' },
                { source: 'note', target: 'note' },
              ],
            },
          ],
        });
        const { started, last } = await runToTheEnd(h, project.id);
        assert.equal(last.status, 'completed', JSON.stringify(last.error));
        const { stages } = await getExecutionStages(h, started.executionId);
        const cleanse = stages.find((s) => s.stageId === 'transform')?.cleanse;
        assert.deepEqual(
          cleanse?.map((c) => ({
            staged: c.staged,
            steps: c.steps.map((s) => [s.step, s.rejected]),
            passed: c.passed,
          })),
          [
            {
              staged: 3000,
              steps: [
                ['transforms', 0],
                ['types', 0],
                ['checks', 3],
                ['dedupe', 1],
              ],
              passed: 2996,
            },
          ],
        );
        assert.equal(stages.filter((s) => s.cleanse).length, 1, 'only the transform stage');
        const [row] = (await rawExec(
          target,
          'postgres',
          "SELECT count(*)::int AS n, count(*) FILTER (WHERE note = 'same')::int AS same FROM orders",
        )) as { n: number; same: number }[];
        assert.deepEqual(row, { n: 2996, same: 1 });
      } finally {
        await h.close();
      }
    });
  });
}
