import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { planMigration } from '../src/plan/plan-migration.ts';
import type { RunProgress } from '../src/run/progress.ts';
import { PAUSED, runMigration } from '../src/run/run-migration.ts';
import type { RunSummary } from '../src/run/run-summary.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { stagingDatabase } from '../src/staging/staging-config.ts';
import { stagingSchemaName } from '../src/staging/staging-schemas.ts';
import { freshDatabase, rawExec, type TestDatabase } from './support/databases.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function fresh(): Promise<TestDatabase> {
  const db = await freshDatabase('postgres');
  databases.push(db);
  return db;
}

/**
 * 3000 people, ids 1..3000, each with an email of their own but for a few planted faults, some in
 * each of the two key ranges the extract splits the table into (1..1500 and 1501..3000):
 * - `dup@x` on ids 10, 20 (updated 9) and 2500 (updated 9): a key shared across both ranges;
 * - `twin@x` on ids 30 (updated 7) and 40 (updated 3);
 * - a negative age on id 50 (the check "age is not negative"), and on id 20 (a duplicate too);
 * - no name on id 60 (the target's name is NOT NULL).
 */
async function fillSource(db: TestDatabase): Promise<void> {
  await rawExec(
    db,
    'postgres',
    'CREATE TABLE people (id integer PRIMARY KEY, email varchar(60) NOT NULL, name text, updated integer, age integer)',
  );
  const email: Record<number, string> = {
    10: 'dup@x',
    20: 'dup@x',
    2500: 'dup@x',
    30: 'twin@x',
    40: 'twin@x',
  };
  const updated: Record<number, number> = { 10: 1, 20: 9, 2500: 9, 30: 7, 40: 3 };
  const age: Record<number, number> = { 50: -1, 20: -2 };
  for (let from = 1; from <= 3000; from += 500) {
    const rows = Array.from({ length: 500 }, (_, i) => {
      const id = from + i;
      const name = id === 60 ? 'NULL' : `'  person ${id} '`;
      return `(${id}, '${email[id] ?? `p${id}@x`}', ${name}, ${updated[id] ?? 0}, ${age[id] ?? id % 90})`;
    });
    await rawExec(db, 'postgres', `INSERT INTO people VALUES ${rows.join(', ')}`);
  }
}

async function createTarget(db: TestDatabase): Promise<void> {
  await rawExec(
    db,
    'postgres',
    'CREATE TABLE people (id integer PRIMARY KEY, email varchar(60) NOT NULL, name text NOT NULL, updated integer, age integer)',
  );
}

function specText(
  source: TestDatabase,
  target: TestDatabase,
  extra: string,
  policy = 'skip_and_log',
): string {
  return `source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { staging: database, batchSize: 500, parallelism: 2, errorPolicy: ${policy} }
mappings:
  - source: people
    target: people
    key: [email]
    columns:
      - { source: id, target: id }
      - { source: email, target: email, transform: [lower] }
      - { source: name, target: name, transform: [trim, { prefix: "n-" }, { replace: { from: person, to: P } }] }
      - { source: updated, target: updated }
      - { source: age, target: age }
${extra}`;
}

const CHECKS = `    checks:
      - { name: age is not negative, sql: "age >= 0" }
`;

interface Setup {
  readonly source: TestDatabase;
  readonly target: TestDatabase;
  readonly stagingDb: TestDatabase;
  readonly staging: ReturnType<typeof stagingDatabase>;
  readonly dir: string;
}

async function setUp(): Promise<Setup> {
  const [source, target, stagingDb] = await Promise.all([fresh(), fresh(), fresh()]);
  await Promise.all([fillSource(source), createTarget(target)]);
  return {
    source,
    target,
    stagingDb,
    staging: stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL'),
    dir: mkdtempSync(join(tmpdir(), 'databridge-cleanse-')),
  };
}

