import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { connectorOf } from '../src/connectors/registry.ts';
import { type ConvertTarget, compileConverter } from '../src/convert/convert-value.ts';
import type { ColumnInfo, DialectName, NormalisedType } from '../src/schema/model.ts';
import { candidatesSql, fitsByDeclaration, jsonParsesSql } from '../src/staging/cleanse-types.ts';
import { encodeStagedRow } from '../src/staging/staged-rows.ts';
import { typeFitsSql } from '../src/staging/type-fits-sql.ts';
import type { Value } from '../src/values.ts';
import { column as columnOf } from './support/builders.ts';
import { freshDatabase, type TestDatabase } from './support/databases.ts';

/**
 * The types step's SQL tests against the converters, value by value, in a real PostgreSQL: every value
 * a converter refuses must be a candidate (the SQL may send a good value to the converter, never keep
 * a bad one from it), and the common good values must not be (or the step would read every row).
 */

let db: TestDatabase;
let client: pg.Client;
before(async () => {
  db = await freshDatabase('postgres');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(jsonParsesSql('public.databridge_json_parses'));
});
after(async () => {
  await client?.end();
  await db?.drop();
});

function col(type: NormalisedType, nativeType: string, extra: Partial<ConvertTarget> = {}): ConvertTarget {
  return { name: 'c', type, nativeType, nullable: true, ...extra };
}

interface Case {
  readonly target: ConvertTarget;
  readonly dialect: DialectName;
  /** Values the converter takes and the SQL must let through without a second look. */
  readonly good: readonly Value[];
  /** Values the converter refuses, and a few it takes that the SQL may hand it anyway. */
  readonly other: readonly Value[];
}

