import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type RunProgress, totals } from '../src/run/progress.ts';

test('a run in one process: rows this attempt wrote per second of its load stages (docs/throughput.md)', () => {
  const table = {
    source: 's',
    target: 't',
    rowsTotal: 10_000,
    rowsTotalIsEstimate: false,
    rowsRead: 0,
    rowsRejected: 0,
    readMs: 0,
    writeMs: 0,
    startedAt: 0,
    endedAt: null,
    status: 'completed' as const,
  };
  const progress: RunProgress = {
    runId: 'r',
    startedAt: 0,
    stages: [
      // Extract took a minute: not load time.
      { id: 'extract', status: 'completed', startedAt: 0, endedAt: 60_000 },
      { id: 'load_dimensions', status: 'completed', startedAt: 60_000, endedAt: 62_000 },
      { id: 'load_facts', status: 'completed', startedAt: 62_000, endedAt: 64_000 },
      { id: 'validate', status: 'completed', startedAt: 64_000, endedAt: 90_000 },
    ],
    tables: [
      // A --resume: 6,000 rows were committed by the earlier attempt.
      { ...table, mappingId: 'm1', stage: 'load_dimensions', rowsWritten: 5000, rowsWrittenBefore: 4000 },
      { ...table, mappingId: 'm2', stage: 'load_facts', rowsWritten: 5000, rowsWrittenBefore: 2000 },
    ],
  };
  const t = totals(progress);
  assert.equal(t.done, 10_000);
  assert.equal(t.rowsPerSecond, 1000, '4,000 rows of this attempt in 4 s of loading');
});
