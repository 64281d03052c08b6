import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  createStagingSchema,
  listStagingSchemas,
  stagingDatabase,
  stagingSchemaName,
} from '@databridge/engine';
import { createExecution, type ExecutionStatus, updateExecution } from '@databridge/store';
import pg from 'pg';
import { recordEnded, recordRunning } from '../../engine/src/staging/staging-ledger.ts';
import { freshPostgres, type TestDatabase } from '../../engine/test/support/databases.ts';
import { type TickOptions, tick } from '../src/scheduler/tick.ts';
import { openHarness, projectFor } from './support/harness.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const HOUR = 3_600_000;
const quiet: TickOptions = { smtp: null, log: () => {} };
const ONE_TABLE = { mappings: [{ source: 't', target: 't', columns: [{ source: 'id', target: 'id' }] }] };

/** The statuses an execution passes through to reach each one, as the store's state machine allows. */
const PATH: Partial<Record<ExecutionStatus, ExecutionStatus[]>> = {
  running: ['queued', 'running'],
  paused: ['queued', 'running', 'paused'],
  interrupted: ['queued', 'running', 'interrupted'],
  completed: ['queued', 'running', 'completed'],
  failed: ['queued', 'running', 'failed'],
};

for (const storeKind of ['sqlite', 'postgres'] as const) {
  describe(`the scheduler's tick enforces the staging retention (${storeKind} store)`, () => {
    it('drops the expired schemas of several projects and states, and never an active execution’s', async () => {
      const stagingDb = await freshPostgres();
      databases.push(stagingDb);
      const staging = stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL');
      const client = new pg.Client({ connectionString: stagingDb.url });
      await client.connect();
      const sql = async (text: string, params?: readonly unknown[]) =>
        (await client.query(text, params as unknown[] | undefined)).rows;
      const h = await openHarness(storeKind, 'in-process', { staging });
      try {
        const now = new Date();
        const ago = (hours: number) => new Date(now.getTime() - hours * HOUR);
        const alpha = await projectFor(h.store, 'sqlite:a.db', 'sqlite:b.db', ONE_TABLE);
        const beta = await projectFor(h.store, 'sqlite:a.db', 'sqlite:c.db', ONE_TABLE);
        /**
         * One execution in the store with its staging schema and ledger entry: `status` is what the
         * store says, `ledger` what the staging ledger last heard (it may be behind), `hoursAgo` when
         * it ended (or went idle).
         */
        const execution = async (
          name: string,
          project: typeof alpha,
          status: ExecutionStatus,
          ledger: 'running' | 'completed' | 'failed',
          hoursAgo: number,
          keep?: { hours: number } | { runs: number },
        ) => {
          const e = await createExecution(h.store, { projectId: project.id });
          for (const step of PATH[status] ?? []) {
            const ended = ['completed', 'failed'].includes(step);
            await updateExecution(h.store, e.id, {
              status: step,
              ...(ended ? { endedAt: ago(hoursAgo) } : {}),
            });
          }
          const schema = await createStagingSchema(staging, e.id);
          await recordRunning(sql, { runId: e.id, schema, project: project.name, ...(keep ? { keep } : {}) });
          if (ledger !== 'running') await recordEnded(sql, schema, ledger, ago(hoursAgo));
          await sql('UPDATE databridge_staging_runs SET touched_at = $2 WHERE schema_name = $1', [
            schema,
            ago(hoursAgo),
          ]);
          return [name, e.id] as const;
        };
        const runs = new Map([
          await execution('alpha kept 24 h, ended 30 h ago', alpha, 'completed', 'completed', 30, {
            hours: 24,
          }),
          await execution('alpha kept 24 h, ended 2 h ago', alpha, 'completed', 'completed', 2, {
            hours: 24,
          }),
          await execution('beta failed 8 days ago', beta, 'failed', 'failed', 24 * 8),
          await execution('beta failed 2 days ago', beta, 'failed', 'failed', 24 * 2),
          // Failed long ago by the ledger, but retried since: the store says running.
          await execution('beta retried, running', beta, 'running', 'failed', 24 * 30),
          await execution('beta interrupted, resuming', beta, 'interrupted', 'running', 24 * 30),
          await execution('alpha paused 9 days', alpha, 'paused', 'running', 24 * 9),
          await execution('alpha paused 1 hour', alpha, 'paused', 'running', 1),
        ]);
        // A CLI run in the same staging database: the store does not know it, the ledger does.
        const cliSchema = await createStagingSchema(staging, 'cli-run-1');
        await recordRunning(sql, {
          runId: 'cli-run-1',
          schema: cliSchema,
          project: 'cli_spec',
          keep: { runs: 1 },
        });
        await recordEnded(sql, cliSchema, 'completed', ago(50));
        const cliSchema2 = await createStagingSchema(staging, 'cli-run-2');
        await recordRunning(sql, {
          runId: 'cli-run-2',
          schema: cliSchema2,
          project: 'cli_spec',
          keep: { runs: 1 },
        });
        await recordEnded(sql, cliSchema2, 'completed', ago(40));

        const summary = await tick({ ...h, env: { baseUrl: 'http://localhost:3000', staging } }, now, quiet);
        const dropped = new Set(summary.stagingDropped.map((d) => d.runId));
        const expected = ['alpha kept 24 h, ended 30 h ago', 'beta failed 8 days ago', 'alpha paused 9 days'];
        assert.deepEqual(
          [...runs].filter(([, id]) => dropped.has(id)).map(([name]) => name),
          expected,
          JSON.stringify(summary.stagingDropped),
        );
        assert.ok(dropped.has('cli-run-1'), 'the older of the CLI spec’s runs (keepStaging: { runs: 1 })');
        assert.equal(dropped.size, expected.length + 1);
        assert.deepEqual(summary.errors, []);
        const held = new Set((await listStagingSchemas(staging)).map((s) => s.schema));
        for (const [name, id] of runs)
          assert.equal(held.has(stagingSchemaName(id)), !expected.includes(name), name);
        assert.ok(held.has(cliSchema2));

        // A failed execution's limit comes from DATABRIDGE_STAGING_FAILED_RETENTION_DAYS.
        const again = await tick(
          { ...h, env: { baseUrl: 'http://localhost:3000', staging, stagingFailedRetentionDays: 1 } },
          now,
          quiet,
        );
        assert.deepEqual(
          again.stagingDropped.map((d) => d.runId),
          [runs.get('beta failed 2 days ago')],
        );
        // Without a staging database the tick has nothing to prune.
        const none = await tick({ ...h, env: { baseUrl: 'http://localhost:3000' } }, now, quiet);
        assert.deepEqual(none.stagingDropped, []);
      } finally {
        await client.end();
        await h.close();
      }
    });
  });
}