const cases: Case[] = [
  {
    target: col('int16', 'smallint'),
    dialect: 'postgres',
    good: [0, 1, -32768, 32767, '42', '-7', true, 12n],
    other: [
      32768,
      -32769,
      4.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '4.5',
      'abc',
      '',
      ' 4',
      '1e3',
      '4.00',
      40000n,
      '99999',
      new Uint8Array([1]),
    ],
  },
  {
    target: col('int16', 'tinyint unsigned', { unsigned: true }),
    dialect: 'mysql',
    good: [0, 255, '200'],
    other: [256, -1, '-1', '256', 1e21],
  },
  {
    target: col('int64', 'bigint'),
    dialect: 'postgres',
    good: [Number.MAX_SAFE_INTEGER, '9223372036854775807', '-9223372036854775808', 9223372036854775807n],
    other: ['9223372036854775808', 9223372036854775808n, '123456789012345678901', 1.5],
  },
  {
    target: col('decimal', 'numeric(5,2)', { precision: 5, scale: 2 }),
    dialect: 'postgres',
    good: ['12.50', '12.500', '-999.990', '0', '0.01', 12.5, 999, false, 999n],
    other: [
      '1000',
      '1000.00',
      '12.505',
      12.505,
      1000,
      -1000,
      '1e2',
      '+1',
      '.5',
      '007.5',
      'x',
      Number.NaN,
      1000n,
      0.1 + 0.2,
    ],
  },
  {
    target: col('decimal', 'decimal(5,2) unsigned', { precision: 5, scale: 2, unsigned: true }),
    dialect: 'mysql',
    good: ['1.5', 0],
    other: ['-1.5', -1, '-0', -0.5],
  },
  {
    target: col('decimal', 'numeric'),
    dialect: 'postgres',
    good: ['123456789.123456789', 1.5, 7n],
    other: [Number.NaN, Number.NEGATIVE_INFINITY, 'abc', '1e5'],
  },
  {
    target: col('float64', 'double precision'),
    dialect: 'mysql',
    good: [0, 1.5, -1e300, true],
    other: [Number.NaN, Number.POSITIVE_INFINITY, '1.5', 'abc', 9007199254740993n],
  },
  {
    target: col('boolean', 'boolean'),
    dialect: 'postgres',
    good: [true, false, 0, 1, 't', 'F', 'yes', 'NO', 'On', 'off', 'TRUE'],
    other: [2, -1, 'y', '', 'truee', 0.5, 1n, 'ＹＥＳ'],
  },
  {
    target: col('string', 'varchar(5)', { length: 5 }),
    dialect: 'postgres',
    good: ['abcde', '', '😀😀😀😀😀', 12345, true, 'héllo'],
    other: [
      'abcdef',
      '😀😀😀😀😀😀',
      123456,
      false,
      1e21,
      1e-7,
      'a\u0000b',
      'a\ud800',
      new Uint8Array([0xff]),
      Buffer.from('abc'),
    ],
  },
  {
    target: col('text', 'tinytext'),
    dialect: 'mysql',
    good: ['a'.repeat(255), 'é'.repeat(127)],
    other: ['a'.repeat(256), 'é'.repeat(128), '😀'.repeat(64)],
  },
  {
    target: col('string', "enum('red','green','it''s')", { length: 5 }),
    dialect: 'mysql',
    good: ['red', 'green', "it's"],
    other: ['Red', 'blue', '', 1, true],
  },
  {
    target: col('date', 'date'),
    dialect: 'postgres',
    good: ['2024-01-31', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31'],
    other: [
      '2023-02-29',
      '1900-02-29',
      '2024-04-31',
      '2024-13-01',
      '0000-00-00',
      '2024-00-10',
      '2024-01-00',
      '0000-01-01',
      '2024-01-31 00:00:00',
      '2024-01-31 10:00:00',
      '24-01-31',
      20240131,
      '2024-1-31',
    ],
  },
  {
    target: col('time', 'time without time zone'),
    dialect: 'postgres',
    good: ['00:00:00', '23:59:59', '13:14:15.5', '13:14:15.123456'],
    other: [
      '24:00:00',
      '-01:00:00',
      '838:59:59',
      '12:60:00',
      '12:00:60',
      '13:14:15.1234567',
      '13:14:15.50',
      '2024-01-01 12:00:00',
    ],
  },
  {
    target: col('timestamp', 'datetime'),
    dialect: 'mysql',
    good: ['2024-01-31 13:45:00'],
    other: [
      '2024-01-31 13:45:00.5',
      '0000-00-00 00:00:00',
      '2024-02-30 00:00:00',
      '2024-01-31T13:45:00',
      '2024-01-31',
      '2024-01-31 24:00:00',
    ],
  },
  {
    target: col('timestamptz', 'timestamp'),
    dialect: 'mysql',
    good: ['2024-01-31 13:45:00+00', '1970-01-01 00:00:01+00', '2038-01-19 03:14:07+00'],
    other: [
      '1970-01-01 00:00:00+00',
      '2038-01-19 03:14:08+00',
      '1969-12-31 23:59:59+00',
      '2024-01-31 13:45:00+02',
      '2024-01-31 13:45:00',
    ],
  },
  {
    target: col('timestamptz', 'timestamp with time zone'),
    dialect: 'postgres',
    good: ['2024-01-31 13:45:00.25+00'],
    other: ['2024-01-31 13:45:00+05:30', '9999-12-31 23:59:59-01', '2024-02-31 00:00:00+00'],
  },
  {
    target: col('uuid', 'uuid'),
    dialect: 'postgres',
    good: ['0e0c7a5c-5b7b-4a47-9d4a-2b0d6b4c1e2f', '0E0C7A5C-5B7B-4A47-9D4A-2B0D6B4C1E2F'],
    other: [
      '0e0c7a5c5b7b4a479d4a2b0d6b4c1e2f',
      '{0e0c7a5c-5b7b-4a47-9d4a-2b0d6b4c1e2f}',
      'not-a-uuid',
      '0e0c7a5c-5b7b-4a47-9d4a-2b0d6b4c1e2',
      new Uint8Array(16),
      7,
    ],
  },
  {
    target: col('json', 'jsonb'),
    dialect: 'postgres',
    good: ['{"a":1}', '[1,2]', '"x"', ' 1 ', 'null', 5, true],
    other: [
      '{a:1}',
      "{'a':1}",
      '[1,]',
      '',
      'NaN',
      '01',
      '1.',
      '"\\u0000"',
      '"\\ud800"',
      '{"a":1}x',
      Number.NaN,
      Buffer.from('{}'),
    ],
  },
];

async function candidates(c: Case, values: readonly Value[]): Promise<Set<number>> {
  const table = 'staged';
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(`CREATE TABLE ${table} (seq bigint PRIMARY KEY, row text NOT NULL, rejected jsonb)`);
  for (const [i, v] of values.entries())
    await client.query(`INSERT INTO ${table} VALUES ($1, $2)`, [i + 1, encodeStagedRow([v])]);
  const limits = connectorOf(c.dialect).valueLimits;
  const fits = typeFitsSql('(s.r->0)', {
    target: c.target,
    source: undefined,
    limits,
    jsonParses: 'public.databridge_json_parses',
  });
  assert.ok(fits, `${c.target.nativeType} has an SQL test`);
  const sql = candidatesSql(table, [{ fits, nul: !limits.nulCharacter }]);
  const rows = (await client.query(sql, [0, values.length])).rows as { seq: string }[];
  return new Set(rows.map((r) => Number(r.seq) - 1));
}

for (const c of cases) {
  test(`types step SQL, ${c.dialect} ${c.target.nativeType}: every value the converter refuses is a candidate, the good ones are not`, async () => {
    const convert = compileConverter(c.target, { targetDialect: c.dialect });
    const values = [...c.good, ...c.other];
    const found = await candidates(c, values);
    values.forEach((v, i) => {
      let refused = false;
      try {
        convert(v);
      } catch {
        refused = true;
      }
      if (i < c.good.length) {
        assert.equal(refused, false, `the converter takes good value ${String(v)}`);
        assert.equal(found.has(i), false, `good value ${String(v)} is not a candidate`);
      } else if (refused)
        assert.ok(found.has(i), `refused value ${JSON.stringify(String(v))} is a candidate`);
    });
  });
}

test('a column its source declaration bounds within the target is not tested row by row, unless read from SQLite or limited in bytes or labels', () => {
  const column = (type: NormalisedType, nativeType: string, extra: Partial<ColumnInfo> = {}) =>
    columnOf('c', type, { nativeType, ...extra });
  const postgres = connectorOf('postgres').valueLimits;
  const mysql = connectorOf('mysql').valueLimits;
  const fits = (from: ColumnInfo, to: ColumnInfo, source: DialectName = 'mysql', limits = postgres) =>
    fitsByDeclaration(from, to, source, limits);
  const int = column('int32', 'int');
  const bigint = column('int64', 'bigint');
  const money = column('decimal', 'decimal(12,2)', { precision: 12, scale: 2 });
  const name = column('string', 'varchar(40)', { length: 40 });
  // Every value fits whatever it is: nothing to test.
  assert.equal(fits(int, bigint), true);
  assert.equal(fits(money, column('decimal', 'numeric(14,2)', { precision: 14, scale: 2 })), true);
  assert.equal(fits(name, column('text', 'text')), true);
  assert.equal(fits(name, column('string', 'character varying(40)', { length: 40 })), true);
  // Some values may not fit: each row is tested.
  assert.equal(fits(bigint, column('int32', 'integer')), false);
  assert.equal(fits(money, column('decimal', 'numeric(12,1)', { precision: 12, scale: 1 })), false);
  assert.equal(fits(name, column('string', 'character varying(12)', { length: 12 })), false);
  // SQLite keeps any value in any column; MySQL counts TEXT in bytes; an enum takes its labels only.
  assert.equal(fits(int, bigint, 'sqlite'), false);
  assert.equal(fits(name, column('text', 'text'), 'postgres', mysql), false);
  assert.equal(fits(name, column('string', "enum('a','b')", { length: 1 }), 'postgres', mysql), false);
  // Not a matter of size: a MySQL TINYINT(1) may hold 7, a DATETIME a zero date.
  assert.equal(fits(column('boolean', 'tinyint(1)'), column('boolean', 'boolean')), false);
  assert.equal(fits(column('timestamp', 'datetime'), column('timestamp', 'timestamp')), false);
});
