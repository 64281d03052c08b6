import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  getExecutionStages,
  getExecutionStatus,
  startExecution,
} from '../src/services/executions-service.ts';
import { COMBINATIONS, eventually, openHarness, projectFor } from './support/harness.ts';

const ROWS = 6_000;

const columns = (...names: string[]) => ['id', ...names].map((c) => ({ source: c, target: c }));

/** A source file with two tables of `ROWS` rows each and no foreign key between them. */
function writeSource(file: string): void {
  const db = new Database(file);
  db.exec(`CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE product (id INTEGER PRIMARY KEY, label TEXT NOT NULL, price REAL);`);
  const customer = db.prepare('INSERT INTO customer VALUES (?, ?)');
  const product = db.prepare('INSERT INTO product VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) {
      customer.run(i, `customer ${i}`);
      product.run(i, `product ${i}`, i / 100);
    }
  })();
  db.close();
}

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
        writeSource(source);
        const project = await projectFor(h.store, `sqlite:${source}`, `sqlite:${target}`, {
          version: 1,
          name: 'sqlite-parallel',
          pipeline: { batchSize: 500, parallelism: 4, createTables: true },
          mappings: [
            { source: 'customer', target: 'customer', mode: 'append', columns: columns('name') },
            { source: 'product', target: 'product', mode: 'append', columns: columns('label', 'price') },
          ],
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
        const db = new Database(target, { readonly: true });
        try {
          for (const table of ['customer', 'product']) {
            const { n } = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
            assert.equal(n, ROWS, table);
          }
        } finally {
          db.close();
        }
      } finally {
        await h.close();
      }
    });
  });
}
