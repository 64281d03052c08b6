import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { listStagingSchemas, stagingDatabase } from '@databridge/engine';
import { freshPostgres, rawExec, type TestDatabase } from '../../engine/test/support/databases.ts';
import { executionEvents, getExecutionStages, startExecution } from '../src/services/executions-service.ts';
import { type ExecutorKind, openHarness, projectFor } from './support/harness.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function fresh(): Promise<TestDatabase> {
  const db = await freshPostgres();
  databases.push(db);
  return db;
}

for (const executorKind of ['in-process', 'bullmq'] as const satisfies readonly ExecutorKind[]) {
  describe(`staged executions: ${executorKind} executor`, () => {
    it('an execution of a staged project extracts into STAGING_DATABASE_URL, loads from it, and drops its schema', async () => {
      const source = await fresh();
      const target = await fresh();
      const stagingDb = await fresh();
      const staging = stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL');
      await rawExec(source, 'postgres', 'CREATE TABLE orders (id integer PRIMARY KEY, note text)');
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
        const started = await startExecution(h, { projectId: project.id });
        const events = [];
        for await (const e of executionEvents(h, started.executionId, { pollMs: 20 })) events.push(e);
        const last = events.at(-1)!;
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
  });
}
