import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DataBridgeError, isDataBridgeError } from '@databridge/engine';
import {
  appendLogEntries,
  appendMetricsSample,
  connectionRef,
  createExecution,
  createProject,
  deleteProject,
  getExecution,
  getProject,
  isStoreError,
  listProjects,
  openStore,
  runnableSpec,
  type Store,
  saveCheckpoint,
  saveRejectedRows,
  updateExecution,
  updateProject,
  upsertTaskRun,
} from '../src/index.ts';
import { aProject, connectionPair, SOURCE_URL, specInput, TARGET_URL, unique } from './support/fixtures.ts';
import { freshStorePlace, STORE_KINDS, type StorePlace } from './support/stores.ts';

for (const kind of STORE_KINDS) {
  describe(`projects (${kind})`, () => {
    let place: StorePlace;
    let store: Store;
    before(async () => {
      place = await freshStorePlace(kind);
      store = await openStore(place.options);
    });
    after(async () => {
      await store?.close();
      await place?.drop();
    });

    it('creates, reads, lists and updates a project; its spec refers to connections by id', async () => {
      const [source, target] = await connectionPair(store);
      const name = unique('shop');
      const project = await createProject(store, {
        name,
        description: 'nightly copy',
        sourceConnectionId: source.id,
        targetConnectionId: target.id,
        spec: specInput(),
      });
      assert.equal(project.description, 'nightly copy');
      assert.deepEqual(project.spec.source, { url: connectionRef(source.id), schema: 'public' });
      assert.deepEqual(project.spec.target, { url: connectionRef(target.id) });
      assert.equal(project.spec.pipeline.batchSize, 1000);
      assert.equal(project.spec.pipeline.parallelism, 4, 'defaults filled in');
      assert.deepEqual(await getProject(store, project.id), project);
      assert.ok((await listProjects(store)).some((p) => p.id === project.id));
      const stored = await store.db
        .selectFrom('projects')
        .select('spec')
        .where('id', '=', project.id)
        .executeTakeFirstOrThrow();
      assert.doesNotMatch(JSON.stringify(stored), /pa55|example\.com/);

      const updated = await updateProject(store, project.id, {
        name: `${name}-v2`,
        sourceConnectionId: target.id,
        spec: specInput({ pipeline: { batchSize: 2000 } }),
      });
      assert.equal(updated.name, `${name}-v2`);
      assert.equal(updated.description, 'nightly copy');
      assert.equal(updated.spec.source.url, connectionRef(target.id));
      assert.equal(updated.spec.pipeline.batchSize, 2000);
      assert.ok(updated.updatedAt >= project.updatedAt);
    });

    it('builds the runnable spec with the real URLs', async () => {
      const project = await aProject(store);
      const spec = await runnableSpec(store, project.id);
      assert.equal(spec.source.url, SOURCE_URL);
      assert.equal(spec.source.schema, 'public');
      assert.equal(spec.target.url, TARGET_URL);
      assert.deepEqual(spec.mappings, project.spec.mappings);
    });

    it('validates the spec on write, naming the field', async () => {
      const [source, target] = await connectionPair(store);
      const input = { name: unique('bad'), sourceConnectionId: source.id, targetConnectionId: target.id };
      await assert.rejects(
        createProject(store, { ...input, spec: specInput({ pipeline: { batchSize: 50_000 } }) }),
        specError(
          'pipeline.batchSize',
          /^Batch size must be a whole number from 100 to 10,000 rows \(not 50,000\)/,
        ),
      );
      await assert.rejects(
        createProject(store, { ...input, spec: specInput({ mappings: [] }) }),
        specError('mappings', /^Map at least one table\./),
      );
      await assert.rejects(
        createProject(store, {
          ...input,
          spec: specInput({ mappings: [{ source: 'a', target: 'b', columns: [{}] }] }),
        }),
        specError('mappings[0].columns[0].target', /^Table mapping 1, column 1, target is required\./),
      );
      await assert.rejects(
        createProject(store, { ...input, spec: specInput({ colour: 'blue' }) }),
        specError('spec', /^Unknown field “colour”: check the spelling, or remove it\./),
      );
      const project = await aProject(store);
      await assert.rejects(
        updateProject(store, project.id, { spec: specInput({ pipeline: { errorPolicy: 'retry' } }) }),
        specError(
          'pipeline.errorPolicy',
          /^Error policy must be one of fail_fast, continue or skip_and_log \(not “retry”\)\./,
        ),
      );
      await assert.rejects(
        createProject(store, { ...input, sourceConnectionId: 'nope', spec: specInput() }),
        (error) => {
          assert.ok(isStoreError(error) && error.code === 'bad_input');
          assert.match(error.message, /^sourceConnectionId: there is no connection nope/);
          return true;
        },
      );
    });

    it('deletes a project with its executions and everything under them, but not while one is active', async () => {
      const project = await aProject(store);
      const done = await createExecution(store, { projectId: project.id });
      await updateExecution(store, done.id, { status: 'running' });
      await updateExecution(store, done.id, { status: 'completed' });
      await upsertTaskRun(store, done.id, {
        taskId: 'm1',
        mappingId: 'm1',
        stageId: 'load_facts',
        status: 'completed',
        rowsRead: 5,
        rowsWritten: 5,
        rowsRejected: 1,
      });
      await saveCheckpoint(store, done.id, { taskId: 'm1', position: '5', rowsWritten: 5, done: true });
      await appendLogEntries(store, done.id, [{ level: 'info', message: 'hello' }]);
      await appendMetricsSample(store, done.id, { rowsProcessed: 5, failedRows: 1, rowsPerSecond: 5 });
      await saveRejectedRows(store, {
        executionId: done.id,
        mappingId: 'm1',
        table: 'public.dim_customer',
        count: 1,
        sample: [],
        filePath: '/data/rejects/m1.jsonl',
      });
      const running = await createExecution(store, { projectId: project.id });
      await updateExecution(store, running.id, { status: 'running' });

      await assert.rejects(deleteProject(store, project.id), (error) => {
        assert.ok(isStoreError(error) && error.code === 'in_use');
        return true;
      });
      assert.ok(await getProject(store, project.id));

      await updateExecution(store, running.id, { status: 'cancelling' });
      await updateExecution(store, running.id, { status: 'cancelled' });
      assert.deepEqual(await deleteProject(store, project.id), {
        deleted: true,
        executionIds: [done.id, running.id].sort(),
      });
      assert.equal(await getProject(store, project.id), undefined);
      assert.equal(await getExecution(store, done.id), undefined);
      for (const table of [
        'stage_runs',
        'task_runs',
        'checkpoints',
        'log_entries',
        'metrics_samples',
        'rejected_rows',
      ] as const) {
        const left = await store.db
          .selectFrom(table)
          .select('execution_id')
          .where('execution_id', 'in', [done.id, running.id])
          .execute();
        assert.equal(left.length, 0, `${table} cleaned up`);
      }
      assert.deepEqual(await deleteProject(store, project.id), { deleted: false, executionIds: [] });
      await assert.rejects(
        runnableSpec(store, project.id),
        (error) => isStoreError(error) && error.code === 'not_found',
      );
    });
  });
}

function specError(where: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(isDataBridgeError(error), String(error));
    assert.equal((error as DataBridgeError).code, 'bad_spec');
    assert.equal((error as DataBridgeError).where, where);
    assert.match((error as Error).message, message);
    return true;
  };
}
