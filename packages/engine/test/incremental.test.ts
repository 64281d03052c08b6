import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunSummary, SyncSummary } from '../src/run/run-summary.ts';
import { SqliteRunState } from '../src/sqlite/sqlite-run-state.ts';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';
import { runSpec, runSpecPausedAt } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function fresh(dialect: TestDialect): Promise<TestDatabase> {
  const db = await freshDatabase(dialect);
  databases.push(db);
  return db;
}

const TIMESTAMP: Record<TestDialect, string> = {
  postgres: 'timestamp',
  mysql: 'datetime',
  sqlite: 'datetime',
};

/** `2026-01-01 00:00:00` plus `seconds`, as every database takes it. */
function at(seconds: number): string {
  return new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

async function createOrders(db: TestDatabase, dialect: TestDialect, rows: number): Promise<void> {
  await rawExec(
    db,
    dialect,
    `CREATE TABLE orders (id integer PRIMARY KEY, customer varchar(40) NOT NULL, amount integer NOT NULL, updated_at ${TIMESTAMP[dialect]})`,
  );
  // Rows 90 to 110 share one cursor value, across the boundary of the 100-row batches.
  const values = Array.from({ length: rows }, (_, i) => {
    const id = i + 1;
    const when = id >= 90 && id <= 110 ? at(90) : at(id);
    return `(${id}, 'customer ${id}', ${id * 10}, '${when}')`;
  });
  await rawExec(db, dialect, `INSERT INTO orders VALUES ${values.join(', ')}`);
}

function specFor(source: TestDatabase, target: TestDatabase, sync: string, name = 'orders-sync'): string {
  return `name: ${name}
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true, batchSize: 100, parallelism: 2 }
mappings:
  - source: orders
    target: orders
    sync: ${sync}
    columns:
      - { source: id, target: id }
      - { source: customer, target: customer }
      - { source: amount, target: amount }
      - { source: updated_at, target: updated_at }
`;
}

async function rowsOf(db: TestDatabase, dialect: TestDialect): Promise<string[]> {
  const rows = (await rawExec(db, dialect, 'SELECT id, customer, amount FROM orders ORDER BY id')) as {
    id: number;
    customer: string;
    amount: number;
  }[];
  return rows.map((r) => `${r.id}|${r.customer}|${r.amount}`);
}

function syncOf(summary: RunSummary): SyncSummary {
  assert.equal(summary.status, 'completed', summary.error?.message ?? '');
  assert.equal(summary.sync?.length, 1);
  return summary.sync![0]!;
}

const sources: TestDialect[] = ['postgres', 'mysql', 'sqlite'];

describe('incremental loads into PostgreSQL', () => {
  for (const dialect of sources) {
    test(`${dialect}: three runs with inserts, updates and deletes between them read only what changed`, async () => {
      const source = await fresh(dialect);
      const target = await fresh('postgres');
      await createOrders(source, dialect, 250);
      const stateDir = mkdtempSync(join(tmpdir(), 'databridge-incremental-'));
      const spec = specFor(
        source,
        target,
        '{ mode: incremental_upsert, cursor: updated_at, deletes: { compareKeys: true } }',
      );

      const first = syncOf(await runSpec(spec, {}, { stateDir }));
      assert.equal(first.cursorBefore, null, 'the first run is a full load');
      assert.equal(first.cursorAfter, at(250));
      assert.equal(first.rowsRead, 250, 'equal cursor values across a batch boundary all arrive');
      assert.equal(first.inserted, 250);
      assert.deepEqual(await rowsOf(target, 'postgres'), await rowsOf(source, dialect));

      // Two updates, two inserts (one sharing the last cursor value), one delete.
      await rawExec(
        source,
        dialect,
        `UPDATE orders SET amount = 1, updated_at = '${at(300)}' WHERE id IN (5, 120)`,
      );
      await rawExec(
        source,
        dialect,
        `INSERT INTO orders VALUES (251, 'late twin', 7, '${at(250)}'), (252, 'new', 8, '${at(301)}')`,
      );
      await rawExec(source, dialect, 'DELETE FROM orders WHERE id = 17');
      const second = syncOf(await runSpec(spec, {}, { stateDir }));
      assert.equal(second.cursorBefore, at(250));
      assert.equal(second.cursorAfter, at(301));
      // Rows 250 and 251 share the last value: re-read, and matched on the key.
      assert.equal(second.rowsRead, 5);
      assert.deepEqual(
        { inserted: second.inserted, updated: second.updated, deleted: second.deleted },
        { inserted: 2, updated: 3, deleted: 1 },
      );
      assert.match(second.checksum ?? '', /^-?\d+$/, 'a checksum of the five rows moved');
      assert.deepEqual(await rowsOf(target, 'postgres'), await rowsOf(source, dialect));

      await rawExec(
        source,
        dialect,
        `UPDATE orders SET customer = 'renamed', updated_at = '${at(400)}' WHERE id = 1`,
      );
      await rawExec(source, dialect, 'DELETE FROM orders WHERE id IN (2, 3)');
      const third = syncOf(await runSpec(spec, {}, { stateDir }));
      assert.equal(third.cursorBefore, at(301));
      assert.equal(third.rowsRead, 2, 'the boundary row and the one changed');
      assert.deepEqual(
        { inserted: third.inserted, updated: third.updated, deleted: third.deleted },
        { inserted: 0, updated: 2, deleted: 2 },
      );
      assert.deepEqual(await rowsOf(target, 'postgres'), await rowsOf(source, dialect));

      // Nothing changed: the boundary row alone.
      const quiet = syncOf(await runSpec(spec, {}, { stateDir }));
      assert.equal(quiet.rowsRead, 1);
      assert.equal(quiet.cursorAfter, at(400));
    });
  }

  test('a late row inside the lookback window is picked up; one older than the window is not', async () => {
    const source = await fresh('postgres');
    const target = await fresh('postgres');
    await createOrders(source, 'postgres', 120);
    const stateDir = mkdtempSync(join(tmpdir(), 'databridge-incremental-'));
    const spec = specFor(
      source,
      target,
      '{ mode: incremental_upsert, cursor: updated_at, lookbackSeconds: 60 }',
    );
    syncOf(await runSpec(spec, {}, { stateDir }));
    // Committed after the run, stamped before its end: 30 s inside the window, 90 s outside it.
    await rawExec(
      source,
      'postgres',
      `INSERT INTO orders VALUES (500, 'inside', 1, '${at(120 - 30)}'), (501, 'outside', 1, '${at(120 - 90)}')`,
    );
    const second = syncOf(await runSpec(spec, {}, { stateDir }));
    assert.equal(second.cursorBefore, at(120));
    const ids = (await rawExec(target, 'postgres', 'SELECT id FROM orders WHERE id >= 500')) as {
      id: number;
    }[];
    assert.deepEqual(
      ids.map((r) => r.id),
      [500],
    );
    // Rows 60 to 120 are re-read (21 of them share 90), and matched on their key.
    assert.equal(second.rowsRead, 62);
    assert.equal(second.inserted, 1);
  });

  test('an append reads only rows past the cursor; reset state makes the next run a full reload', async () => {
    const source = await fresh('sqlite');
    const target = await fresh('postgres');
    await createOrders(source, 'sqlite', 150);
    const stateDir = mkdtempSync(join(tmpdir(), 'databridge-incremental-'));
    const spec = specFor(source, target, '{ mode: incremental_append, cursor: id }', 'append-sync');
    assert.equal(syncOf(await runSpec(spec, {}, { stateDir })).rowsRead, 150);
    await rawExec(source, 'sqlite', `INSERT INTO orders VALUES (151, 'new', 1, '${at(151)}')`);
    const second = syncOf(await runSpec(spec, {}, { stateDir }));
    assert.deepEqual([second.cursorBefore, second.cursorAfter, second.rowsRead], [150, 151, 1]);

    const state = new SqliteRunState(join(stateDir, 'state.sqlite'));
    try {
      assert.deepEqual(state.resetCursors('append-sync'), ['main.orders -> public.orders']);
    } finally {
      state.close();
    }
    await rawExec(target, 'postgres', 'TRUNCATE orders');
    const reloaded = syncOf(await runSpec(spec, {}, { stateDir }));
    assert.equal(reloaded.cursorBefore, null);
    assert.equal(reloaded.rowsRead, 151);
    assert.deepEqual(await rowsOf(target, 'postgres'), await rowsOf(source, 'sqlite'));
  });
});

describe('overlapping runs of one spec', () => {
  test('a run that ends after a newer one leaves the newer cursor in place', async () => {
    const source = await fresh('postgres');
    const target = await fresh('postgres');
    await createOrders(source, 'postgres', 100);
    const stateDir = mkdtempSync(join(tmpdir(), 'databridge-incremental-'));
    const spec = specFor(source, target, '{ mode: incremental_upsert, cursor: updated_at }');
    syncOf(await runSpec(spec, {}, { stateDir }));
    await rawExec(
      source,
      'postgres',
      `INSERT INTO orders SELECT 1000 + g, 'later ' || g, g, timestamp '2026-01-01' + (200 + g) * interval '1 second'
       FROM generate_series(1, 20000) g`,
    );
    // Run A: its window ends at the newest of these rows; paused part-way.
    const paused = await runSpecPausedAt(spec, target, 'orders', 1_000, stateDir);
    assert.equal(paused.status, 'paused');
    // Run B, started and finished meanwhile, reaches further.
    await rawExec(source, 'postgres', `INSERT INTO orders VALUES (99999, 'newest', 1, '${at(40_000)}')`);
    const newer = syncOf(await runSpec(spec, {}, { stateDir }));
    assert.equal(newer.cursorAfter, at(40_000));
    // Run A ends last: its older window must not take the cursor back.
    const older = await runSpec(spec, {}, { stateDir, resumeRunId: paused.runId });
    assert.equal(older.status, 'completed', older.error?.message ?? '');
    const state = new SqliteRunState(join(stateDir, 'state.sqlite'));
    try {
      const saved = await state.savedCursors('', 'orders-sync');
      assert.equal(saved['public.orders -> public.orders']?.value, at(40_000));
    } finally {
      state.close();
    }
  });
});

describe('schema drift between incremental runs', () => {
  test('added and dropped source columns are reported; a mapped column that changed type stops the run', async () => {
    const source = await fresh('postgres');
    const target = await fresh('postgres');
    await createOrders(source, 'postgres', 10);
    await rawExec(source, 'postgres', 'ALTER TABLE orders ADD COLUMN extra text');
    const stateDir = mkdtempSync(join(tmpdir(), 'databridge-incremental-'));
    const spec = specFor(source, target, '{ mode: incremental_upsert, cursor: updated_at }');
    syncOf(await runSpec(spec, {}, { stateDir }));
    await rawExec(
      source,
      'postgres',
      'ALTER TABLE orders DROP COLUMN extra; ALTER TABLE orders ADD COLUMN note text',
    );
    const second = await runSpec(spec, {}, { stateDir });
    syncOf(second);
    const drift = second.warnings.filter((w) => w.kind === 'schema_mismatch').map((w) => w.message);
    assert.equal(drift.length, 2, JSON.stringify(drift));
    assert.match(drift[0]!, /^source column orders\.note \(text\) was added since run \S+$/);
    assert.match(drift[1]!, /^source column orders\.extra was dropped since run \S+$/);

    await rawExec(source, 'postgres', 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint');
    await assert.rejects(
      runSpec(spec, {}, { stateDir }),
      /mappings\[0\]: source column orders\.amount changed type from integer to bigint since run \S+; the mapping stops rather than load converted values/,
    );
  });
});

describe('a column added at the source with sync.addColumns', () => {
  test('is added to the target, filled by a full reload, then kept up to date incrementally', async () => {
    const source = await fresh('mysql');
    const target = await fresh('postgres');
    await createOrders(source, 'mysql', 30);
    const stateDir = mkdtempSync(join(tmpdir(), 'databridge-incremental-'));
    const spec = specFor(
      source,
      target,
      '{ mode: incremental_upsert, cursor: updated_at, addColumns: true }',
    );
    assert.equal(syncOf(await runSpec(spec, {}, { stateDir })).rowsRead, 30);
    await rawExec(
      source,
      'mysql',
      "ALTER TABLE orders ADD COLUMN note varchar(20); UPDATE orders SET note = concat('n', id)",
    );
    const reloaded = await runSpec(spec, {}, { stateDir });
    assert.equal(syncOf(reloaded).rowsRead, 30, 'every row, so none keeps a NULL note');
    assert.match(
      reloaded.warnings.map((w) => w.message).join('\n'),
      /source column orders\.note \(varchar\(20\)\) was added since run \S+: added to the target as varchar\(20\) and copied; this run reloads the table in full/,
    );
    const notes = async () =>
      (
        (await rawExec(target, 'postgres', 'SELECT note FROM orders ORDER BY id')) as {
          note: string | null;
        }[]
      ).map((r) => r.note);
    assert.deepEqual(
      await notes(),
      Array.from({ length: 30 }, (_, i) => `n${i + 1}`),
    );
    await rawExec(
      source,
      'mysql',
      `UPDATE orders SET note = 'edited', updated_at = '${at(500)}' WHERE id = 3`,
    );
    const next = syncOf(await runSpec(spec, {}, { stateDir }));
    assert.equal(next.rowsRead, 2, 'the boundary row and the edited one');
    assert.equal((await notes())[2], 'edited');
  });
});

describe('soft deletes', () => {
  test('a soft-delete column is copied like any other and its rows are counted', async () => {
    const source = await fresh('mysql');
    const target = await fresh('postgres');
    await rawExec(
      source,
      'mysql',
      `CREATE TABLE orders (id int PRIMARY KEY, customer varchar(40) NOT NULL, amount int NOT NULL, updated_at datetime, deleted_at datetime);
       INSERT INTO orders VALUES (1, 'a', 1, '${at(1)}', NULL), (2, 'b', 2, '${at(2)}', NULL), (3, 'c', 3, '${at(3)}', NULL);`,
    );
    const stateDir = mkdtempSync(join(tmpdir(), 'databridge-incremental-'));
    const spec = specFor(
      source,
      target,
      '{ mode: incremental_upsert, cursor: updated_at, deletes: { softDeleteColumn: deleted_at } }',
    ).replace(
      '      - { source: updated_at, target: updated_at }\n',
      '      - { source: updated_at, target: updated_at }\n      - { source: deleted_at, target: deleted_at }\n',
    );
    assert.equal(syncOf(await runSpec(spec, {}, { stateDir })).softDeleted, 0);
    await rawExec(
      source,
      'mysql',
      `UPDATE orders SET deleted_at = '${at(10)}', updated_at = '${at(10)}' WHERE id = 2`,
    );
    const second = syncOf(await runSpec(spec, {}, { stateDir }));
    assert.deepEqual([second.rowsRead, second.softDeleted, second.deleted], [2, 1, 0]);
    const [row] = (await rawExec(
      target,
      'postgres',
      'SELECT deleted_at::text AS d FROM orders WHERE id = 2',
    )) as {
      d: string;
    }[];
    assert.equal(row?.d, at(10));
  });
});

describe('incremental mappings the plan refuses', () => {
  test('a cursor that does not order changes, and an upsert into a table without a key, name the fix', async () => {
    const source = await fresh('postgres');
    const target = await fresh('postgres');
    await rawExec(
      source,
      'postgres',
      'CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL, label text, changed timestamp)',
    );
    await rawExec(
      target,
      'postgres',
      'CREATE TABLE notes (id int, body text, label text, changed timestamp)',
    );
    const spec = (sync: string) =>
      `name: refused
source: { url: "${source.url}" }
target: { url: "${target.url}" }
mappings:
  - source: notes
    target: notes
    sync: ${sync}
    columns:
      - { source: id, target: id }
      - { source: body, target: body }
      - { source: label, target: label }
      - { source: changed, target: changed }
`;
    await assert.rejects(
      runSpec(spec('{ mode: incremental_append, cursor: label }')),
      /mappings\[0\]\.sync\.cursor: mapping notes → notes: cursor “label” is text, which does not order changes; choose an integer, date or timestamp column/,
    );
    await assert.rejects(
      runSpec(spec('{ mode: incremental_upsert, cursor: changed }')),
      /mappings\[0\]\.sync\.mode: mapping notes → notes: incremental_upsert matches rows on a key, and the target has no primary key: set “key”/,
    );
  });
});
