import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

/**
 * One bad value per row, of many kinds, from an SQLite source (which stores anything as text) into a
 * typed target on every connector. Under skip_and_log each bad row must land in the rejects file
 * with a reason that names the problem, every good row must load, and read = written + rejected.
 */
type Kind = { column: string; value: string | null; reason: RegExp; only?: readonly TestDialect[] };

const KINDS: Kind[] = [
  { column: 'i', value: 'abc', reason: /whole number/i },
  { column: 'i', value: '4.5', reason: /fraction|integer|whole/i },
  { column: 'i', value: '2147483648', reason: /out of range/i },
  { column: 'i', value: '', reason: /whole number/i },
  { column: 'i', value: ' 42', reason: /whole number/i },
  { column: 's', value: '99999', reason: /out of range/i },
  { column: 's', value: '-32769', reason: /out of range/i },
  { column: 'b', value: '9223372036854775808', reason: /out of range/i },
  { column: 'n', value: 'NaN', reason: /NaN/ },
  { column: 'n', value: '12345678901.5', reason: /digit|too large|out of range|fit/i },
  { column: 'n', value: '1.234', reason: /decimal|rounded/i },
  { column: 'n', value: '12.5.3', reason: /number|numeric|decimal/i },
  { column: 'f', value: 'maybe', reason: /boolean/i },
  { column: 'f', value: '2', reason: /boolean/i },
  { column: 'd', value: '2024-02-30', reason: /date/i },
  { column: 'd', value: '0000-00-00', reason: /zero date|date/i },
  { column: 'd', value: '2024-13-01', reason: /date|month/i },
  { column: 'd', value: '2024-01-01 10:30:00', reason: /time of day|date/i },
  { column: 'ts', value: '2024-01-01 25:00:00', reason: /time|hour|timestamp/i },
  { column: 'ts', value: '2024-01-01 10:00:60', reason: /time|second|timestamp/i },
  { column: 'ts', value: 'yesterday', reason: /timestamp|date/i },
  { column: 'tm', value: '25:00:00', reason: /time/i },
  { column: 'tm', value: '838:59:59', reason: /time|duration/i },
  { column: 'v', value: 'eleven chars', reason: /longer than|characters/i },
  { column: 'j', value: '{"bad": json', reason: /JSON/i },
  { column: 'u', value: 'not-a-uuid', reason: /uuid/i, only: ['postgres'] },
  { column: 'tx', value: 'a\u0000b', reason: /NUL/i, only: ['postgres'] },
  { column: 'nn', value: null, reason: /NULL/ },
  { column: 'uq', value: 'dup-1', reason: /duplicate|unique/i },
];
const GOOD = 50;
const COLUMNS = ['i', 's', 'b', 'n', 'f', 'd', 'ts', 'tm', 'v', 'j', 'u', 'tx', 'nn', 'uq'] as const;

function goodRow(id: number): Record<string, string | null> {
  return {
    i: String(id * 3),
    s: String(id % 100),
    b: String(BigInt(id) * 1_000_000_000_000n),
    n: `${id}.25`,
    f: id % 2 ? 'true' : 'false',
    d: `2024-01-${String((id % 28) + 1).padStart(2, '0')}`,
    ts: `2024-01-01 10:${String(id % 60).padStart(2, '0')}:00`,
    tm: `08:${String(id % 60).padStart(2, '0')}:00`,
    v: `v${id}`,
    j: JSON.stringify({ id }),
    u: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    tx: `text ${id}`,
    nn: `nn${id}`,
    uq: `dup-${id}`,
  };
}

const TARGET_DDL: Record<TestDialect, string> = {
  postgres: `CREATE TABLE t (id int PRIMARY KEY, i int, s smallint, b bigint, n numeric(12,2), f boolean, d date, ts timestamp, tm time,
    v varchar(10), j jsonb, u uuid, tx text, nn varchar(10) NOT NULL, uq varchar(20) UNIQUE)`,
  mysql: `CREATE TABLE t (id int PRIMARY KEY, i int, s smallint, b bigint, n decimal(12,2), f boolean, d date, ts datetime, tm time,
    v varchar(10), j json, u char(36), tx text, nn varchar(10) NOT NULL, uq varchar(20) UNIQUE)`,
  sqlite: `CREATE TABLE t (id INT PRIMARY KEY, i INT, s SMALLINT, b BIGINT, n NUMERIC(12,2), f BOOLEAN, d DATE, ts DATETIME, tm TIME,
    v VARCHAR(10), j JSON, u UUID, tx TEXT, nn VARCHAR(10) NOT NULL, uq VARCHAR(20) UNIQUE)`,
};

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const literal = (v: string | null) =>
  v === null ? 'NULL' : `'${v.replace(/'/g, "''").replace(/\u0000/g, "' || char(0) || '")}'`;

for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
  describe(`bad values into ${dialect}`, () => {
    const kinds = KINDS.filter((k) => !k.only || k.only.includes(dialect));
    test(`${kinds.length} kinds of bad value are each rejected with their reason; every good row loads`, async () => {
      const source = await freshDatabase('sqlite');
      const target = await freshDatabase(dialect);
      databases.push(source, target);
      const rows: string[] = [];
      for (let id = 1; id <= GOOD; id++)
        rows.push(`(${id}, ${COLUMNS.map((c) => literal(goodRow(id)[c]!)).join(', ')})`);
      kinds.forEach((kind, k) => {
        const id = 1000 + k;
        const row = { ...goodRow(id), [kind.column]: kind.value };
        if (kind.column !== 'uq') row.uq = `unique-${id}`;
        rows.push(`(${id}, ${COLUMNS.map((c) => literal(row[c] ?? null)).join(', ')})`);
      });
      await rawExec(
        source,
        'sqlite',
        `CREATE TABLE t (id INTEGER PRIMARY KEY, ${COLUMNS.map((c) => `${c} TEXT`).join(', ')});
        INSERT INTO t VALUES ${rows.join(',\n')};`,
      );
      await rawExec(target, dialect, TARGET_DDL[dialect]);
      const summary = await runSpec(`name: bad-values
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { errorPolicy: skip_and_log, batchSize: 100 }
mappings:
  - source: t
    target: t
    columns: [${['id', ...COLUMNS].map((c) => `{ source: ${c}, target: ${c} }`).join(', ')}]
`);
      assert.equal(summary.status, 'completed', summary.error?.message ?? '');
      const table = summary.tables[0]!;
      assert.equal(table.rowsWritten, GOOD);
      assert.equal(table.rowsRejected, kinds.length);
      assert.equal(table.rowsRead, table.rowsWritten + table.rowsRejected);
      const loaded = Number(
        Object.values((await rawExec(target, dialect, 'SELECT count(*) AS n FROM t'))[0] as object)[0],
      );
      assert.equal(loaded, GOOD);
      const rejects = readFileSync(table.rejectsFile!, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const problems: string[] = [];
      kinds.forEach((kind, k) => {
        const found = rejects.find((r) => Number(r.row.id) === 1000 + k);
        if (!found) problems.push(`${kind.column}=${JSON.stringify(kind.value)} was not rejected`);
        else if (!kind.reason.test(found.reason))
          problems.push(`${kind.column}=${JSON.stringify(kind.value)}: unexpected reason "${found.reason}"`);
        else if (found.column !== null && found.column !== kind.column)
          problems.push(`${kind.column}: blamed column ${found.column}`);
      });
      assert.deepEqual(problems, []);
    });
  });
}
