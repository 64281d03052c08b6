import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  getExecutionStages,
  getExecutionStatus,
  startExecution,
} from '../src/services/executions-service.ts';
import { COMBINATIONS, eventually, openHarness, projectFor } from './support/harness.ts';
import { countRows, twoTableMappings, writeTwoTables } from './support/two-tables.ts';

const ROWS = 6_000;

/**
 * Two independent tables load at the same time (parallelism 4) into one SQLite file through the
 * queue's executors: each task opens its own connection to the file, and they must take turns at
 * SQLite's single write lock rather than fail the run with "database is locked".
 */
for (const [storeKind, executorKind] of COMBINATIONS.filter(([store]) => store === 'sqlite')) {
  describe(`SQLite target written by parallel tasks (${executorKind})`, () => {
    it('loads both tables completely, with exact counts', async () => {
      const h = await openHarness(storeKind, executorKind);
      try {
        const source = join(h.dir, 'source.sqlite');
        const target = join(h.dir, 'target.sqlite');
        writeTwoTables(source, ROWS);
        const project = await projectFor(h.store, `sqlite:${source}`, `sqlite:${target}`, {
          version: 1,
          name: 'sqlite-parallel',
          pipeline: { batchSize: 500, parallelism: 4, createTables: true },
          mappings: twoTableMappings,
        });
        const { executionId } = await startExecution(h, { projectId: project.id });
        const ctx = { store: h.store };
        await eventually(
          async () => {
            const { status } = await getExecutionStatus(ctx, executionId);
            return status !== 'running' && status !== 'queued' && status !== 'pending';
          },
          'the execution to end',
          120_000,
        );
        const status = await getExecutionStatus(ctx, executionId);
        assert.equal(status.status, 'completed', `the run ended ${status.status}: ${status.error?.message}`);
        assert.equal(status.recordsProcessed, 2 * ROWS);
        // Each table splits into key ranges: more tasks still, all writing the one file at once.
        const tasks = (await getExecutionStages(ctx, executionId)).stages.flatMap((s) => s.tasks);
        const written = new Map<string, number>();
        for (const t of tasks) written.set(t.mappingId, (written.get(t.mappingId) ?? 0) + t.rowsWritten);
        assert.deepEqual([...written.values()], [ROWS, ROWS]);
        assert.ok(tasks.length > 2, `${tasks.length} tasks`);
        for (const table of ['customer', 'product']) assert.equal(countRows(target, table), ROWS, table);
      } finally {
        await h.close();
      }
    });
  });
}
