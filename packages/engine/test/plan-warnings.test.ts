import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DataBridgeError } from '../src/errors.ts';
import { groupWarnings } from '../src/plan/group-warnings.ts';
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
    `CREATE TABLE src (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, amount NUMERIC(12,4), photo BLOB, big INTEGER);
    WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 50) INSERT INTO src SELECT x, 'n' || x, NULL, x, NULL, x FROM g;
    UPDATE src SET name = 'too long', big = 5000000000 WHERE id = 50;`,
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
    // Measured on the source: the one name of 8 characters, not every row.
    assert.match(
      by('type_compatibility', 'name')!.message,
      /: 1 source row\(s\) hold such a value \(measured\)/,
    );
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

  test('a type warning is raised only when source values do not fit, with their count', async () => {
    const { source, target } = await setUp();
    const { spec: s, lineOf } = spec(source, target, `${COLUMNS}      - { source: big, target: flag }\n`);
    const plan = await planMigration(s, lineOf);
    const types = plan.warnings.filter((w) => w.kind === 'type_compatibility');
    // SQLite's INTEGER (int64) into int: every id fits, so no warning; one big value does not.
    assert.ok(!types.some((w) => w.column === 'id'), JSON.stringify(types));
    const flag = types.find((w) => w.column === 'flag');
    assert.match(flag?.message ?? '', /int64 values may overflow int32: 1 source row\(s\) hold such a value/);
    await rawExec(source, 'sqlite', 'UPDATE src SET big = 1 WHERE id = 50');
    const fitting = await planMigration(s, lineOf);
    assert.ok(!fitting.warnings.some((w) => w.column === 'flag'), JSON.stringify(fitting.warnings));
  });

  test('warnings of one kind and fix on many columns collapse into one line; a lone one stays whole', async () => {
    const source = await freshDatabase('sqlite');
    const target = await freshDatabase('postgres');
    databases.push(source, target);
    await rawExec(
      source,
      'sqlite',
      `CREATE TABLE wide (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT, d TEXT);
       INSERT INTO wide VALUES (1, 'long a', 'long b', 'long c', 'long d');`,
    );
    await rawExec(
      target,
      'postgres',
      'CREATE TABLE narrow (id int PRIMARY KEY, a varchar(3), b varchar(3), c varchar(3), d varchar(3), e text NOT NULL)',
    );
    const { spec: s, lineOf } = parseSpec(`source: { url: "${source.url}" }
target: { url: "${target.url}" }
mappings:
  - source: wide
    target: narrow
    columns: [{ source: id, target: id }, { source: a, target: a }, { source: b, target: b }, { source: c, target: c }, { source: d, target: d }, { source: a, target: e }]
`);
    const plan = await planMigration(s, lineOf);
    const groups = groupWarnings(plan.warnings);
    const types = groups.filter((g) => g.kind === 'type_compatibility');
    assert.equal(types.length, 1, JSON.stringify(groups, null, 1));
    assert.equal(types[0]!.warnings.length, 4);
    assert.match(
      types[0]!.summary,
      /^4 columns \(public\.narrow\.a, public\.narrow\.b, public\.narrow\.c, public\.narrow\.d\), e\.g\. public\.narrow\.a: /,
    );
    const nulls = groups.filter((g) => g.kind === 'null_constraint');
    assert.equal(nulls.length, 1);
    assert.match(nulls[0]!.summary, /^public\.narrow\.e: wide\.a may be NULL/);
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
