import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import type { RunSummary } from '../src/run/run-summary.ts';
import { stagingDatabase } from '../src/staging/staging-config.ts';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function fresh(dialect: TestDialect): Promise<TestDatabase> {
  const db = await freshDatabase(dialect);
  databases.push(db);
  return db;
}

const ROWS = 2000;

/**
 * Values the target's narrower types refuse, planted in both key ranges (1..1000, 1001..2000), one
 * fault a row but for id 50, which has two (the load names the first column).
 */
const BAD: Record<number, Partial<Record<string, string>>> = {
  7: { code: "'toolong'" },
  50: { code: "'waytoolong'", qty: '40000' },
  300: { qty: '40000' },
  400: { qty: '-32769' },
  1200: { price: '12.345' },
  1500: { price: '12345.5' },
  1600: { born: "'2023-02-30'" },
  1650: { born: "'soon'" },
  1800: { flag: "'maybe'" },
  1900: { ref: "'nope'" },
  1950: { doc: "'{bad'" },
};

/** Text holding NUL, which a PostgreSQL target refuses (a PostgreSQL source cannot hold it). */
const NUL_TEXT: Partial<Record<TestDialect, string>> = {
  mysql: "CONCAT('a', CHAR(0), 'b')",
  sqlite: "'a' || char(0) || 'b'",
};
const NUL_ROW = 77;

function badRows(dialect: TestDialect): Record<number, Partial<Record<string, string>>> {
  const nul = NUL_TEXT[dialect];
  return nul ? { ...BAD, [NUL_ROW]: { code: nul } } : BAD;
}

async function fillSource(db: TestDatabase, dialect: TestDialect): Promise<void> {
  const bad = badRows(dialect);
  await rawExec(
    db,
    dialect,
    'CREATE TABLE items (id integer PRIMARY KEY, code varchar(20), qty bigint, price numeric(10,3), born varchar(20), flag varchar(10), ref varchar(40), doc text)',
  );
  for (let from = 1; from <= ROWS; from += 500) {
    const rows = Array.from({ length: 500 }, (_, i) => {
      const id = from + i;
      const good: Record<string, string> = {
        code: `'c${id % 1000}'`,
        qty: String(id),
        price: `${id % 100}.25`,
        born: `'2024-01-${String((id % 28) + 1).padStart(2, '0')}'`,
        flag: id % 2 ? "'yes'" : "'0'",
        ref: `'0e0c7a5c-5b7b-4a47-9d4a-${String(id).padStart(12, '0')}'`,
        doc: `'{"n": ${id}}'`,
      };
      const v = { ...good, ...bad[id] };
      return `(${id}, ${v.code}, ${v.qty}, ${v.price}, ${v.born}, ${v.flag}, ${v.ref}, ${v.doc})`;
    });
    await rawExec(db, dialect, `INSERT INTO items VALUES ${rows.join(', ')}`);
  }
}

async function target(): Promise<TestDatabase> {
  const db = await fresh('postgres');
  await rawExec(
    db,
    'postgres',
    'CREATE TABLE items (id integer PRIMARY KEY, code varchar(5), qty smallint, price numeric(6,2), born date, flag boolean, ref uuid, doc jsonb)',
  );
  return db;
}

async function run(
  source: TestDatabase,
  into: TestDatabase,
  staging: TestDatabase | undefined,
  policy = 'skip_and_log',
): Promise<RunSummary> {
  const text = `source: { url: "${source.url}" }
target: { url: "${into.url}" }
pipeline: { staging: ${staging ? 'database' : 'direct'}, batchSize: 500, parallelism: 2, errorPolicy: ${policy} }
mappings:
  - source: items
    target: items
    columns:
${['id', 'code', 'qty', 'price', 'born', 'flag', 'ref', 'doc'].map((c) => `      - { source: ${c}, target: ${c} }`).join('\n')}
`;
  return runSpec(text, {}, staging ? { staging: stagingDatabase(staging.url, 'STAGING_DATABASE_URL') } : {});
}

interface Rejected {
  readonly column: string | null;
  readonly value: string | null;
  readonly reason: string;
  readonly code: string;
  readonly row: { readonly id: number };
}

