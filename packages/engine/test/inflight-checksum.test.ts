import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freshDatabase, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec, runSpecPausedAt } from './support/run-spec.ts';

/**
 * From another database into PostgreSQL, the load tasks sum the source rows as they read them and
 * commit the running sum with each checkpoint; the validate stage compares that with PostgreSQL's
 * own sum of the target instead of reading the whole source a second time.
 */
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const ROWS = 40_000;

async function setUp() {
  const source = await freshDatabase('sqlite');
  const target = await freshDatabase('postgres');
  databases.push(source, target);
  await rawExec(
    source,
    'sqlite',
    `CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT, price NUMERIC, seen TEXT, flag INTEGER);
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
     INSERT INTO item SELECT i, 'item ' || i || CASE WHEN i % 7 = 0 THEN ' é, "q"' ELSE '' END,
       (i % 1000) / 100.0, '2024-01-' || printf('%02d', i % 28 + 1) || ' 10:00:00',
       CASE WHEN i % 5 = 0 THEN NULL ELSE i % 2 END FROM n;`,
  );
  await rawExec(
    target,
    'postgres',
    'CREATE TABLE item (id bigint PRIMARY KEY, label text, price numeric(10,2), seen timestamp, flag boolean)',
  );
  return { source, target };
}

function spec(source: TestDatabase, target: TestDatabase, extra = '') {
  return `name: inflight
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline:
  batchSize: 500
  parallelism: 3
${extra}
mappings:
  - source: item
    target: item
    columns:
      - { source: id, target: id }
      - { source: label, target: label }
      - { source: price, target: price }
      - { source: seen, target: seen }
      - { source: flag, target: flag }
`;
}

describe('source checksum summed while loading', () => {
  test('validation compares the rows as read with the target: a later change to the source does not count, one to the target does', async () => {
    const { source, target } = await setUp();
    // After the load, change the source: the checksum certifies what was read and loaded, so a
    // second read of the source would be the only way for this to fail validation.
    const summary = await runSpec(
      spec(
        source,
        target,
        `  hooks: { post: [{ name: later-write, on: source, sql: "UPDATE item SET label = 'changed' WHERE id = 5" }] }`,
      ),
    );
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    const checksum = summary.validation[0]!.checksum;
    assert.ok('matches' in checksum && checksum.matches, JSON.stringify(checksum));
    assert.match(checksum.source, new RegExp(`^${ROWS}:`));

    const { source: source2, target: target2 } = await setUp();
    const tampered = await runSpec(
      spec(
        source2,
        target2,
        `  hooks: { post: [{ name: tamper, on: target, sql: "UPDATE item SET price = price + 0.01 WHERE id = 5" }] }`,
      ),
    );
    assert.equal(tampered.status, 'failed');
    assert.match(tampered.error!.message, /public\.item: checksum of the copied columns differs/);
  });

  test('a paused and resumed run carries the sum through its checkpoints and still matches', async () => {
    const { source, target } = await setUp();
    const stateDir = mkdtempSync(join(tmpdir(), 'databridge-inflight-'));
    const paused = await runSpecPausedAt(spec(source, target), target, 'item', 5_000, stateDir);
    assert.equal(paused.status, 'paused');
    const loaded = paused.totals.rowsWritten;
    assert.ok(loaded > 0 && loaded < ROWS, `paused part way (${loaded} rows)`);

    const resumed = await runSpec(spec(source, target), {}, { stateDir, resumeRunId: paused.runId });
    assert.equal(resumed.status, 'completed', resumed.error?.message ?? '');
    const checksum = resumed.validation[0]!.checksum;
    assert.ok('matches' in checksum && checksum.matches, JSON.stringify(checksum));
    assert.match(checksum.source, new RegExp(`^${ROWS}:`));
    assert.match(
      readFileSync(resumed.log, 'utf8'),
      /source checksum of public\.item from the rows read during the load/,
    );
  });
});
