import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { RunState } from '../src/run/run-state.ts';

test('a state file written before hooks existed is upgraded in place and keeps its runs', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'databridge-state-')), 'state.sqlite');
  const old = new Database(file);
  old.exec(`CREATE TABLE runs (id TEXT PRIMARY KEY, spec_name TEXT NOT NULL, spec_hash TEXT NOT NULL, status TEXT NOT NULL,
      started_at TEXT NOT NULL, ended_at TEXT, target_before TEXT NOT NULL DEFAULT '{}', summary TEXT);
    CREATE TABLE tasks (run_id TEXT NOT NULL, task_id TEXT NOT NULL, mapping_id TEXT NOT NULL, range_json TEXT, PRIMARY KEY (run_id, task_id));
    INSERT INTO runs VALUES ('old-run', 'chinook', 'abc', 'failed', '2026-11-01T00:00:00Z', NULL, '{"public.artist":0}', NULL);
    INSERT INTO tasks VALUES ('old-run', 'm1', 'm1', NULL);`);
  old.close();
  const state = new RunState(file);
  try {
    assert.deepEqual(state.getRun('old-run')?.targetBefore, { 'public.artist': 0 });
    assert.deepEqual(state.tasks('old-run'), [{ id: 'm1', mappingId: 'm1', range: null }]);
    assert.equal(state.preHooksDone('old-run'), false);
    state.markPreHooksDone('old-run');
    assert.equal(state.preHooksDone('old-run'), true);
  } finally {
    state.close();
  }
  const again = new RunState(file);
  assert.equal(again.preHooksDone('old-run'), true, 'opening twice migrates once');
  again.close();
});