function runOptions(setup: Setup, text: string) {
  const { spec, lineOf } = parseSpec(text, 'spec.yaml', {});
  return {
    spec,
    lineOf,
    specHash: createHash('sha256').update(text).digest('hex'),
    state: { file: join(setup.dir, 'state.sqlite') },
    reportsDir: join(setup.dir, 'reports'),
    staging: setup.staging,
  };
}

/** Runs until a stage has completed, then pauses; the run is left to resume. */
async function runPausedAfter(options: ReturnType<typeof runOptions>, stage: 'extract' | 'transform') {
  const pause = new AbortController();
  const first = await runMigration({
    ...options,
    signal: pause.signal,
    onProgress: (p) => {
      if (p.stages.find((s) => s.id === stage)?.status === 'completed') pause.abort(PAUSED);
    },
  });
  assert.equal(first.status, 'paused', JSON.stringify(first.error));
  return first;
}

async function loadedIds(target: TestDatabase): Promise<number[]> {
  const rows = (await rawExec(target, 'postgres', 'SELECT id FROM people ORDER BY id')) as { id: number }[];
  return rows.map((r) => r.id);
}

function rejectsFile(summary: RunSummary): string[] {
  const file = summary.tables[0]!.rejectsFile;
  return file ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

/** The rows every setting takes out by the checks: 50 (negative age), 20 (negative age), 60 (no name). */
const CHECKED_OUT = [20, 50, 60];

const cases = [
  { keep: 'first', dedupe: '{ keep: first }', droppedIds: [2500, 40], byDesign: true },
  { keep: 'last', dedupe: '{ keep: last, by: updated }', droppedIds: [10, 40], byDesign: true },
  { keep: 'none', dedupe: '{ keep: none }', droppedIds: [10, 2500, 30, 40], byDesign: false },
] as const;

for (const c of cases) {
  test(`staged cleanse, dedupe keep ${c.keep}: exactly the expected rows are taken out, with reasons, and the counts add up`, async () => {
    const setup = await setUp();
    let progress: RunProgress | undefined;
    const summary = await runMigration({
      ...runOptions(setup, specText(setup.source, setup.target, `${CHECKS}    dedupe: ${c.dedupe}\n`)),
      onProgress: (p) => {
        progress = structuredClone(p);
      },
    });
    assert.equal(summary.status, 'completed', JSON.stringify(summary.error));
    const out = [...CHECKED_OUT, ...c.droppedIds];
    // The progress the CLI and the monitor draw counts the rows the cleanse took out as read and rejected.
    const shown = progress!.tables[0]!;
    assert.deepEqual(
      [shown.rowsRead, shown.rowsWritten, shown.rowsRejected],
      [3000, 3000 - out.length, out.length],
    );
    const expected = Array.from({ length: 3000 }, (_, i) => i + 1).filter((id) => !out.includes(id));
    assert.deepEqual(await loadedIds(setup.target), expected);

    // Counts: source = staged = loaded + rejected, step by step.
    const cleanse = summary.cleanse?.[0];
    assert.ok(cleanse, 'the report has the cleanse counts');
    assert.equal(cleanse.staged, 3000);
    assert.deepEqual(
      cleanse.steps.map((s) => [s.step, s.rowsIn, s.rejected, s.rowsOut, s.byDesign]),
      [
        ['transforms', 3000, 0, 3000, false],
        ['types', 3000, 0, 3000, false],
        ['checks', 3000, 3, 2997, false],
        ['dedupe', 2997, c.droppedIds.length, 2997 - c.droppedIds.length, c.byDesign],
      ],
    );
    assert.equal(cleanse.passed, expected.length);
    const table = summary.tables[0]!;
    assert.equal(table.rowsRead, 3000);
    assert.equal(table.rowsWritten, expected.length);
    assert.equal(table.rowsRejected, out.length);
    assert.equal(table.rowsWritten + table.rowsRejected, table.rowsRead);

    // Each row taken out is in the rejects file once, with its reason.
    const rejected = rejectsFile(summary).map(
      (line) => JSON.parse(line) as { row: { id: number }; reason: string; column: string | null },
    );
    assert.deepEqual(
      rejected.map((r) => r.row.id).sort((a, b) => a - b),
      [...out].sort((a, b) => a - b),
    );
    const reason = (id: number) => rejected.find((r) => r.row.id === id)!;
    assert.equal(reason(50).reason, 'check "age is not negative" failed: age >= 0');
    assert.equal(reason(60).reason, 'NULL cannot go into NOT NULL column name');
    assert.equal(reason(60).column, 'name');
    for (const id of c.droppedIds) {
      assert.match(
        reason(id).reason,
        c.keep === 'none'
          ? /^\d rows share email = (dup|twin)@x: dedupe keeps none of them \(keep: none\)$/
          : c.keep === 'first'
            ? /^another row has email = (dup|twin)@x: dedupe keeps the first in source order \(keep: first\)$/
            : /^another row has email = (dup|twin)@x: dedupe keeps the one with the highest updated \(keep: last\)$/,
      );
    }
    // The SQL transformations (trim, prefix, replace) and the one left to the load (lower) applied.
    const one = (await rawExec(setup.target, 'postgres', 'SELECT name, email FROM people WHERE id = 1')) as {
      name: string;
      email: string;
    }[];
    assert.deepEqual(one[0], { name: 'n-P 1', email: 'p1@x' });
  });
}

test('staged cleanse on a resumed run: paused after the cleanse, the resume takes nothing out twice', async () => {
  const setup = await setUp();
  const options = runOptions(
    setup,
    specText(setup.source, setup.target, `${CHECKS}    dedupe: { keep: first }\n`),
  );
  const first = await runPausedAfter(options, 'transform');
  // The staged name was transformed in SQL (trim, prefix, replace); the email's lower is left to the load.
  const staged = (await rawExec(
    setup.stagingDb,
    'postgres',
    `SELECT row FROM ${stagingSchemaName(first.runId)}."task_m1.p1" WHERE seq = 1`,
  )) as { row: string }[];
  assert.deepEqual(JSON.parse(staged[0]!.row), [1, 'p1@x', 'n-P 1', 0, 1]);
  const resumed = await runMigration({ ...options, resumeRunId: first.runId });
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.error));
  assert.equal(resumed.cleanse?.[0]?.passed, 2995);
  assert.equal(resumed.tables[0]!.rowsRejected, 5);
  assert.equal(rejectsFile(resumed).length, 5, 'each row taken out once in the rejects file');
  assert.equal(resumed.rejectedRows.length, 5, 'and once in the report');
  assert.equal((await loadedIds(setup.target)).length, 2995);
});

