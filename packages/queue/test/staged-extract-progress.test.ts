import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { stagingDatabase } from '@databridge/engine';
import { freshPostgres, rawExec, type TestDatabase } from '../../engine/test/support/databases.ts';
import { executionEvents, getExecutionStages, startExecution } from '../src/services/executions-service.ts';
import type { StagedExtractProgress } from '../src/services/staged-extract-progress.ts';
import { type ExecutorKind, openHarness, projectFor } from './support/harness.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const ROWS = 40_000;

for (const executorKind of ['in-process', 'bullmq'] as const satisfies readonly ExecutorKind[]) {
  describe(`the extract stage's own progress in a staged execution: ${executorKind} executor`, () => {
    it('shows rows staged of the total while it copies, never more than committed, and all of them at the end', async () => {
      const [source, target, stagingDb] = await Promise.all([
        freshPostgres(),
        freshPostgres(),
        freshPostgres(),
      ]);
      databases.push(source, target, stagingDb);
      await rawExec(source, 'postgres', 'CREATE TABLE orders (id integer PRIMARY KEY, note text)');
      await rawExec(
        source,
        'postgres',
        `INSERT INTO orders SELECT g, repeat('n', 200) FROM generate_series(1, ${ROWS}) g`,
      );
      const staging = stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL');
      const h = await openHarness('sqlite', executorKind, { staging });
      const ctx = { ...h, env: { staging } };
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
        const { executionId } = await startExecution(h, { projectId: project.id });
        const seen: StagedExtractProgress[] = [];
        let settled = false;
        const watch = (async () => {
          while (!settled) {
            const extract = (await getExecutionStages(ctx, executionId)).stages[0]?.extract;
            if (extract?.[0]) seen.push(extract[0]);
            await new Promise((r) => setTimeout(r, 10));
          }
        })();
        let last: { status: string } | undefined;
        for await (const e of executionEvents(h, executionId, { pollMs: 20 })) last = e;
        settled = true;
        await watch;
        assert.equal(last?.status, 'completed');
        for (const [i, p] of seen.entries()) {
          assert.equal(p.rowsTotal, ROWS);
          assert.ok(p.rowsStaged >= 0 && p.rowsStaged <= ROWS, JSON.stringify(p));
          if (i > 0) assert.ok(p.rowsStaged >= seen[i - 1]!.rowsStaged, 'never goes back');
        }
        const partial = seen.filter((p) => p.rowsStaged > 0 && p.rowsStaged < ROWS).length;
        // 40,000 rows in batches of 500 take far longer to copy than a reading (here: 20 or more of 120+).
        assert.ok(partial > 0, `${seen.length} readings, none part-way through the extract`);
        // The run completed and dropped its schema: the cleanse's counts say what was staged.
        const { stages } = await getExecutionStages(ctx, executionId);
        assert.deepEqual(stages[0]?.extract, [
          {
            mappingId: 'm1',
            rowsStaged: ROWS,
            rowsTotal: ROWS,
            rowsTotalIsEstimate: false,
            tasksDone: 2,
            tasks: 2,
          },
        ]);
        assert.equal(stages[1]?.extract, undefined, 'only on the extract stage');
      } finally {
        await h.close();
      }
    });
  });
}

describe('a direct execution', () => {
  it('has no staged extract progress on its extract stage', async () => {
    const [source, target] = await Promise.all([freshPostgres(), freshPostgres()]);
    databases.push(source, target);
    await rawExec(source, 'postgres', 'CREATE TABLE orders (id integer PRIMARY KEY)');
    await rawExec(source, 'postgres', 'INSERT INTO orders SELECT generate_series(1, 100)');
    const h = await openHarness('sqlite', 'in-process');
    try {
      const project = await projectFor(h.store, source.url, target.url, {
        pipeline: { createTables: true },
        mappings: [{ source: 'orders', target: 'orders', columns: [{ source: 'id', target: 'id' }] }],
      });
      const { executionId } = await startExecution(h, { projectId: project.id });
      for await (const _ of executionEvents(h, executionId, { pollMs: 20 })) {
        // until it settles
      }
      const { stages } = await getExecutionStages(h, executionId);
      assert.equal(stages[0]?.extract, undefined);
    } finally {
      await h.close();
    }
  });
});
