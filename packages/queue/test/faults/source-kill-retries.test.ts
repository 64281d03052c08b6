import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { listLogEntries } from '@databridge/store';
import {
  exactFacts,
  faultPair,
  killSourceReaders,
  targetFacts,
  targetRows,
  until,
} from '../../../../apps/cli/test/faults/fault-fixtures.ts';
import type { TestDatabase } from '../../../engine/test/support/databases.ts';
import { getExecutionStatus, startExecution } from '../../src/services/executions-service.ts';
import { type ExecutorKind, openHarness, projectFor } from '../support/harness.ts';

const columns = (names: string[]) => names.map((c) => ({ source: c, target: c }));

// MariaDB's KILL of a streaming reader used to leave mysql2's row stream open forever: the execution
// stayed running with its foreign key dropped. Now the task fails transient and the project's retries
// finish it from its checkpoint.
for (const executorKind of ['in-process', 'bullmq'] as ExecutorKind[]) {
  describe(`source connections killed mid-read (mysql -> postgres, ${executorKind})`, () => {
    const dbs: TestDatabase[] = [];
    after(async () => {
      await Promise.allSettled(dbs.map((d) => d.drop()));
    });

    it('the task is retried per the project’s retries and the copy ends exact, its foreign key checked', async () => {
      const h = await openHarness('sqlite', executorKind);
      try {
        const pair = await faultPair('mysql', dbs);
        const project = await projectFor(h.store, pair.source.url, pair.target.url, {
          version: 1,
          name: 'killed-reader',
          pipeline: { batchSize: 500, parallelism: 1 },
          schedule: { retries: { maxRetries: 2, delayMinutes: 0.005 } },
          mappings: [
            { source: 'accounts', target: 'accounts', columns: columns(['id', 'name']) },
            {
              source: 'entries',
              target: 'entries',
              columns: columns(['id', 'account_id', 'memo', 'amount']),
            },
          ],
        });
        const { executionId } = await startExecution(h, { projectId: project.id });
        // Mid-read: MariaDB's stream waits for the target (back-pressure), so the reader is still busy.
        await until(async () => (await targetRows(pair, 'entries')) >= 2_000, 'the first entries');
        await until(
          async () => (await killSourceReaders(pair, 'entries')) > 0,
          'a reading connection to kill',
        );
        const settled = await Promise.race([
          h.executor.settled(executionId).then(() => 'settled'),
          new Promise((r) => setTimeout(r, 90_000, 'hung')),
        ]);
        assert.equal(settled, 'settled', 'the execution went on after its reader was killed');
        const done = await getExecutionStatus(h, executionId);
        assert.equal(done.status, 'completed', JSON.stringify(done.error));
        assert.deepEqual(await targetFacts(pair), exactFacts(pair));
        const logs = (await listLogEntries(h.store, executionId, {})).items.map((e) => e.message);
        assert.ok(
          logs.some((m) => /entries failed with a transient error .*Connection lost/.test(m)),
          `the reading task failed transient and was tried again:\n${logs.join('\n')}`,
        );
      } finally {
        await h.close();
      }
    });
  });
}