test('staged cleanse paused before it ran: the resume cleanses once', async () => {
  const setup = await setUp();
  const options = runOptions(
    setup,
    specText(setup.source, setup.target, `${CHECKS}    dedupe: { keep: none }\n`),
  );
  const first = await runPausedAfter(options, 'extract');
  const resumed = await runMigration({ ...options, resumeRunId: first.runId });
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.error));
  assert.equal(rejectsFile(resumed).length, 7);
  assert.equal((await loadedIds(setup.target)).length, 2993);
});

test('staged cleanse under fail_fast: a row failing a check fails the run before anything is loaded', async () => {
  const setup = await setUp();
  const summary = await runMigration(
    runOptions(setup, specText(setup.source, setup.target, CHECKS, 'fail_fast')),
  );
  assert.equal(summary.status, 'failed');
  assert.equal(summary.error?.code, 'bad_value');
  assert.match(
    summary.error?.message ?? '',
    /3 row\(s\) of public\.people rejected by the cleanse stage before the load \(error policy fail_fast\)/,
  );
  assert.deepEqual(await loadedIds(setup.target), [], 'nothing loaded');
});

test('dedupe keep first under fail_fast: dropped duplicates are what the spec asked for, not faults', async () => {
  const setup = await setUp();
  await rawExec(
    setup.source,
    'postgres',
    'UPDATE people SET name = 1 WHERE name IS NULL; UPDATE people SET age = 1 WHERE age < 0',
  );
  const summary = await runMigration(
    runOptions(setup, specText(setup.source, setup.target, '    dedupe: { keep: first }\n', 'fail_fast')),
  );
  assert.equal(summary.status, 'completed', JSON.stringify(summary.error));
  assert.equal((await loadedIds(setup.target)).length, 2997);
});

