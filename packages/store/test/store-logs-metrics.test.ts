import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  appendLogEntries,
  appendMetricsSample,
  createExecution,
  type LogEntry,
  type LogLevel,
  listLogEntries,
  listMetricsSamples,
  openStore,
  type Store,
} from '../src/index.ts';
import { aProject } from './support/fixtures.ts';
import { freshStorePlace, STORE_KINDS, type StorePlace } from './support/stores.ts';

for (const kind of STORE_KINDS) {
  describe(`log entries and metrics (${kind})`, () => {
    let place: StorePlace;
    let store: Store;
    let executionId: string;
    before(async () => {
      place = await freshStorePlace(kind);
      store = await openStore(place.options);
      executionId = (await createExecution(store, { projectId: (await aProject(store)).id })).id;
      const levels: LogLevel[] = ['debug', 'info', 'warning', 'error'];
      await appendLogEntries(
        store,
        executionId,
        Array.from({ length: 40 }, (_, i) => ({
          time: Date.UTC(2026, 0, 1, 0, 0, i),
          level: levels[i % 4]!,
          message: `line ${i}`,
          stack: i % 4 === 3 ? `Error: line ${i}\n    at load (task.ts:1:1)` : null,
          fields: { i },
        })),
      );
    });
    after(async () => {
      await store?.close();
      await place?.drop();
    });

    async function all(query: Parameters<typeof listLogEntries>[2]): Promise<LogEntry[][]> {
      const pages: LogEntry[][] = [];
      let cursor: string | undefined;
      do {
        const page = await listLogEntries(store, executionId, { ...query, cursor });
        pages.push(page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return pages;
    }

    it('lists the log newest first by default, with stack and fields', async () => {
      const { items, nextCursor } = await listLogEntries(store, executionId, { limit: 3 });
      assert.deepEqual(
        items.map((e) => e.message),
        ['line 39', 'line 38', 'line 37'],
      );
      assert.ok(nextCursor);
      assert.equal(items[0]?.level, 'error');
      assert.match(items[0]?.stack ?? '', /^Error: line 39\n {4}at load/);
      assert.deepEqual(items[0]?.fields, { i: 39 });
      assert.equal(items[0]?.time, '2026-01-01T00:00:39.000Z');
      assert.equal(items[1]?.stack, null);
    });

    it('filters by least severe level and pages with a cursor, either way round', async () => {
      const newest = await all({ level: 'warning', limit: 7 });
      assert.deepEqual(
        newest.map((p) => p.length),
        [7, 7, 6],
      );
      const messages = newest.flat().map((e) => e.message);
      const expected = Array.from({ length: 40 }, (_, i) => i)
        .filter((i) => i % 4 >= 2)
        .map((i) => `line ${i}`);
      assert.deepEqual(messages, [...expected].reverse());
      assert.ok(newest.flat().every((e) => e.level === 'warning' || e.level === 'error'));

      const oldest = await all({ level: 'error', order: 'oldest', limit: 4 });
      assert.deepEqual(
        oldest.flat().map((e) => e.message),
        expected.filter((m) => Number(m.slice(5)) % 4 === 3),
      );
      assert.equal((await all({ level: 'debug' })).flat().length, 40);
    });

    it('appends metrics samples and thins them for a chart', async () => {
      for (let i = 0; i < 30; i++) {
        await appendMetricsSample(store, executionId, {
          time: Date.UTC(2026, 0, 1, 0, 0, i),
          rowsProcessed: i * 1000,
          failedRows: i,
          rowsPerSecond: 1000.5,
          attempt: 2,
          attemptRows: i * 1000,
          runningMs: i * 1000,
        });
      }
      const samples = await listMetricsSamples(store, executionId);
      assert.equal(samples.length, 30);
      assert.deepEqual(samples[1], {
        time: '2026-01-01T00:00:01.000Z',
        rowsProcessed: 1000,
        failedRows: 1,
        rowsPerSecond: 1000.5,
        attempt: 2,
        attemptRows: 1000,
        runningMs: 1000,
      });
      const thin = await listMetricsSamples(store, executionId, { maxPoints: 5 });
      assert.deepEqual(
        thin.map((s) => s.failedRows),
        [0, 7, 15, 22, 29],
      );
      const later = await listMetricsSamples(store, executionId, { since: Date.UTC(2026, 0, 1, 0, 0, 27) });
      assert.deepEqual(
        later.map((s) => s.failedRows),
        [28, 29],
      );
    });
  });
}
