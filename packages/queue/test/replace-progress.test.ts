import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { freshDatabase, rawExec, type TestDatabase } from '../../engine/test/support/databases.ts';
import {
  getExecutionStages,
  getExecutionStatus,
  startExecution,
} from '../src/services/executions-service.ts';
import { type ExecutorKind, eventually, openHarness, projectFor } from './support/harness.ts';

const ROWS = 40_000;

const SOURCE_SQL = {
  // PostgreSQL into PostgreSQL moves as COPY text: the whole table is one COPY. Rows of 500 bytes
  // (20 MB) do not fit in socket buffers: the rows sent follow what the target takes.
  postgres: `CREATE TABLE orders (id bigint PRIMARY KEY, note text);
    INSERT INTO orders SELECT g, repeat('x', 500) FROM generate_series(1, ${ROWS}) g;`,
  // MariaDB's rows are parsed and sent in batches, all in one transaction.
  mysql: `CREATE TABLE orders (id bigint PRIMARY KEY, note varchar(600));
    INSERT INTO orders SELECT seq, REPEAT('x', 500) FROM seq_1_to_${ROWS};`,
} as const;

/**
 * A `replace` load empties its table and fills it in one transaction, committed at its end. Until
 * then the monitor must not say 0 rows (nor call rows written that a failure would roll back): the
 * rows sent show as uncommitted, rising, and become written at the commit.
 */
for (const executorKind of ['in-process', 'bullmq'] as ExecutorKind[]) {
  for (const from of ['postgres', 'mysql'] as const) {
    describe(`replace progress (${from} -> postgres, ${executorKind})`, () => {
      const dbs: TestDatabase[] = [];
      after(async () => {
        for (const db of dbs) await db.drop();
      });

      it('shows the rows sent as uncommitted, rising, then as written at the commit', async () => {
        const h = await openHarness('sqlite', executorKind);
        try {
          const [source, target] = [await freshDatabase(from), await freshDatabase('postgres')];
          dbs.push(source, target);
          await rawExec(source, from, SOURCE_SQL[from]);
          // A row trigger that sleeps 50 ms every 1,000 rows: the load lasts about 2 s on any machine,
          // whether the rows come in one COPY or in batches. BEFORE: an AFTER row trigger would wait
          // for the end of the statement, when the COPY has taken every row.
          await rawExec(
            target,
            'postgres',
            `CREATE TABLE orders (id bigint PRIMARY KEY, note text);
             INSERT INTO orders VALUES (-1, 'replaced');
             CREATE FUNCTION slow_rows() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN IF NEW.id % 1000 = 0 THEN PERFORM pg_sleep(0.05); END IF; RETURN NEW; END $$;
             CREATE TRIGGER slow_rows BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION slow_rows();`,
          );
          const columns = ['id', 'note'].map((c) => ({ source: c, target: c }));
          const project = await projectFor(h.store, source.url, target.url, {
            version: 1,
            name: 'replace-progress',
            pipeline: { batchSize: 1000, parallelism: 1 },
            mappings: [{ source: 'orders', target: 'orders', mode: 'replace', columns }],
          });
          const { executionId } = await startExecution(h, { projectId: project.id });
          const ctx = { store: h.store };
          const task = async () =>
            (await getExecutionStages(ctx, executionId)).stages.flatMap((s) => s.tasks)[0];
          const seen: number[] = [];
          await eventually(
            async () => {
              const [status, t] = [await getExecutionStatus(ctx, executionId), await task()];
              if (t?.status === 'completed' || status.status === 'completed') return true;
              if (t && t.rowsUncommitted > 0) {
                assert.equal(t.rowsWritten, 0, 'nothing is committed before the one commit');
                assert.equal(status.recordsProcessed, 0);
                if (status.recordsUncommitted > 0) seen.push(status.recordsUncommitted);
              }
              return false;
            },
            'the load to end',
            120_000,
          );
          const rising = seen.filter((n, i) => i === 0 || n > seen[i - 1]!);
          assert.ok(rising.length >= 2, `uncommitted rows seen while loading: ${seen.join(', ') || 'none'}`);
          await eventually(
            async () => (await getExecutionStatus(ctx, executionId)).status === 'completed',
            'the execution to complete',
            60_000,
          );
          const status = await getExecutionStatus(ctx, executionId);
          const t = await task();
          assert.equal(t?.rowsWritten, ROWS);
          assert.equal(t?.rowsUncommitted, 0);
          assert.equal(status.recordsProcessed, ROWS);
          assert.equal(status.recordsUncommitted, 0);
          const [count] = (await rawExec(target, 'postgres', 'SELECT count(*)::int AS n FROM orders')) as {
            n: number;
          }[];
          assert.equal(count!.n, ROWS);
          process.stderr.write(
            `# ${from} ${executorKind}: uncommitted rows seen ${[...new Set(seen)].join(', ')}\n`,
          );
        } finally {
          await h.close();
        }
      });
    });
  }
}
