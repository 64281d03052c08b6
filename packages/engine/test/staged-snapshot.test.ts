import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { openConnection } from '../src/connectors/open.ts';
import { PAUSED, runMigration } from '../src/run/run-migration.ts';
import type { RunSummary } from '../src/run/run-summary.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { stagingDatabase } from '../src/staging/staging-config.ts';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';

const databases: TestDatabase[] = [];
const users: string[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
  for (const user of users)
    await rawExec(databases[0]!, 'mysql', `DROP USER IF EXISTS ${user}`).catch(() => {});
});

/** A user of a fresh MySQL database with SELECT on it and nothing else: no RELOAD. */
async function selectOnlyUrl(db: TestDatabase): Promise<string> {
  const name = `dbt_ro_${Math.random().toString(36).slice(2, 8)}`;
  const user = `'${name}'@'%'`;
  users.push(user);
  await rawExec(db, 'mysql', `CREATE USER ${user}`);
  await rawExec(db, 'mysql', `GRANT SELECT ON \`${db.name}\`.* TO ${user}`);
  return db.url.replace(/\/\/[^@/]*@/, `//${name}@`);
}

async function fresh(dialect: TestDialect): Promise<TestDatabase> {
  const db = await freshDatabase(dialect);
  databases.push(db);
  return db;
}

async function fillSource(source: TestDatabase, dialect: TestDialect): Promise<void> {
  // WAL: SQLite writers go on beside a reader's open read transaction (rollback-journal mode would
  // make them wait for the end of the extract).
  if (dialect === 'sqlite') await rawExec(source, dialect, 'PRAGMA journal_mode = WAL');
  await rawExec(
    source,
    dialect,
    'CREATE TABLE customers (id integer PRIMARY KEY, name varchar(40) NOT NULL)',
  );
  await rawExec(source, dialect, 'CREATE TABLE notes (id integer PRIMARY KEY, body varchar(40))');
  for (let from = 1; from <= 3000; from += 500) {
    const rows = Array.from({ length: 500 }, (_, i) => `(${from + i}, 'c${from + i}')`);
    await rawExec(source, dialect, `INSERT INTO customers VALUES ${rows.join(', ')}`);
  }
  const notes = Array.from({ length: 120 }, (_, i) => `(${i + 1}, 'n${i + 1}')`);
  await rawExec(source, dialect, `INSERT INTO notes VALUES ${notes.join(', ')}`);
}

/** Deletes and inserts in both tables: in the key range being read, at its end, and in the table not read yet. */
async function writeDuringRead(source: TestDatabase, dialect: TestDialect): Promise<void> {
  await rawExec(source, dialect, 'DELETE FROM notes WHERE id <= 20');
  const late = Array.from({ length: 50 }, (_, i) => `(${1001 + i}, 'new')`);
  await rawExec(source, dialect, `INSERT INTO notes VALUES ${late.join(', ')}`);
  await rawExec(source, dialect, "INSERT INTO customers VALUES (9999, 'late')");
  await rawExec(source, dialect, 'DELETE FROM customers WHERE id IN (1499, 3000)');
}

/**
 * The pause point: a transaction holding SHARE on the checkpoint table of the database the batches go
 * to (staging, or the target of a direct run). Each task reads its first batch, writes it, and waits
 * there to record its checkpoint; `released` lets them go.
 */
async function holdCheckpoints(
  url: string,
): Promise<{ waiting(): Promise<number>; release(): Promise<void> }> {
  const connection = await openConnection(url, { poolSize: 1 });
  await connection.ensureCheckpointTable();
  await connection.close();
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE public._databridge_checkpoints IN SHARE MODE');
  const watcher = new pg.Client({ connectionString: url });
  await watcher.connect();
  return {
    waiting: async () => {
      const { rows } = await watcher.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      return rows[0].n;
    },
    release: async () => {
      await holder.query('COMMIT');
      await Promise.all([holder.end(), watcher.end()]);
    },
  };
}

interface Outcome {
  readonly summary: RunSummary;
  readonly customers: { n: number; sum: number; max: number };
  readonly notes: { n: number; min: number; max: number };
}

/**
 * Customers (3,000 rows, two key ranges read side by side) and notes (120 rows, waiting for a free
 * reader) are copied with parallelism 2. Once both customer tasks have read and written their first
 * batch, the source changes (writeDuringRead); then the run goes on to the end.
 */
