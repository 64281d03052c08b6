import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunSummary } from '@databridge/engine';
import { getExecution, listSyncCursors } from '@databridge/store';
import { freshPostgres, rawExec, type TestDatabase } from '../../engine/test/support/databases.ts';
import { backfill } from '../src/scheduler/request-backfill.ts';
import { tick } from '../src/scheduler/tick.ts';
import { getExecutionStatus, startExecution } from '../src/services/executions-service.ts';
import { resetProjectSyncState } from '../src/services/sync-state-service.ts';
import { type Harness, openHarness, projectFor } from './support/harness.ts';

/** One combination of each executor: the cursor goes through the metadata store either way. */
const COMBINATIONS = [
  ['sqlite', 'in-process'],
  ['postgres', 'bullmq'],
] as const;

async function runOnce(h: Harness, projectId: string): Promise<RunSummary> {
  const { executionId } = await startExecution(h, { projectId });
  await h.executor.settled(executionId);
  const status = await getExecutionStatus(h, executionId);
  assert.equal(status.status, 'completed', status.error?.message ?? '');
  return JSON.parse(readFileSync(join(h.reportsDir, executionId, 'report.json'), 'utf8'));
}

async function ids(db: TestDatabase): Promise<string> {
  const rows = (await rawExec(db, 'postgres', 'SELECT id, v FROM t ORDER BY id')) as {
    id: number;
    v: string;
  }[];
  return rows.map((r) => `${r.id}:${r.v}`).join(',');
}

for (const [storeKind, executorKind] of COMBINATIONS) {
  describe(`incremental executions: ${executorKind} executor, ${storeKind} store`, () => {
    let h: Harness;
    const databases: TestDatabase[] = [];
    before(async () => {
      h = await openHarness(storeKind, executorKind);
    });
    after(async () => {
      await h.close();
      for (const db of databases) await db.drop();
    });

    it('each scheduled run moves only what changed, the project keeps the cursor, reset state reloads all', async () => {
      const source = await freshPostgres();
      const target = await freshPostgres();
      databases.push(source, target);
      await rawExec(
        source,
        'postgres',
        `CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL, at timestamptz NOT NULL);
         INSERT INTO t SELECT g, 'v' || g, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute'
         FROM generate_series(1, 3000) g;`,
      );
      const project = await projectFor(h.store, source.url, target.url, {
        version: 1,
        name: 'sync',
        pipeline: { batchSize: 1000, parallelism: 2, createTables: true },
        mappings: [
          {
            source: 't',
            target: 't',
            sync: { mode: 'incremental_upsert', cursor: 'at', deletes: { compareKeys: true } },
            columns: ['id', 'v', 'at'].map((c) => ({ source: c, target: c })),
          },
        ],
      });
      const first = (await runOnce(h, project.id)).sync![0]!;
      assert.deepEqual([first.cursorBefore, first.rowsRead, first.inserted], [null, 3000, 3000]);
      assert.equal(first.cursorAfter, '2026-01-03 02:00:00+00');

      await rawExec(
        source,
        'postgres',
        `UPDATE t SET v = 'changed', at = timestamptz '2026-02-01 00:00:00+00' WHERE id IN (10, 20);
         INSERT INTO t VALUES (3001, 'new', timestamptz '2026-02-01 00:00:01+00');
         DELETE FROM t WHERE id = 30;`,
      );
      const second = (await runOnce(h, project.id)).sync![0]!;
      assert.equal(second.cursorBefore, '2026-01-03 02:00:00+00');
      assert.equal(second.cursorAfter, '2026-02-01 00:00:01+00');
      assert.deepEqual(
        [second.rowsRead, second.inserted, second.updated, second.deleted],
        [4, 1, 3, 1],
        'the boundary row, two changed, one new; one deleted',
      );
      assert.equal(await ids(target), await ids(source));
      const saved = await listSyncCursors(h.store, project.id);
      assert.deepEqual(
        saved.map((c) => [c.mappingKey, c.value]),
        [['public.t -> public.t', '2026-02-01 00:00:01+00']],
      );

      assert.deepEqual((await resetProjectSyncState(h, project.id, {})).forgotten, ['public.t -> public.t']);
      const reloaded = (await runOnce(h, project.id)).sync![0]!;
      assert.deepEqual([reloaded.cursorBefore, reloaded.rowsRead], [null, 3000]);
      assert.equal(await ids(target), await ids(source));
    });

    for (const mode of ['incremental_upsert', 'incremental_append'] as const)
      it(`a backfill re-reads its date range for an ${mode} mapping (upserted) and leaves the live cursor alone`, async () => {
        const source = await freshPostgres();
        const target = await freshPostgres();
        databases.push(source, target);
        await rawExec(
          source,
          'postgres',
          `CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL, at timestamp NOT NULL);
         INSERT INTO t SELECT g, 'v' || g, timestamp '2024-05-01 00:00:00' + (g - 1) * interval '6 hours'
         FROM generate_series(1, 20) g;`,
        );
        const project = await projectFor(h.store, source.url, target.url, {
          version: 1,
          name: 'backfilled',
          schedule: { cron: 'daily', timezone: 'UTC' },
          pipeline: { createTables: true },
          mappings: [
            {
              source: 't',
              target: 't',
              sync: { mode, cursor: 'at' },
              columns: ['id', 'v', 'at'].map((c) => ({ source: c, target: c })),
            },
          ],
        });
        const live = (await runOnce(h, project.id)).sync![0]!;
        assert.equal(live.cursorAfter, '2024-05-05 18:00:00');
        // A correction to 2 May that kept its old stamp: the live cursor would never see it.
        await rawExec(source, 'postgres', "UPDATE t SET v = 'fixed' WHERE id = 6");

        await backfill(h, project.id, new Date('2024-05-02T00:00:00Z'), new Date('2024-05-02T00:00:00Z'));
        const summary = await tick(h, new Date(), { smtp: null, log: () => {} });
        assert.deepEqual(summary.errors, []);
        const started = summary.started.filter((s) => s.projectId === project.id);
        assert.equal(started.length, 1);
        const executionId = started[0]!.executionId;
        await h.executor.settled(executionId);
        assert.equal((await getExecution(h.store, executionId))?.status, 'completed');
        const report: RunSummary = JSON.parse(
          readFileSync(join(h.reportsDir, executionId, 'report.json'), 'utf8'),
        );
        const sync = report.sync![0]!;
        assert.equal(sync.rowsRead, 4, 'the four rows stamped on 2 May');
        assert.deepEqual(
          [sync.cursorBefore, sync.cursorAfter],
          ['2024-05-05 18:00:00', '2024-05-05 18:00:00'],
        );
        assert.equal(await ids(target), await ids(source));
        const saved = await listSyncCursors(h.store, project.id);
        assert.deepEqual(
          saved.map((c) => [c.value, c.runId === executionId]),
          [['2024-05-05 18:00:00', false]],
          'the live cursor did not move',
        );
      });
  });
}
