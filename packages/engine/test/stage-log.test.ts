import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RunLog, type RunLogEntry } from '../src/run/run-log.ts';
import { logStageStatus } from '../src/run/stage-log.ts';

describe('the log line of a stage’s status', () => {
  const dir = mkdtempSync(join(tmpdir(), 'databridge-stage-log-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('starts and ends are info, a failure is an error, waiting is not written', () => {
    const seen: RunLogEntry[] = [];
    const log = new RunLog(join(dir, 'run.log'), 'debug', (e) => seen.push(e));
    logStageStatus(log, 'extract', 'running');
    logStageStatus(log, 'extract', 'completed');
    logStageStatus(log, 'load_facts', 'skipped');
    logStageStatus(log, 'validate', 'queued');
    logStageStatus(log, 'validate', 'pending');
    logStageStatus(log, 'validate', 'failed');
    assert.deepEqual(
      seen.map((e) => [e.level, e.message, e.fields.stage]),
      [
        ['info', 'stage extract running', 'extract'],
        ['info', 'stage extract completed', 'extract'],
        ['info', 'stage load_facts skipped', 'load_facts'],
        ['error', 'stage validate failed', 'validate'],
      ],
    );
    assert.equal(readFileSync(log.file, 'utf8').trim().split('\n').length, 4, 'the file has the same lines');
  });
});