async function runWithWritesDuringRead(
  dialect: TestDialect,
  staged: boolean,
  options: { selectOnly?: boolean; pauseAtFirstBatch?: boolean } = {},
): Promise<Outcome> {
  const source = await fresh(dialect);
  const target = await fresh('postgres');
  await fillSource(source, dialect);
  const sourceUrl = options.selectOnly ? await selectOnlyUrl(source) : source.url;
  const stagingDb = staged ? await fresh('postgres') : undefined;
  const staging = stagingDb ? stagingDatabase(stagingDb.url, '--staging') : undefined;
  const pause = await holdCheckpoints((stagingDb ?? target).url);
  const text = `source: { url: "${sourceUrl}" }
target: { url: "${target.url}" }
pipeline: { ${staged ? 'staging: database, ' : ''}createTables: true, batchSize: 500, parallelism: 2, validation: { rowCount: false, checksum: false } }
mappings:
  - { source: customers, target: customers, columns: [{ source: id, target: id }, { source: name, target: name }] }
  - { source: notes, target: notes, columns: [{ source: id, target: id }, { source: body, target: body }] }
`;
  const { spec, lineOf } = parseSpec(text, 'spec.yaml', {});
  const dir = mkdtempSync(join(tmpdir(), 'databridge-snapshot-'));
  const base = {
    spec,
    lineOf,
    specHash: createHash('sha256').update(text).digest('hex'),
    state: { file: join(dir, 'state.sqlite') },
    reportsDir: join(dir, 'reports'),
    ...(staging ? { staging } : {}),
  };
  const pausing = new AbortController();
  const running = runMigration({
    ...base,
    runId: `snap-${dialect}-${staged ? 'staged' : 'direct'}`,
    signal: pausing.signal,
  });
  let settled = false;
  void running.finally(() => {
    settled = true;
  });
  // Waits for a state the run must reach (both customer tasks stopped at their checkpoint), not for time.
  for (let i = 0; (await pause.waiting()) < 2; i++) {
    assert.ok(!settled && i < 1200, 'the two customer tasks never reached their first checkpoint');
    await new Promise((r) => setTimeout(r, 50));
  }
  // Paused here, the run keeps the batches it committed and its resume reads the rest anew.
  if (options.pauseAtFirstBatch) pausing.abort(PAUSED);
  await writeDuringRead(source, dialect);
  await pause.release();
  let summary = await running;
  if (options.pauseAtFirstBatch) {
    assert.equal(summary.status, 'paused', JSON.stringify(summary.error));
    summary = await runMigration({ ...base, resumeRunId: summary.runId });
  }
  assert.equal(summary.status, 'completed', JSON.stringify(summary.error));
  const [c] = (await rawExec(
    target,
    'postgres',
    'SELECT count(*)::int AS n, sum(id)::int AS sum, max(id)::int AS max FROM customers',
  )) as Outcome['customers'][];
  const [n] = (await rawExec(
    target,
    'postgres',
    'SELECT count(*)::int AS n, min(id)::int AS min, max(id)::int AS max FROM notes',
  )) as Outcome['notes'][];
  return { summary, customers: c!, notes: n! };
}

const AS_OF_SNAPSHOT = {
  customers: { n: 3000, sum: (3000 * 3001) / 2, max: 3000 },
  notes: { n: 120, min: 1, max: 120 },
};

const GUARANTEE: Record<TestDialect, { guarantee: string; words: RegExp }> = {
  postgres: {
    guarantee: 'one_snapshot',
    words: /one snapshot of the source, shared by the 2 parallel readers/,
  },
  sqlite: {
    guarantee: 'one_snapshot',
    words: /one snapshot of the source, shared by the 2 parallel readers/,
  },
  mysql: {
    guarantee: 'started_under_lock',
    words: /all started under a global read lock \(FLUSH TABLES WITH READ LOCK\) that held commits off/,
  },
};

for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
  test(`staged extract from ${dialect}: rows inserted and deleted while it runs do not reach the target, and the report says which snapshot held`, async () => {
    const { summary, customers, notes } = await runWithWritesDuringRead(dialect, true);
    assert.deepEqual({ customers, notes }, AS_OF_SNAPSHOT);
    assert.equal(summary.sourceSnapshot?.guarantee, GUARANTEE[dialect].guarantee);
    assert.match(summary.sourceSnapshot?.message ?? '', GUARANTEE[dialect].words);
    assert.deepEqual(
      summary.warnings.filter((w) => w.kind === 'source_snapshot'),
      [],
    );
  });
}

test('staged extract from MariaDB by a user without RELOAD: one consistent snapshot per reader, started together, and the report says what that leaves open', async () => {
  const { summary, customers, notes } = await runWithWritesDuringRead('mysql', true, { selectOnly: true });
  // The writes came after every reader had started its snapshot: none of them reached the target.
  assert.deepEqual({ customers, notes }, AS_OF_SNAPSHOT);
  assert.equal(summary.sourceSnapshot?.guarantee, 'snapshot_per_reader');
  const [warning, ...more] = summary.warnings.filter((w) => w.kind === 'source_snapshot');
  assert.deepEqual(more, []);
  assert.match(
    warning?.message ?? '',
    /each of the 2 parallel readers kept its own consistent snapshot .* started within \d+ ms of each other but without a global read lock \(the source user may not take it: it needs the RELOAD privilege\): a write committed in that window is seen by some readers and not by others/,
  );
  assert.match(warning?.fix ?? '', /GRANT RELOAD ON \*\.\* TO/);
});

