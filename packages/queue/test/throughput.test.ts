import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MetricsSample } from '@databridge/store';
import pg from 'pg';
import { freshPostgres, type TestDatabase } from '../../engine/test/support/databases.ts';
import { nextThroughput, RUNNING_GAP_MS } from '../src/run/throughput.ts';
import {
  getExecutionMetrics,
  getExecutionStatus,
  pauseExecution,
  resumeExecution,
  startExecution,
} from '../src/services/executions-service.ts';
import { gateTrigger, holdGate } from './support/advisory-gate.ts';
import { type Harness, openHarness, projectFor } from './support/harness.ts';

describe('throughput: rows written in this attempt per second of its running time', () => {
  it('counts running time between samples, leaves out a pause, and starts again with a new attempt', () => {
    let last: MetricsSample | undefined;
    const at = (time: number, rowsProcessed: number, attempt = 1) => {
      const next = nextThroughput(last, { time, rowsProcessed, attempt });
      last = {
        time: new Date(time).toISOString(),
        rowsProcessed,
        failedRows: 0,
        rowsPerSecond: next.rowsPerSecond,
        attempt: next.attempt,
        attemptRows: next.attemptRows,
        runningMs: next.runningMs,
      };
      return next;
    };
    assert.equal(at(0, 0).rowsPerSecond, 0);
    at(1000, 1000);
    assert.equal(at(2000, 2000).rowsPerSecond, 1000);
    // Paused for a minute: that time is not running time.
    const resumed = at(62_000, 2000);
    assert.equal(resumed.runningMs, 2000);
    assert.equal(at(63_000, 3000).rowsPerSecond, 1000);
    // A retry: the first attempt's rows and the gap before it do not count.
    const retried = at(200_000, 3000, 2);
    assert.deepEqual(retried, { attempt: 2, attemptRows: 0, runningMs: 0, rowsPerSecond: 0 });
    assert.equal(at(202_000, 3500, 2).rowsPerSecond, 250);
  });
});

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

for (const executorKind of ['in-process', 'bullmq'] as const) {
  describe(`one throughput in the tile, the chart and the report (${executorKind})`, () => {
    let h: Harness;
    const dbs: TestDatabase[] = [];
    before(async () => {
      h = await openHarness('sqlite', executorKind);
    });
    after(async () => {
      await h.close();
      for (const d of dbs) await d.drop();
    });

    it('a paused run: the chart drops to zero while paused, and the pause does not lower the throughput', async () => {
      const [source, target] = [await freshPostgres(), await freshPostgres()];
      dbs.push(source, target);
      const rows = 300_000;
      await sql(
        source.url,
        `CREATE TABLE t (id bigint PRIMARY KEY, v text);
         INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, ${rows}) g;`,
      );
      // Each batch sleeps 20 ms in the target, so the load lasts seconds on any machine; from the tenth
      // batch on, each waits at a gate the test holds, so the pause provably lands mid-load (a fast
      // machine could otherwise finish the load before the pause is asked for).
      await sql(
        target.url,
        `CREATE TABLE t (id bigint PRIMARY KEY, v text); ${gateTrigger('t', 10, 'PERFORM pg_sleep(0.02);')}`,
      );
      const project = await projectFor(h.store, source.url, target.url, {
        version: 1,
        name: 'rate',
        pipeline: { batchSize: 2000, parallelism: 1 },
        mappings: [
          {
            source: 't',
            target: 't',
            columns: [
              { source: 'id', target: 'id' },
              { source: 'v', target: 'v' },
            ],
          },
        ],
      });
      const gate = await holdGate(target.url);
      let id: string;
      try {
        ({ executionId: id } = await startExecution(h, { projectId: project.id }));
        await gate.reached();
        await pauseExecution(h, id);
      } finally {
        await gate.release();
      }
      await h.executor.settled(id);
      const pausedAt = Date.now();
      await new Promise((r) => setTimeout(r, RUNNING_GAP_MS + 2000));
      const resumedAt = Date.now();
      await resumeExecution(h, id);
      await h.executor.settled(id);
      const done = await getExecutionStatus(h, id);
      assert.equal(done.status, 'completed', JSON.stringify(done.error));

      const { samples } = await getExecutionMetrics(h, id);
      const during = samples.filter((s) => {
        const t = Date.parse(s.time);
        return t > pausedAt && t < resumedAt;
      });
      assert.ok(during.length === 0 || during.every((s) => s.rowsPerSecond === 0), JSON.stringify(during));
      const zeros = samples.filter((s) => s.rowsPerSecond === 0 && Date.parse(s.time) > pausedAt - 2000);
      assert.ok(zeros.length >= 2, `the chart drops to zero over the pause: ${JSON.stringify(samples)}`);

      // One figure: the tile (status), the chart's caption (last sample) and the report agree.
      const last = samples.at(-1)!;
      const caption = last.attemptRows / (last.runningMs / 1000);
      assert.ok(Math.abs(caption - done.throughput) <= 1, `chart ${caption} vs tile ${done.throughput}`);
      const report = (await import('node:fs')).readFileSync(`${h.reportsDir}/${id}/report.json`, 'utf8');
      assert.equal(JSON.parse(report).totals.rowsPerSecond, Math.round(done.throughput));
      // The pause is not running time: the rate beats rows over the whole time, pause included.
      const wall = (Date.parse(done.endTime!) - Date.parse(done.startTime!)) / 1000;
      assert.ok(done.throughput > rows / wall, `${done.throughput} rows/s vs ${rows / wall} over ${wall} s`);
      assert.ok(
        last.runningMs / 1000 < wall - RUNNING_GAP_MS / 1000,
        `${last.runningMs} ms running of ${wall} s`,
      );
    });
  });
}
