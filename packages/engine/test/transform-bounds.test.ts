import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { planMigration } from '../src/plan/plan-migration.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { freshDatabase, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

// A transformation could once exhaust a server's memory (padLeft to 20,000,000 on every row): every
// parameter is bounded when the spec is read, pads to the target column's length at plan time, and
// a value a transformation would grow past its bound is a rejected row, never a crash.

const CLI = join(import.meta.dirname, '../../../apps/cli/bin/databridge.js');
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const spec = (source: string, target: string, column: string) => `source: { url: "${source}" }
target: { url: "${target}" }
pipeline: { createTables: true, errorPolicy: skip_and_log }
mappings:
  - source: notes
    target: notes_copy
    columns:
      - { source: id, target: id }
      - ${column}
`;

describe('transformation bounds', () => {
  const oversized: [string, string, RegExp][] = [
    [
      'padLeft',
      '{ source: body, target: body, transform: [{ padLeft: { length: 20000000 } }] }',
      /padLeft length is 20,000,000/,
    ],
    [
      'padRight',
      '{ source: body, target: body, transform: [{ padRight: { length: 65536, with: "." } }] }',
      /padRight length is 65,536/,
    ],
    [
      'replacement',
      `{ source: body, target: body, transform: [{ replace: { from: "a", to: "${'b'.repeat(70_000)}" } }] }`,
      /the replacement text is 70,000/,
    ],
    [
      'prefix',
      `{ source: body, target: body, transform: [{ prefix: "${'p'.repeat(65_536)}" }] }`,
      /the prefix is 65,536/,
    ],
    [
      'default',
      `{ source: body, target: body, default: "${'d'.repeat(100_000)}" }`,
      /the default value is 100,000/,
    ],
    ['expression', `{ expression: "'${'e'.repeat(70_000)}'", target: body }`, /the expression is 70,002/],
  ];

  for (const [what, column, size] of oversized) {
    it(`an oversized ${what} is refused when the spec is read, naming the mapping, the column, the limit and the fix`, () => {
      assert.throws(
        () => parseSpec(spec('sqlite:a.sqlite', 'sqlite:b.sqlite', column), 'spec.yaml', {}),
        (error: Error) => {
          assert.match(error.message, /spec\.yaml:\d+ mappings\[0\]\.columns\[1\]/);
          assert.match(error.message, /Mapping notes → notes_copy, column body:/);
          assert.match(error.message, size);
          assert.match(error.message, /over the limit of 65,535; \w+/);
          return true;
        },
      );
    });
  }

  it('`databridge plan` refuses the padLeft of 20,000,000 with exit code 2 and the message, without a stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'databridge-bounds-'));
    const file = join(dir, 'spec.yaml');
    writeFileSync(
      file,
      spec(`sqlite:${join(dir, 'a.sqlite')}`, `sqlite:${join(dir, 'b.sqlite')}`, oversized[0]![1]),
    );
    const result = spawnSync(process.execPath, [CLI, 'plan', file], { encoding: 'utf8' });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /padLeft length is 20,000,000 characters, over the limit of 65,535/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('at plan time a pad longer than the target column is refused with the column’s length', async () => {
    const source = await freshDatabase('sqlite');
    const target = await freshDatabase('postgres');
    databases.push(source, target);
    await rawExec(
      source,
      'sqlite',
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(40)); INSERT INTO notes VALUES (1, 'x');",
    );
    await rawExec(target, 'postgres', 'CREATE TABLE notes_copy (id int PRIMARY KEY, body varchar(20));');
    const loaded = parseSpec(
      spec(
        source.url,
        target.url,
        '{ source: body, target: body, transform: [{ padLeft: { length: 50, with: "0" } }] }',
      ),
      'spec.yaml',
      {},
    );
    await assert.rejects(planMigration(loaded.spec, loaded.lineOf), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'bad_spec');
      assert.match(
        error.message,
        /mappings\[0\]\.columns\[1\]\.transform\[0\]\.padLeft\.length: mapping notes → notes_copy, column body: padLeft length 50 is over the 20 characters the column takes; pad to at most 20/,
      );
      return true;
    });
  });

  it('a value a transformation would grow past its bound is a rejected row with the reason; the other rows load', async () => {
    const source = await freshDatabase('sqlite');
    const target = await freshDatabase('sqlite');
    databases.push(source, target);
    // Row 2 has 1,000 'a': a replace by 100 characters would make it 100,000 characters; row 4's
    // 2,000 would make 200,000, refused before anything that size is built.
    await rawExec(
      source,
      'sqlite',
      `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
       INSERT INTO notes VALUES (1, 'a short note'), (2, '${'a'.repeat(1000)}'), (3, 'bcd'), (4, '${'a'.repeat(2000)}');`,
    );
    const before = process.memoryUsage().heapUsed;
    const summary = await runSpec(
      spec(
        source.url,
        target.url,
        `{ source: body, target: body, transform: [{ replace: { from: "a", to: "${'x'.repeat(100)}" } }] }`,
      ),
    );
    assert.equal(summary.status, 'completed');
    const table = summary.tables[0]!;
    assert.deepEqual([table.rowsWritten, table.rowsRejected], [2, 2]);
    const [second, fourth] = summary.rejectedRows;
    assert.deepEqual([second!.column, fourth!.column], ['body', 'body']);
    assert.match(
      second!.reason,
      /the transformations would make a value of 100,000 characters, over the limit of 65,535/,
    );
    assert.match(
      fourth!.reason,
      /replace would make a value of 200,000 characters, over the limit of 65,535/,
    );
    assert.ok(process.memoryUsage().heapUsed - before < 200 * 1024 * 1024, 'no value of that size was built');
  });
});