for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
  test(`staged extract from ${dialect} paused after its first batches and resumed: the report says each attempt had its own snapshot`, async () => {
    const { summary, customers } = await runWithWritesDuringRead(dialect, true, { pauseAtFirstBatch: true });
    assert.equal(summary.sourceSnapshot?.guarantee, 'per_attempt');
    const warnings = summary.warnings.filter((w) => w.kind === 'source_snapshot');
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!.message,
      /the extract was resumed: .* different snapshots of the source, one per attempt/,
    );
    // The customer rows after the first batch of each range were read by the second attempt, after the writes.
    assert.deepEqual(customers, CUSTOMERS_AFTER_WRITES);
  });
}

test('staged extract from MariaDB with a MyISAM table: the report names it as read without a snapshot', async () => {
  const source = await fresh('mysql');
  const target = await fresh('postgres');
  const stagingDb = await fresh('postgres');
  await rawExec(
    source,
    'mysql',
    'CREATE TABLE customers (id integer PRIMARY KEY, name varchar(40)) ENGINE=InnoDB',
  );
  await rawExec(
    source,
    'mysql',
    'CREATE TABLE notes (id integer PRIMARY KEY, body varchar(40)) ENGINE=MyISAM',
  );
  await rawExec(source, 'mysql', "INSERT INTO customers VALUES (1, 'a'), (2, 'b')");
  await rawExec(source, 'mysql', "INSERT INTO notes VALUES (1, 'x')");
  const text = `source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { staging: database, createTables: true, parallelism: 2 }
mappings:
  - { source: customers, target: customers, columns: [{ source: id, target: id }, { source: name, target: name }] }
  - { source: notes, target: notes, columns: [{ source: id, target: id }, { source: body, target: body }] }
`;
  const { spec, lineOf } = parseSpec(text, 'spec.yaml', {});
  const dir = mkdtempSync(join(tmpdir(), 'databridge-snapshot-'));
  const summary = await runMigration({
    spec,
    lineOf,
    specHash: createHash('sha256').update(text).digest('hex'),
    state: { file: join(dir, 'state.sqlite') },
    reportsDir: join(dir, 'reports'),
    staging: stagingDatabase(stagingDb.url, '--staging'),
  });
  assert.equal(summary.status, 'completed', JSON.stringify(summary.error));
  assert.equal(summary.sourceSnapshot?.guarantee, 'started_under_lock');
  const warnings = summary.warnings.filter((w) => w.kind === 'source_snapshot');
  assert.deepEqual(
    warnings.map((w) => w.table),
    [`${source.name}.notes`],
  );
  assert.match(
    warnings[0]!.message,
    /is not an InnoDB table, .* it was read as of the moment its reader reached it/,
  );
  assert.match(warnings[0]!.fix, /ENGINE=InnoDB/);
});

/** customers, the pages read after the writes: row 1500 deleted, row 9999 added. */
const CUSTOMERS_AFTER_WRITES = { n: 2999, sum: (3000 * 3001) / 2 - 1499 - 3000 + 9999, max: 9999 };

/** notes, read once a reader was free, after the writes: 20 rows fewer, 50 more. */
const NOTES_AFTER_WRITES = { n: 150, min: 21, max: 1050 };

/**
 * What a direct run of the same source gives: no snapshot across readers, and no note about one.
 * Every source reads each key range in one statement, consistent in itself (PostgreSQL to PostgreSQL
 * too: its byte pass-through cuts one COPY per range into batches), so only the table read after the
 * writes has them.
 */
const DIRECT: Record<TestDialect, Omit<Outcome, 'summary'>> = {
  postgres: { customers: AS_OF_SNAPSHOT.customers, notes: NOTES_AFTER_WRITES },
  mysql: { customers: AS_OF_SNAPSHOT.customers, notes: NOTES_AFTER_WRITES },
  sqlite: { customers: AS_OF_SNAPSHOT.customers, notes: NOTES_AFTER_WRITES },
};

/**
 * SQLite's one read handle stays in one read transaction while any statement on it is open: notes
 * misses the writes when it starts while the other customer range is still being read.
 */
const DIRECT_SQLITE_NOTES = [NOTES_AFTER_WRITES, AS_OF_SNAPSHOT.notes];

for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
  test(`direct run from ${dialect}, the same writes: the table read after them gets them`, async () => {
    const { summary, customers, notes } = await runWithWritesDuringRead(dialect, false);
    if (dialect === 'sqlite') {
      assert.deepEqual(customers, DIRECT.sqlite.customers);
      assert.ok(
        DIRECT_SQLITE_NOTES.some((n) => JSON.stringify(n) === JSON.stringify(notes)),
        JSON.stringify(notes),
      );
    } else assert.deepEqual({ customers, notes }, DIRECT[dialect]);
    assert.equal(summary.sourceSnapshot, undefined);
  });
}
