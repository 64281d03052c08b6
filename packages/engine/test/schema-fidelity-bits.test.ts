import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { compileConverter } from '../src/convert/convert-value.ts';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

/** Each target's way of printing a bit column as 0s and 1s. */
const BITS_AS_TEXT: Record<TestDialect, (column: string) => string> = {
  postgres: (c) => `${c}::text`,
  mysql: (c) => `LPAD(BIN(${c}), 10, '0')`,
  sqlite: (c) => c,
};

const SOURCE: Partial<Record<TestDialect, string>> = {
  mysql: `CREATE TABLE flags (id int PRIMARY KEY, mask bit(10) NULL);
          INSERT INTO flags VALUES (1, b'1000000001'), (2, b'0'), (3, NULL), (4, b'1111111111');`,
  postgres: `CREATE TABLE flags (id int PRIMARY KEY, mask bit(10) NULL);
             INSERT INTO flags VALUES (1, B'1000000001'), (2, B'0000000000'), (3, NULL), (4, B'1111111111');`,
};

describe('schema fidelity: BIT(n) stays a string of bits', () => {
  for (const [from, to] of [
    ['mysql', 'postgres'],
    ['mysql', 'mysql'],
    ['mysql', 'sqlite'],
    ['postgres', 'mysql'],
    ['postgres', 'postgres'],
  ] as const) {
    test(`${from} bit(10) into ${to}: every value's bits arrive, and validation agrees`, async () => {
      const [source, target] = await Promise.all([freshDatabase(from), freshDatabase(to)]);
      databases.push(source, target);
      await rawExec(source, from, SOURCE[from]!);
      const summary = await runSpec(`name: bits
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - { source: flags, target: flags, columns: [{ source: id, target: id }, { source: mask, target: mask }] }
`);
      assert.equal(summary.status, 'completed', summary.error?.message ?? '');
      assert.equal(summary.totals.rowsWritten, 4);
      const rows = (await rawExec(
        target,
        to,
        `SELECT id, ${BITS_AS_TEXT[to]('mask')} AS mask FROM flags ORDER BY id`,
      )) as { id: number; mask: string | null }[];
      assert.deepEqual(
        rows.map((r) => [Number(r.id), r.mask]),
        [
          [1, '1000000001'],
          [2, '0000000000'],
          [3, null],
          [4, '1111111111'],
        ],
      );
      if (to === 'postgres') {
        const [type] = (await rawExec(
          target,
          'postgres',
          `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'flags'::regclass AND attname = 'mask'`,
        )) as { type: string }[];
        assert.equal(type!.type, 'bit(10)');
      }
    });
  }

  test('a PostgreSQL bit varying keeps its values unpadded', async () => {
    const [source, target] = await Promise.all([freshDatabase('postgres'), freshDatabase('postgres')]);
    databases.push(source, target);
    await rawExec(
      source,
      'postgres',
      `CREATE TABLE v (id int PRIMARY KEY, b varbit(8)); INSERT INTO v VALUES (1, B'101'), (2, B'');`,
    );
    const summary = await runSpec(`name: varbits
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - { source: v, target: v, columns: [{ source: id, target: id }, { source: b, target: b }] }
`);
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    const rows = (await rawExec(target, 'postgres', 'SELECT b::text AS b FROM v ORDER BY id')) as {
      b: string;
    }[];
    assert.deepEqual(
      rows.map((r) => r.b),
      ['101', ''],
    );
  });

  test('a value with more bits than the column holds is rejected with its reason; fewer are the same number', () => {
    const convert = compileConverter(
      { name: 'mask', type: 'bit', length: 4, nullable: true, nativeType: 'bit(4)' },
      { targetDialect: 'postgres' },
    );
    assert.equal(convert('101'), '0101');
    assert.equal(convert('00001111'), '1111', 'leading zeros beyond the width fit');
    assert.equal(convert(Buffer.from([0x0f])), '1111');
    assert.equal(convert(9), '1001');
    assert.throws(() => convert('10000'), /"10000" has 5 bits, more than bit\(4\) holds/);
    assert.throws(() => convert('12'), /not a string of bits/);
    assert.throws(() => convert(-1), /cannot be stored in bit\(4\)/);
  });
});
