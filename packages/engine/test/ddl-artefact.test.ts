import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CHINOOK_SQLITE } from './support/chinook.ts';
import { runSpec } from './support/run-spec.ts';

const DEMO = join(CHINOOK_SQLITE, '../../../examples/demo-chinook-sqlite.yaml');

test('the DDL a run executed is kept beside its report (ddl.sql), in the order it ran', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'databridge-ddl-'));
  try {
    const summary = await runSpec(
      readFileSync(DEMO, 'utf8'),
      { DATABRIDGE_DEMO_SOURCE: CHINOOK_SQLITE, DATABRIDGE_DEMO_TARGET: join(dir, 'target.sqlite') },
      { stateDir: dir },
    );
    assert.equal(summary.status, 'completed');
    const ddl = readFileSync(join(dir, 'reports', summary.runId, 'ddl.sql'), 'utf8');
    assert.match(ddl, /^-- DDL of run /);
    assert.match(ddl, /CREATE TABLE "main"."album"/);
    assert.ok(ddl.indexOf('-- before the load') < ddl.indexOf('-- after the load'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
