import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { freshDatabase, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

/**
 * When no foreign key is checked while rows load (the default `after_load` on empty tables), a child
 * table need not wait for its parent's slowest task: a freed task slot takes the child's rows at once,
 * as pgloader loads both at the same time. When a key is checked row by row, parents still come first.
 * The target's statement triggers log when each batch arrived; the parent's also sleep, so that its
 * long key range is still loading when its short one is done.
 */
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function setUp() {
  const source = await freshDatabase('sqlite');
  const target = await freshDatabase('postgres');
  databases.push(source, target);
  // Parent keys 1..500 and 10001..10100: split in two key ranges, one of 500 rows and one of 100.
  const parents = [
    ...Array.from({ length: 500 }, (_, i) => i + 1),
    ...Array.from({ length: 100 }, (_, i) => 10_001 + i),
  ].map((id) => `(${id}, 'parent ${id}')`);
  const children = Array.from({ length: 800 }, (_, i) => `(${i + 1}, ${(i % 500) + 1})`);
  await rawExec(
    source,
    'sqlite',
    `CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
     CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL);
     INSERT INTO parent VALUES ${parents.join(', ')};
     INSERT INTO child VALUES ${children.join(', ')};`,
  );
  await rawExec(
    target,
    'postgres',
    `CREATE TABLE parent (id bigint PRIMARY KEY, name text NOT NULL);
     CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint NOT NULL REFERENCES parent (id));
     CREATE TABLE load_log (tbl text, at timestamptz);
     CREATE FUNCTION log_batch() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO load_log VALUES (TG_TABLE_NAME, clock_timestamp());
       IF TG_TABLE_NAME = 'parent' THEN PERFORM pg_sleep(0.3); END IF;
       RETURN NULL;
     END $$;
     CREATE TRIGGER parent_log AFTER INSERT ON parent FOR EACH STATEMENT EXECUTE FUNCTION log_batch();
     CREATE TRIGGER child_log AFTER INSERT ON child FOR EACH STATEMENT EXECUTE FUNCTION log_batch();`,
  );
  return { source, target };
}

function spec(source: TestDatabase, target: TestDatabase, pipeline = '') {
  return `name: overlap
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { batchSize: 100, parallelism: 2${pipeline ? `, ${pipeline}` : ''} }
mappings:
  - { source: parent, target: parent, columns: [{ source: id, target: id }, { source: name, target: name }] }
  - { source: child, target: child, columns: [{ source: id, target: id }, { source: parent_id, target: parent_id }] }
`;
}

/** When the child's first batch and the parent's last batch arrived. */
async function timeline(target: TestDatabase) {
  const [row] = (await rawExec(
    target,
    'postgres',
    `SELECT (SELECT min(at) FROM load_log WHERE tbl = 'child') AS child_first,
            (SELECT max(at) FROM load_log WHERE tbl = 'parent') AS parent_last`,
  )) as { child_first: Date; parent_last: Date }[];
  return { childFirst: row!.child_first.getTime(), parentLast: row!.parent_last.getTime() };
}

describe('load levels', () => {
  test('with foreign keys checked after the load, children load while the parent is still loading', async () => {
    const { source, target } = await setUp();
    const summary = await runSpec(spec(source, target));
    assert.equal(summary.status, 'completed', JSON.stringify(summary.error));
    assert.deepEqual(
      summary.tables.map((t) => t.rowsWritten),
      [600, 800],
    );
    const { childFirst, parentLast } = await timeline(target);
    assert.ok(
      childFirst < parentLast,
      `the child's first batch came ${childFirst - parentLast} ms after the parent's last one`,
    );
    const [fk] = (await rawExec(
      target,
      'postgres',
      `SELECT convalidated FROM pg_constraint WHERE conrelid = 'child'::regclass AND contype = 'f'`,
    )) as { convalidated: boolean }[];
    assert.equal(fk?.convalidated, true, 'the foreign key is back and checked');
  });

  test('with foreign keys checked row by row, every parent row is in before the first child row', async () => {
    const { source, target } = await setUp();
    const summary = await runSpec(spec(source, target, 'foreignKeyCheck: per_row'));
    assert.equal(summary.status, 'completed', JSON.stringify(summary.error));
    const { childFirst, parentLast } = await timeline(target);
    assert.ok(childFirst > parentLast, `the child's first batch came before the parent's last one`);
  });
});
