import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RejectedRow, RunSummary } from '@databridge/engine';
import {
  createExecution,
  executionAttempt,
  getCheckpoint,
  getExecution,
  inTransaction,
  isStoreError,
  listCheckpoints,
  listExecutions,
  listRejectedRows,
  listStageRuns,
  listTaskRuns,
  openStore,
  type Project,
  pingStore,
  SAMPLE_SIZE,
  type Store,
  saveCheckpoint,
  saveRejectedRows,
  sumTaskRunRows,
  updateExecution,
  updateProgress,
  upsertStageRun,
  upsertTaskRuns,
} from '../src/index.ts';
import { aProject } from './support/fixtures.ts';
import { freshStorePlace, STORE_KINDS, type StorePlace } from './support/stores.ts';

for (const kind of STORE_KINDS) {
  describe(`executions, stages, tasks, checkpoints, rejected rows (${kind})`, () => {
    let place: StorePlace;
    let store: Store;
    let project: Project;
    before(async () => {
      place = await freshStorePlace(kind);
      store = await openStore(place.options);
      project = await aProject(store);
    });
    after(async () => {
      await store?.close();
      await place?.drop();
    });

    it('creates an execution pending, with its six stages pending', async () => {
      const execution = await createExecution(store, { projectId: project.id, trigger: 'schedule' });
      assert.equal(execution.status, 'pending');
      assert.equal(execution.trigger, 'schedule');
      assert.equal(execution.attempt, 1);
      assert.equal(execution.recordsTotalIsEstimate, false);
      assert.equal(execution.summary, null);
      await assert.rejects(
        createExecution(store, { projectId: 'nope' }),
        (e) => isStoreError(e) && e.code === 'not_found',
      );
      await assert.rejects(
        createExecution(store, { projectId: project.id, id: execution.id }),
        (e) => isStoreError(e) && e.code === 'conflict',
      );
      assert.deepEqual(
        (await listStageRuns(store, execution.id)).map((s) => [s.stageId, s.status]),
        ['extract', 'transform', 'load_dimensions', 'load_facts', 'validate', 'report'].map((id) => [
          id,
          'pending',
        ]),
      );
    });

    it('records progress cheaply and changes state only from the states allowed', async () => {
      const { id } = await createExecution(store, { projectId: project.id });
      const started = await updateExecution(
        store,
        id,
        { status: 'running', startedAt: 1_767_225_600_000, runId: 'r-1' },
        { from: ['pending'] },
      );
      assert.equal(started?.status, 'running');
      assert.equal(started?.startedAt, '2026-01-01T00:00:00.000Z');
      assert.equal(started?.runId, 'r-1');
      assert.equal(await updateExecution(store, id, { status: 'running' }, { from: ['pending'] }), undefined);

      const big = 2 ** 40;
      assert.equal(
        await updateProgress(store, id, {
          recordsProcessed: big,
          recordsTotal: big * 2,
          recordsTotalIsEstimate: true,
          failedRecords: 3,
          throughput: 12_345.5,
        }),
        true,
      );
      assert.equal(await updateProgress(store, 'nope', { recordsProcessed: 1 }), false);
      const running = await getExecution(store, id);
      assert.equal(running?.recordsProcessed, big);
      assert.equal(running?.recordsTotal, big * 2);
      assert.equal(running?.recordsTotalIsEstimate, true);
      assert.equal(running?.failedRecords, 3);
      assert.equal(running?.throughput, 12_345.5);

      const summary = { runId: 'r-1', status: 'failed', totals: { rowsRead: 1 } } as unknown as RunSummary;
      const failed = await updateExecution(store, id, {
        status: 'failed',
        endedAt: new Date('2026-01-01T00:10:00Z'),
        errorCode: 'constraint_violation',
        errorMessage: 'duplicate key',
        summary,
      });
      assert.equal(failed?.endedAt, '2026-01-01T00:10:00.000Z');
      assert.equal(failed?.errorCode, 'constraint_violation');
      assert.deepEqual(failed?.summary, summary);
      assert.equal(failed?.recordsProcessed, big, 'a state change keeps the counters');
    });

    it('lists history newest first, a page at a time, per project', async () => {
      const other = await aProject(store);
      const made: string[] = [];
      for (let i = 0; i < 12; i++) {
        made.push(
          (await createExecution(store, { projectId: other.id, trigger: i % 2 ? 'api' : 'manual' })).id,
        );
      }
      await createExecution(store, { projectId: project.id });
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listExecutions(store, { projectId: other.id, limit: 5, cursor });
        seen.push(...page.items.map((e) => e.id));
        assert.ok(page.items.every((e) => !('summary' in e)));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...made].reverse());

      const failed = made[3]!;
      await updateExecution(store, failed, { status: 'failed' });
      const onlyFailed = await listExecutions(store, { projectId: other.id, statuses: ['failed'] });
      assert.deepEqual(
        onlyFailed.items.map((e) => e.id),
        [failed],
      );
      assert.equal(onlyFailed.nextCursor, null);
      await assert.rejects(
        listExecutions(store, { cursor: 'garbage' }),
        (e) => isStoreError(e) && e.code === 'bad_input',
      );
      await assert.rejects(
        listExecutions(store, { limit: 0 }),
        (e) => isStoreError(e) && e.code === 'bad_input',
      );
    });

    it('writes together or not at all inside inTransaction', async () => {
      const { id } = await createExecution(store, { projectId: project.id });
      await assert.rejects(
        inTransaction(store, async (trx) => {
          await updateProgress(trx, id, { recordsProcessed: 99 });
          await createExecution(trx, { projectId: project.id, id: 'joins-the-transaction' });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal((await getExecution(store, id))?.recordsProcessed, 0);
      assert.equal(await getExecution(store, 'joins-the-transaction'), undefined);
    });

    it('refuses a change of state the state machine does not allow, with a code, and writes nothing', async () => {
      const { id } = await createExecution(store, { projectId: project.id });
      const refused = (from: string, to: string) => (error: unknown) => {
        assert.ok(isStoreError(error), String(error));
        assert.equal(error.code, 'invalid_transition');
        assert.match(error.message, new RegExp(`from ${from} to ${to}`));
        return true;
      };
      await assert.rejects(
        updateExecution(store, id, { status: 'cancelled' }),
        refused('pending', 'cancelled'),
      );
      await updateExecution(store, id, { status: 'running' });
      await updateExecution(store, id, { status: 'cancelling' });
      await assert.rejects(
        updateExecution(store, id, { status: 'running' }),
        refused('cancelling', 'running'),
      );
      await updateExecution(store, id, { status: 'cancelled' });
      assert.equal((await getExecution(store, id))?.status, 'cancelled');
      await updateExecution(store, id, { status: 'running' }); // a retry
      await updateExecution(store, id, { status: 'completed' });
      await assert.rejects(updateExecution(store, id, { status: 'paused' }), refused('completed', 'paused'));
      assert.equal((await getExecution(store, id))?.status, 'completed');

      await upsertStageRun(store, id, 'extract', { status: 'completed' });
      await assert.rejects(
        upsertStageRun(store, id, 'extract', { status: 'running' }),
        refused('completed', 'running'),
      );
      await upsertStageRun(store, id, 'load_facts', { status: 'skipped' });
      await assert.rejects(
        upsertStageRun(store, id, 'load_facts', { status: 'completed' }),
        refused('skipped', 'completed'),
      );
      const task = {
        taskId: 'm1',
        mappingId: 'm1',
        stageId: 'load_facts' as const,
        rowsRead: 0,
        rowsWritten: 0,
        rowsRejected: 0,
      };
      await upsertTaskRuns(store, id, [{ ...task, status: 'running' }]);
      await upsertTaskRuns(store, id, [{ ...task, status: 'completed', rowsWritten: 5 }]);
      await assert.rejects(
        upsertTaskRuns(store, id, [{ ...task, status: 'pending' }]),
        refused('completed', 'pending'),
      );
      const [stored] = await listTaskRuns(store, id);
      assert.equal(stored?.status, 'completed');
      assert.equal(stored?.rowsWritten, 5, 'a refused change writes nothing');
    });

    it('records stage runs with their durations', async () => {
      const { id } = await createExecution(store, { projectId: project.id });
      await upsertStageRun(store, id, 'extract', { status: 'running', startedAt: '2026-01-01T00:00:00Z' });
      await upsertStageRun(store, id, 'extract', {
        status: 'completed',
        endedAt: '2026-01-01T00:00:45.200Z',
      });
      await upsertStageRun(store, id, 'load_dimensions', { status: 'skipped' });
      const stages = await listStageRuns(store, id);
      assert.deepEqual(stages[0], {
        executionId: id,
        stageId: 'extract',
        status: 'completed',
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: '2026-01-01T00:00:45.200Z',
        durationSeconds: 45.2,
      });
      assert.equal(stages[2]?.status, 'skipped');
      assert.equal(stages[2]?.durationSeconds, null);
    });

    it('upserts task runs in one call and lists them by stage, then task', async () => {
      const { id } = await createExecution(store, { projectId: project.id });
      const task = (taskId: string, stageId: 'load_dimensions' | 'load_facts', rowsWritten: number) => ({
        taskId,
        mappingId: taskId.split('.')[0]!,
        stageId,
        status: 'running' as const,
        rowsRead: rowsWritten,
        rowsWritten,
        rowsRejected: 0,
        rowsTotal: 100,
        startedAt: '2026-01-01T00:00:00Z',
      });
      await upsertTaskRuns(store, id, [
        task('m2.p10', 'load_facts', 1),
        task('m2.p9', 'load_facts', 1),
        task('m1', 'load_dimensions', 1),
      ]);
      await upsertTaskRuns(store, id, [
        {
          ...task('m2.p9', 'load_facts', 100),
          status: 'completed',
          endedAt: '2026-01-01T00:01:00Z',
          attempt: 2,
        },
      ]);
      const tasks = await listTaskRuns(store, id);
      assert.deepEqual(
        tasks.map((t) => t.taskId),
        ['m1', 'm2.p9', 'm2.p10'],
      );
      assert.equal(tasks[1]?.status, 'completed');
      assert.equal(tasks[1]?.rowsWritten, 100);
      assert.equal(tasks[1]?.attempt, 2);
      assert.equal(tasks[1]?.endedAt, '2026-01-01T00:01:00.000Z');
      assert.deepEqual(
        (await listTaskRuns(store, id, { stageId: 'load_dimensions' })).map((t) => t.taskId),
        ['m1'],
      );
    });

    it("sums an execution's task rows and reads its attempt, for the progress any worker refreshes", async () => {
      const { id } = await createExecution(store, { projectId: project.id, attempt: 2 });
      assert.deepEqual(await sumTaskRunRows(store, id), { written: 0, uncommitted: 0, rejected: 0 });
      const task = (taskId: string, rowsWritten: number, rowsUncommitted: number, rowsRejected: number) => ({
        taskId,
        mappingId: 'm1',
        stageId: 'load_facts' as const,
        status: 'running' as const,
        rowsRead: rowsWritten,
        rowsWritten,
        rowsUncommitted,
        rowsRejected,
      });
      await upsertTaskRuns(store, id, [task('m1.p1', 40, 5, 1), task('m1.p2', 2, 0, 3)]);
      assert.deepEqual(await sumTaskRunRows(store, id), { written: 42, uncommitted: 5, rejected: 4 });
      assert.equal(await executionAttempt(store, id), 2);
      assert.equal(await executionAttempt(store, 'nope'), undefined);
    });

    it('answers a ping while the metadata database is up', async () => {
      await pingStore(store);
    });

    it('saves checkpoints and rejected-row summaries', async () => {
      const { id } = await createExecution(store, { projectId: project.id });
      await saveCheckpoint(store, id, { taskId: 'm1', position: null, rowsWritten: 0, done: false });
      await saveCheckpoint(store, id, { taskId: 'm1', position: '[5000]', rowsWritten: 5000, done: false });
      await saveCheckpoint(store, id, { taskId: 'm2', position: '[10]', rowsWritten: 10, done: true });
      const m1 = await getCheckpoint(store, id, 'm1');
      assert.equal(m1?.position, '[5000]');
      assert.equal(m1?.done, false);
      assert.deepEqual(
        (await listCheckpoints(store, id)).map((c) => [c.taskId, c.done]),
        [
          ['m1', false],
          ['m2', true],
        ],
      );

      const rejected = (n: number): RejectedRow => ({
        mappingId: 'm1',
        table: 'public.dim_customer',
        column: 'email',
        value: `bad-${n}`,
        reason: 'too long',
        code: 'bad_value',
        row: { id: n },
      });
      const sample = Array.from({ length: SAMPLE_SIZE + 5 }, (_, n) => rejected(n));
      await saveRejectedRows(store, {
        executionId: id,
        mappingId: 'm1',
        table: 'public.dim_customer',
        count: 25,
        sample,
      });
      await saveRejectedRows(store, {
        executionId: id,
        mappingId: 'm1',
        table: 'public.dim_customer',
        count: 30,
        sample,
        filePath: '/r/m1.jsonl',
      });
      const [summary] = await listRejectedRows(store, id);
      assert.equal(summary?.count, 30);
      assert.equal(summary?.filePath, '/r/m1.jsonl');
      assert.equal(summary?.sample.length, SAMPLE_SIZE);
      assert.deepEqual(summary?.sample[0], rejected(0));
    });
  });
}