function rejects(summary: RunSummary): Rejected[] {
  const file = summary.tables[0]!.rejectsFile;
  const lines = file ? readFileSync(file, 'utf8').trim().split('\n') : [];
  return lines
    .map((line) => JSON.parse(line) as Rejected & { mappingId: string; table: string })
    .map(({ column, value, reason, code, row }) => ({ column, value, reason, code, row }))
    .sort((a, b) => a.row.id - b.row.id);
}

async function loadedIds(db: TestDatabase): Promise<number[]> {
  const rows = (await rawExec(db, 'postgres', 'SELECT id FROM items ORDER BY id')) as { id: number }[];
  return rows.map((r) => r.id);
}

for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
  test(`types step, ${dialect} source: a staged run takes out before the load exactly the rows a direct run rejects, with the same reasons`, async () => {
    const [source, stagingDb, directTarget, stagedTarget] = await Promise.all([
      fresh(dialect),
      fresh('postgres'),
      target(),
      target(),
    ]);
    await fillSource(source, dialect);
    const direct = await run(source, directTarget, undefined);
    const staged = await run(source, stagedTarget, stagingDb);
    for (const summary of [direct, staged])
      assert.equal(summary.status, 'completed', JSON.stringify(summary.error));

    const bad = Object.keys(badRows(dialect)).map(Number);
    const expected = rejects(direct);
    assert.deepEqual(
      expected.map((r) => r.row.id),
      bad,
      'the direct run rejects the planted rows',
    );
    assert.equal(expected.find((r) => r.row.id === 50)?.column, 'code', 'the first column at fault');
    if (NUL_TEXT[dialect]) assert.equal(expected.find((r) => r.row.id === NUL_ROW)?.value, 'a\u0000b');
    assert.deepEqual(rejects(staged), expected, 'the same rows, columns, values, reasons and codes');
    assert.deepEqual(await loadedIds(stagedTarget), await loadedIds(directTarget));

    // All of them are taken out by the types step, none left for the load to find.
    const cleanse = staged.cleanse?.[0];
    assert.ok(cleanse, 'the staged run has cleanse counts');
    assert.deepEqual(
      cleanse.steps.map((s) => [s.step, s.rowsIn, s.rejected, s.rowsOut]),
      [
        ['transforms', ROWS, 0, ROWS],
        ['types', ROWS, bad.length, ROWS - bad.length],
        ['checks', ROWS - bad.length, 0, ROWS - bad.length],
        ['dedupe', ROWS - bad.length, 0, ROWS - bad.length],
      ],
    );
    // source = staged = loaded + rejected
    const table = staged.tables[0]!;
    assert.equal(cleanse.staged, ROWS);
    assert.equal(table.rowsRead, ROWS);
    assert.equal(table.rowsWritten, ROWS - bad.length);
    assert.equal(table.rowsRejected, bad.length);
    assert.equal(staged.rejectedRows.length, bad.length, 'each rejected row once in the report');
  });
}

test("types step under fail_fast: a value the load would refuse fails the staged run at the cleanse, with the load's reason, before any row is loaded", async () => {
  const [source, stagingDb, directTarget, stagedTarget] = await Promise.all([
    fresh('postgres'),
    fresh('postgres'),
    target(),
    target(),
  ]);
  await fillSource(source, 'postgres');
  const direct = await run(source, directTarget, undefined, 'fail_fast');
  const staged = await run(source, stagedTarget, stagingDb, 'fail_fast');
  assert.equal(direct.status, 'failed');
  assert.equal(staged.status, 'failed');
  assert.equal(staged.stages.find((s) => s.status === 'failed')?.id, 'transform');
  assert.deepEqual(await loadedIds(stagedTarget), [], 'nothing loaded');
  // The direct run stops at whichever row its two key ranges reach first; the staged run took out
  // all of them, that one with the same reason, and names the first in source order (id 7).
  const stoppedAt = direct.rejectedRows[0]!;
  const same = staged.rejectedRows.find((r) => r.row.id === stoppedAt.row.id);
  assert.deepEqual([same?.column, same?.reason], [stoppedAt.column, stoppedAt.reason]);
  const first = staged.rejectedRows.find((r) => r.row.id === 7)!;
  const message = staged.error?.message ?? '';
  assert.ok(
    message.includes(
      `rejected by the cleanse stage before the load (error policy fail_fast): code: ${first.reason}`,
    ),
    message,
  );
});
