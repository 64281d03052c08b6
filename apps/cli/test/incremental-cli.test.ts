import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  freshDatabase,
  rawExec,
  type TestDatabase,
} from '../../../packages/engine/test/support/databases.ts';
import { cli } from './cli-helpers.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

describe('databridge run and reset-state with an incremental mapping', () => {
  test('the summary and the report show the cursor before and after; reset-state forces a full reload', async () => {
    const source = await freshDatabase('sqlite');
    const target = await freshDatabase('postgres');
    databases.push(source, target);
    await rawExec(
      source,
      'sqlite',
      `CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, changed datetime NOT NULL);
       INSERT INTO items VALUES (1, 'a', '2026-01-01 10:00:00'), (2, 'b', '2026-01-01 11:00:00');`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'databridge-cli-sync-'));
    const specFile = join(dir, 'items.yaml');
    writeFileSync(
      specFile,
      `name: items-sync
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - source: items
    target: items
    sync: { mode: incremental_upsert, cursor: changed }
    columns:
      - { source: id, target: id }
      - { source: name, target: name }
      - { source: changed, target: changed }
`,
    );
    const env = { DATABRIDGE_DATA_DIR: dir };
    const first = await cli(['run', specFile], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      /sync main\.items -> public\.items \(incremental_upsert on changed\): cursor none \(full load\) -> 2026-01-01 11:00:00; 2 read, 2 inserted, 0 updated, 0 deleted/,
    );
    await rawExec(
      source,
      'sqlite',
      "UPDATE items SET name = 'A', changed = '2026-01-02 09:00:00' WHERE id = 1",
    );
    const second = await cli(['run', specFile, '--json'], env);
    assert.equal(second.code, 0, second.stderr);
    const summary = JSON.parse(second.stdout);
    const html = readFileSync(summary.report.html, 'utf8');
    assert.match(html, /<h2>Incremental loads<\/h2>/);
    assert.match(html, /2026-01-01 11:00:00<\/td><td>2026-01-02 09:00:00/);

    const reset = await cli(['reset-state', specFile], env);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(
      reset.stdout,
      /Forgot the cursor of main\.items -> public\.items: its next run is a full load\./,
    );
    const again = await cli(['reset-state', specFile, '--table', 'items'], env);
    assert.match(
      again.stdout,
      /items-sync has no saved cursor for items: its next run is a full load already\./,
    );
    const unknown = await cli(['reset-state', specFile, '--table', 'nope'], env);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /no incremental mapping of items-sync loads “nope”: its incremental mappings are items → items/,
    );

    const full = JSON.parse((await cli(['run', specFile, '--json'], env)).stdout);
    assert.equal(full.sync[0].cursorBefore, null);
    assert.equal(full.sync[0].rowsRead, 2);

    // validate --full compares the whole tables, whatever the runs moved.
    const equal = await cli(['validate', specFile, '--full'], env);
    assert.equal(equal.code, 0, equal.stderr);
    assert.match(
      equal.stdout,
      /public\.items: 2 source rows, 2 target rows, checksum equal: equal\nAll 1 table\(s\) equal\./,
    );
    await rawExec(target, 'postgres', "UPDATE items SET name = 'drifted' WHERE id = 2");
    const differs = await cli(['validate', specFile, '--full'], env);
    assert.equal(differs.code, 1, differs.stderr);
    assert.match(differs.stdout, /checksum DIFFERENT: checksum of the copied columns differs/);
    await rawExec(target, 'postgres', 'DELETE FROM items WHERE id = 2');
    const counts = await cli(['validate', specFile], env);
    assert.equal(counts.code, 1);
    assert.match(
      counts.stdout,
      /public\.items: 2 source rows, 1 target rows, checksum skipped: checksum validation is off: target holds 1 rows, expected 2 .*1 missing/,
    );
  });
});
