import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createExecution,
  deleteProject,
  listSyncCursors,
  openStore,
  resetSyncCursors,
  type Store,
  storeRunState,
  updateExecution,
} from '../src/index.ts';
import { aProject } from './support/fixtures.ts';
import { freshStorePlace, STORE_KINDS, type StorePlace } from './support/stores.ts';

for (const kind of STORE_KINDS) {
  describe(`incremental cursors (${kind})`, () => {
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

    it('keeps each project its own cursors, saved by an execution and read by the next', async () => {
      const project = await aProject(store);
      const other = await aProject(store);
      const state = storeRunState(store);
      const first = await createExecution(store, { projectId: project.id });
      assert.deepEqual(await state.savedCursors(first.id, 'any name'), {}, 'a first run starts from nothing');
      await state.saveCursors(first.id, 'any name', {
        'public.orders -> public.orders': '2026-01-01 00:04:10',
        'public.events -> public.events': 9_007_199_254_740_993n,
      });
      const second = await createExecution(store, { projectId: project.id });
      const saved = await state.savedCursors(second.id, 'renamed spec');
      assert.equal(saved['public.orders -> public.orders']?.value, '2026-01-01 00:04:10');
      assert.equal(saved['public.events -> public.events']?.value, 9_007_199_254_740_993n, 'bigints whole');
      assert.equal(saved['public.orders -> public.orders']?.runId, first.id);
      await state.saveCursors(second.id, 'renamed spec', {
        'public.orders -> public.orders': '2026-01-02 00:00:00',
      });
      const orders = (await listSyncCursors(store, project.id)).find((c) => c.mappingKey.includes('orders'));
      assert.deepEqual([orders?.value, orders?.runId], ['2026-01-02 00:00:00', second.id]);
      const columns = [
        { name: 'id', nativeType: 'integer' },
        { name: 'updated_at', nativeType: 'timestamp' },
      ];
      await state.saveCursors(
        second.id,
        'x',
        { 'public.orders -> public.orders': '2026-01-03 00:00:00' },
        {
          'public.orders -> public.orders': columns,
        },
      );
      const third = await createExecution(store, { projectId: project.id });
      assert.deepEqual(
        (await state.savedCursors(third.id, 'x'))['public.orders -> public.orders']?.columns,
        columns,
      );
      const elsewhere = await createExecution(store, { projectId: other.id });
      assert.deepEqual(await state.savedCursors(elsewhere.id, 'any name'), {});
    });

    it('reset state forgets one mapping or all, and goes with its project', async () => {
      const project = await aProject(store);
      const execution = await createExecution(store, { projectId: project.id });
      await storeRunState(store).saveCursors(execution.id, 'x', { a: 1, b: 2, c: 3 });
      assert.deepEqual(await resetSyncCursors(store, project.id, 'b'), ['b']);
      assert.deepEqual(
        (await listSyncCursors(store, project.id)).map((c) => c.mappingKey),
        ['a', 'c'],
      );
      assert.deepEqual(await resetSyncCursors(store, project.id), ['a', 'c']);
      await storeRunState(store).saveCursors(execution.id, 'x', { a: 4 });
      await updateExecution(store, execution.id, { status: 'running' });
      await updateExecution(store, execution.id, { status: 'completed' });
      await deleteProject(store, project.id);
      assert.deepEqual(await listSyncCursors(store, project.id), []);
    });
  });
}
