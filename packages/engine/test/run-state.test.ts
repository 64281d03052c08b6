import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteRunState } from '../src/sqlite/sqlite-run-state.ts';

test('a state file written before hooks existed is upgraded in place and keeps its runs', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'databridge-state-')), 'state.sqlite');
  const old = new Database(file);
  old.exec(`CREATE TABLE runs (id TEXT PRIMARY KEY, spec_name TEXT NOT NULL, spec_hash TEXT NOT NULL, status TEXT NOT NULL,
      started_at TEXT NOT NULL, ended_at TEXT, target_before TEXT NOT NULL DEFAULT '{}', summary TEXT);
    CREATE TABLE tasks (run_id TEXT NOT NULL, task_id TEXT NOT NULL, mapping_id TEXT NOT NULL, range_json TEXT, PRIMARY KEY (run_id, task_id));
    INSERT INTO runs VALUES ('old-run', 'chinook', 'abc', 'failed', '2026-11-01T00:00:00Z', NULL, '{"public.artist":0}', NULL);
    INSERT INTO tasks VALUES ('old-run', 'm1', 'm1', NULL);`);
  old.close();
  const state = new SqliteRunState(file);
  try {
    assert.deepEqual((await state.getRun('old-run'))?.targetBefore, { 'public.artist': 0 });
    assert.deepEqual(await state.tasks('old-run'), [{ id: 'm1', mappingId: 'm1', range: null }]);
    assert.equal((await state.getRun('old-run'))?.preHooksDone, false);
    await state.markPreHooksDone('old-run');
    assert.equal((await state.getRun('old-run'))?.preHooksDone, true);
  } finally {
    state.close();
  }
  const again = new SqliteRunState(file);
  assert.equal((await again.getRun('old-run'))?.preHooksDone, true, 'opening twice migrates once');
  again.close();
});
