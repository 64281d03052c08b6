import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DataBridgeError } from '../src/errors.ts';
import { planMigration } from '../src/plan/plan-migration.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { freshDatabase, rawExec, type TestDatabase } from './support/databases.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function setUp() {
  const source = await freshDatabase('sqlite');
  const target = await freshDatabase('postgres');
  databases.push(source, target);
  await rawExec(
    source,
    'sqlite',
    `CREATE TABLE src (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, amount NUMERIC(12,4), photo BLOB);
    WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 50) INSERT INTO src SELECT x, 'n' || x, NULL, x, NULL FROM g;`,
  );
  await rawExec(
    target,
    'postgres',
    `CREATE TABLE dst (id int PRIMARY KEY, name varchar(5) NOT NULL, note text NOT NULL, amount numeric(8,2),
      unmapped text, required text NOT NULL DEFAULT 'x', flag int);
    INSERT INTO dst (id, name, note) VALUES (1, 'a', 'b'), (2, 'a', 'b'), (3, 'a', 'b');`,
  );
  return { source, target };
}

const spec = (source: TestDatabase, target: TestDatabase, columns: string, extra = '') =>
  parseSpec(`source: { url: "${source.url}" }
target: { url: "${target.url}" }
${extra}
mappings:
  - source: src
    target: dst
    columns:
${columns}`);

const COLUMNS = `      - { source: id, target: id }
      - { source: name, target: name }
      - { source: note, target: note }
      - { source: amount, target: amount }
`;

describe('plan warnings name the table, the column and what to do', () => {
  test('type compatibility, null constraints, measured key conflicts and schema mismatches', async () => {
    const { source, target } = await setUp();
    const { spec: s, lineOf } = spec(source, target, COLUMNS);
    const plan = await planMigration(s, lineOf);
    const by = (kind: string, column?: string) =>
      plan.warnings.find((w) => w.kind === kind && (column === undefined || w.column === column));
    assert.match(by('type_compatibility', 'name')!.message, /longer than 5 characters/);
    assert.match(by('type_compatibility', 'amount')!.message, /decimals|digits/);
    assert.match(by('null_constraint', 'note')!.message, /may be NULL but note is NOT NULL/);
    const conflict = by('primary_key_conflict')!;
    assert.equal(conflict.table, 'public.dst');
    assert.match(
      conflict.message,
      /holds 3 rows with keys 1\.\.3, and 3 source rows have keys in that range/,
    );
    assert.match(by('schema_mismatch', 'unmapped')!.message, /not mapped and will get NULL/);
    assert.match(by('schema_mismatch', 'required')!.message, /its default/);
    for (const w of plan.warnings) {
      assert.ok(w.table && w.message && w.fix, JSON.stringify(w));
    }
  });

  test('an unmapped NOT NULL column without a default, and a type that cannot convert, are plan errors naming the line', async () => {
    const { source, target } = await setUp();
    await rawExec(
      target,
      'postgres',
      "ALTER TABLE dst ADD COLUMN must text NOT NULL DEFAULT 'x'; ALTER TABLE dst ALTER COLUMN must DROP DEFAULT",
    );
    const missing = spec(source, target, COLUMNS);
    await assert.rejects(planMigration(missing.spec, missing.lineOf), (e: unknown) => {
      assert.ok(e instanceof DataBridgeError && e.code === 'bad_spec');
      assert.match(e.message, /"must" of public\.dst is NOT NULL without a default and not mapped/);
      return true;
    });
    await rawExec(target, 'postgres', 'ALTER TABLE dst DROP COLUMN must');
    const incompatible = spec(source, target, `${COLUMNS}      - { source: photo, target: flag }\n`);
    await assert.rejects(planMigration(incompatible.spec, incompatible.lineOf), (e: unknown) => {
      assert.ok(e instanceof DataBridgeError && e.code === 'bad_spec');
      assert.match(
        e.message,
        /spec:\d+ mappings\[0\]\.columns\[4\]: src\.photo \(BLOB\) cannot go into dst\.flag \(integer\)/,
      );
      return true;
    });
    const relaxed = spec(
      source,
      target,
      `${COLUMNS}      - { source: photo, target: flag }\n`,
      'pipeline: { validation: { schema: false } }',
    );
    const plan = await planMigration(relaxed.spec, relaxed.lineOf);
    assert.ok(plan.warnings.some((w) => w.kind === 'type_compatibility' && w.column === 'flag'));
  });
});