test('a check that does not run in PostgreSQL stops the run naming the check and the fix', async () => {
  const setup = await setUp();
  const summary = await runMigration(
    runOptions(
      setup,
      specText(setup.source, setup.target, '    checks: [{ name: has owner, sql: "owner IS NOT NULL" }]\n'),
    ),
  );
  assert.equal(summary.status, 'failed');
  assert.equal(summary.error?.code, 'bad_spec');
  assert.match(
    summary.error?.message ?? '',
    /check "has owner" of people -> people cannot run in the staging database \(.*"owner".*\): a check is a PostgreSQL condition over the source columns the mapping copies/,
  );
});

test('direct runs: dedupe and checks are refused (they need staging), and the same transformations load the same rows as a staged run', async () => {
  const setup = await setUp();
  const direct = (text: string) => text.replace('staging: database, ', '');
  await assert.rejects(
    runMigration({
      ...runOptions(setup, direct(specText(setup.source, setup.target, CHECKS))),
      staging: undefined,
    }),
    (error: Error & { code?: string }) =>
      error.code === 'bad_spec' &&
      /has checks, which runs in the staging database before the load: set pipeline.staging to "database"/.test(
        error.message,
      ),
  );

  const { spec } = parseSpec(
    direct(specText(setup.source, setup.target, '    dedupe: { keep: first }\n')),
    'spec.yaml',
    {},
  );
  await assert.rejects(
    planMigration(spec),
    (error: Error & { code?: string; where?: string }) =>
      error.code === 'bad_spec' && error.where === 'mappings[0].dedupe',
    'databridge plan refuses it the same way',
  );

  const plain = specText(setup.source, setup.target, '').replace('    key: [email]\n', '');
  await rawExec(setup.source, 'postgres', 'UPDATE people SET name = 1 WHERE name IS NULL');
  const viaDirect = await runMigration({ ...runOptions(setup, direct(plain)), staging: undefined });
  assert.equal(viaDirect.status, 'completed', JSON.stringify(viaDirect.error));
  assert.equal(viaDirect.cleanse, undefined);
  const directRows = await rawExec(setup.target, 'postgres', 'SELECT * FROM people ORDER BY id');
  await rawExec(setup.target, 'postgres', 'TRUNCATE people');
  const viaStaging = await runMigration(runOptions(setup, plain));
  assert.equal(viaStaging.status, 'completed', JSON.stringify(viaStaging.error));
  assert.deepEqual(await rawExec(setup.target, 'postgres', 'SELECT * FROM people ORDER BY id'), directRows);
});

test('a dedupe the staged rows cannot answer is refused before any row moves, naming the fix', async () => {
  const setup = await setUp();
  const text = specText(setup.source, setup.target, '    dedupe: { keep: last, by: changed_at }\n');
  await assert.rejects(
    runMigration(runOptions(setup, text)),
    (error: Error & { code?: string; where?: string }) =>
      error.code === 'bad_spec' &&
      error.where === 'mappings[0].dedupe.by' &&
      error.message ===
        'people -> people: dedupe keeps the last row by "changed_at", which is not a source column the mapping copies: map it, or name one that is',
  );
  assert.deepEqual(await loadedIds(setup.target), []);
});

