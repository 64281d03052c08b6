import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Connection, openConnection } from '../src/index.ts';
import { runHooks } from '../src/run/hooks.ts';
import { checkRules } from '../src/run/validation-rules.ts';

// What a hook or a rule returns goes into the run's summary (the store, every API answer about the
// execution) and its report: a query returning megabytes must not make them megabytes.
describe('hook output and rule values kept in the summary', () => {
  let db: Connection;
  before(async () => {
    db = await openConnection('sqlite::memory:');
  });
  after(async () => db.close());

  const big = `SELECT printf('%.*c', 2000000, 'x') AS big`;

  it('a hook returning 2 MB keeps at most 2,000 characters of it and says how long it was', async () => {
    const [result] = await runHooks([{ sql: big, on: 'target' }], 'pre', { source: db, target: db });
    assert.equal(result?.ok, true);
    assert.ok(result!.output.length <= 2_100, `output of ${result!.output.length} characters`);
    assert.match(result!.output, /…\(2,000,012 characters in all\)$/);
    const [small] = await runHooks([{ sql: 'SELECT 1 AS one', on: 'target' }], 'pre', {
      source: db,
      target: db,
    });
    assert.equal(small?.output, '[{"one":1}]');
  });

  it('a rule returning 2 MB is failed with a value cut to 1,000 characters', async () => {
    const [result] = await checkRules([{ name: 'huge', sql: big, expect: 0, on: 'target' }], {
      source: db,
      target: db,
    });
    assert.equal(result?.ok, false);
    assert.ok(String(result!.actual).length <= 1_100, `actual of ${String(result!.actual).length}`);
    assert.ok(result!.message.length <= 1_200, `message of ${result!.message.length}`);
    assert.match(result!.message, /2,000,000 characters in all/);
  });
});