test('staged cleanse from SQLite: values holding NUL are transformed as the load would, by the same operations, and read by checks as U+FFFD', async () => {
  const source = await freshDatabase('sqlite');
  const target = await freshDatabase('sqlite');
  databases.push(source, target);
  const stagingDb = await fresh();
  await rawExec(source, 'sqlite', 'CREATE TABLE tags (id integer PRIMARY KEY, label text)');
  await rawExec(
    source,
    'sqlite',
    "INSERT INTO tags VALUES (1, '  plain  '), (2, '  with' || char(0) || 'nul  '), (3, NULL), (4, '  ' || char(0) || '  ')",
  );
  await rawExec(target, 'sqlite', 'CREATE TABLE tags (id integer PRIMARY KEY, label text)');
  const text = `source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { staging: database, errorPolicy: skip_and_log }
mappings:
  - source: tags
    target: tags
    columns:
      - { source: id, target: id }
      - { source: label, target: label, transform: [trim, { replace: { from: "i", to: "I" } }, { suffix: "!" }] }
    checks: [{ name: not just NUL, sql: "label IS NULL OR label <> '\\ufffd!'" }]
`;
  const setup = {
    source,
    target,
    stagingDb,
    staging: stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL'),
    dir: mkdtempSync(join(tmpdir(), 'databridge-cleanse-')),
  };
  const summary = await runMigration(runOptions(setup, text));
  assert.equal(summary.status, 'completed', JSON.stringify(summary.error));
  const rows = (await rawExec(target, 'sqlite', 'SELECT id, label FROM tags ORDER BY id')) as {
    id: number;
    label: string | null;
  }[];
  // Row 4 trims to a lone NUL, which checks read as U+FFFD (jsonb cannot hold NUL): the check takes it out.
  assert.deepEqual(rows, [
    { id: 1, label: 'plaIn!' },
    { id: 2, label: 'wIth\0nul!' },
    { id: 3, label: null },
  ]);
  assert.deepEqual(
    summary.rejectedRows.map((r) => [r.row.id, r.reason]),
    [[4, 'check "not just NUL" failed: label IS NULL OR label <> \'\ufffd!\'']],
  );
});

test('staged cleanse under continue: every good row loads, then the run fails counting the faults, not the dropped duplicates', async () => {
  const setup = await setUp();
  const summary = await runMigration(
    runOptions(
      setup,
      specText(setup.source, setup.target, `${CHECKS}    dedupe: { keep: first }\n`, 'continue'),
    ),
  );
  assert.equal(summary.status, 'failed');
  assert.equal(summary.error?.code, 'bad_value');
  assert.match(
    summary.error?.message ?? '',
    /^3 row\(s\) rejected in public\.people \(3\) \(error policy continue\)/,
  );
  assert.equal((await loadedIds(setup.target)).length, 2995);
  assert.equal(summary.tables[0]!.rowsRejected, 5);
});

test('staged cleanse killed after its commit, before its counts were saved: the resume records each rejected row once', async () => {
  const setup = await setUp();
  const options = runOptions(
    setup,
    specText(setup.source, setup.target, `${CHECKS}    dedupe: { keep: first }\n`),
  );
  const first = await runPausedAfter(options, 'transform');
  // What a process killed at that moment leaves: the cleanse committed in staging, its rejects file
  // written, its counts not in the run's notes.
  const state = new Database(join(setup.dir, 'state.sqlite'));
  const row = state.prepare('SELECT notes FROM run_notes WHERE run_id = ?').get(first.runId) as {
    notes: string;
  };
  const { cleanse: _gone, ...notes } = JSON.parse(row.notes) as Record<string, unknown>;
  state.prepare('UPDATE run_notes SET notes = ? WHERE run_id = ?').run(JSON.stringify(notes), first.runId);
  state.close();
  assert.equal(rejectsFile(first).length, 5);

  const resumed = await runMigration({ ...options, resumeRunId: first.runId });
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.error));
  assert.equal(resumed.cleanse?.[0]?.passed, 2995);
  assert.equal(rejectsFile(resumed).length, 5, 'each row taken out once in the rejects file');
  assert.equal(resumed.rejectedRows.length, 5, 'and once in the report');
  assert.equal((await loadedIds(setup.target)).length, 2995);
});
