import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ConvertTarget,
  checkNotNull,
  compileConverter,
  type OnInvalid,
  passThrough,
} from '../src/convert/convert-value.ts';
import { RowValueError, show } from '../src/convert/row-value-error.ts';
import type { DialectName, NormalisedType } from '../src/schema/model.ts';
import type { Value } from '../src/values.ts';

function col(type: NormalisedType, nativeType: string, extra: Partial<ConvertTarget> = {}): ConvertTarget {
  return { name: 'c', type, nativeType, nullable: true, ...extra };
}

const int16 = col('int16', 'smallint');
const int32 = col('int32', 'integer');
const int64 = col('int64', 'bigint');
const uint64 = col('int64', 'bigint unsigned', { unsigned: true });
const tinyint = col('int16', 'tinyint(4)');
const utinyint = col('int16', 'tinyint unsigned', { unsigned: true });
const num12_2 = col('decimal', 'numeric(12,2)', { precision: 12, scale: 2 });
const num10_2 = col('decimal', 'numeric(10,2)', { precision: 10, scale: 2 });
const num5_2 = col('decimal', 'numeric(5,2)', { precision: 5, scale: 2 });
const num3_neg2 = col('decimal', 'numeric(3,-2)', { precision: 3, scale: -2 });
const numeric = col('decimal', 'numeric');
const udecimal = col('decimal', 'decimal(5,2) unsigned', { precision: 5, scale: 2, unsigned: true });
const float32 = col('float32', 'real');
const float64 = col('float64', 'double precision');
const bool = col('boolean', 'boolean');
const varchar40 = col('string', 'varchar(40)', { length: 40 });
const varchar5 = col('string', 'varchar(5)', { length: 5 });
const text = col('text', 'text');
const tinytext = col('text', 'tinytext');
const colour = col('string', "enum('red','green','it''s')", { length: 5 });
const date = col('date', 'date');
const time = col('time', 'time without time zone');
const timestamp = col('timestamp', 'timestamp without time zone');
const timestamp3 = col('timestamp', 'timestamp(3) without time zone');
const datetime = col('timestamp', 'datetime');
const timestamptz = col('timestamptz', 'timestamp with time zone');
const mysqlTimestamp = col('timestamptz', 'timestamp(6)');
const uuid = col('uuid', 'uuid');
const json = col('json', 'json');
const jsonb = col('json', 'jsonb');
const bytea = col('binary', 'bytea');
const varbinary4 = col('binary', 'varbinary(4)', { length: 4 });
const binary16 = col('binary', 'binary(16)', { length: 16 });
const unknown = col('unknown', 'mood');

/** Where a case differs from the default: PostgreSQL target, no source column, `reject`. */
interface On {
  readonly db?: DialectName;
  readonly from?: NormalisedType;
  readonly rule?: OnInvalid;
}

function convert(to: ConvertTarget, value: Value, on: On = {}): Value {
  const source = on.from ? { source: { type: on.from } } : {};
  return compileConverter(to, {
    targetDialect: on.db ?? 'postgres',
    onInvalid: on.rule ?? 'reject',
    ...source,
  })(value);
}

function title(to: ConvertTarget, value: Value, on: On): string {
  const where = [on.db, on.from && `from ${on.from}`, on.rule].filter(Boolean).join(', ');
  return `${to.nativeType || to.type} <- ${show(value)}${where ? ` (${where})` : ''}`;
}

const mysql: On = { db: 'mysql' };
const sqlite: On = { db: 'sqlite' };
const bytes = (...b: number[]): Uint8Array => Buffer.from(b);
const big = 2n ** 60n;
const UUID = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
const UUID_BYTES = Buffer.from(UUID.replaceAll('-', ''), 'hex');
const GREETINGS = 'Grüße aus Köln, schöne Grüße aus Köln am Rhein, Mai';
/** π as a float4 column prints it (the shortest text of Math.fround(Math.PI)). */
const realPi = Number('3.1415927');

const GOOD: [to: ConvertTarget, value: Value, want: Value, on?: On][] = [
  [int16, 32767, 32767],
  [int16, -32768, -32768],
  [int16, '42', 42],
  [int16, '-7', -7],
  [int32, 4.0, 4],
  [int32, '4.00', 4],
  [int32, '1e3', 1000],
  [int32, true, 1],
  [int32, 42n, 42],
  [int64, '9223372036854775807', '9223372036854775807'],
  [int64, big, '1152921504606846976'],
  [int64, '-9007199254740991', -9007199254740991],
  [uint64, '18446744073709551615', '18446744073709551615', mysql],
  [tinyint, -128, -128, mysql],
  [utinyint, 255, 255, mysql],
  [num12_2, '12.50', '12.50'],
  [num12_2, 12.5, '12.5'],
  [num12_2, '1e3', '1000'],
  [num12_2, '+.5', '0.5'],
  [num12_2, '12.500', '12.5'],
  [num12_2, 42n, '42'],
  [num12_2, false, '0'],
  [num5_2, '-999.99', '-999.99'],
  [numeric, 1e21, '1000000000000000000000'],
  [numeric, '1.5E-7', '0.00000015'],
  [num3_neg2, '12300', '12300'],
  [float64, '0.1', 0.1],
  [float64, '-2.5e-3', -0.0025],
  [float64, big, 2 ** 60],
  [float32, '1152921504606846976', 2 ** 60],
  [float64, Number.NaN, Number.NaN],
  [float64, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, sqlite],
  [float32, 0.1, 0.1],
  [float32, '3.1415927', realPi],
  [float64, true, 1],
  [bool, 1, true],
  [bool, 'F', false],
  [bool, 'Yes', true],
  [bool, 0n, false],
  [varchar40, 'Grüße aus Köln', 'Grüße aus Köln'],
  [varchar5, '😀😀😀😀😀', '😀😀😀😀😀'],
  [varchar40, 12.5, '12.5'],
  [varchar40, true, 'true'],
  [varchar40, 9007199254740993n, '9007199254740993'],
  [text, bytes(0x68, 0xc3, 0xa9), 'hé'],
  [text, 'a\u0000b', 'a\u0000b', mysql],
  [colour, "it's", "it's", mysql],
  [date, '2024-02-29', '2024-02-29'],
  [date, '2024-03-01 00:00:00', '2024-03-01'],
  [date, '2024-03-01T00:00:00.000', '2024-03-01'],
  [date, '2024-03-01 02:00:00+02', '2024-03-01'],
  [time, '13:14:15.500', '13:14:15.5'],
  [time, '24:00:00', '24:00:00'],
  [time, '00:00:00.000001', '00:00:00.000001'],
  [timestamp, '2024-01-31T13:45:00', '2024-01-31 13:45:00'],
  [timestamp, '2024-01-31', '2024-01-31 00:00:00'],
  [timestamp, '2024-01-01 01:30:00+05:30', '2023-12-31 20:00:00'],
  [timestamp, '2024-12-31 23:00:00.25-03', '2025-01-01 02:00:00.25'],
  [timestamp3, '2024-01-31 13:45:00.120000', '2024-01-31 13:45:00.12'],
  [timestamptz, '2024-01-31 13:45:00', '2024-01-31 13:45:00+00'],
  [timestamptz, '2024-01-31 13:45:00Z', '2024-01-31 13:45:00+00'],
  [timestamptz, '2024-01-31 13:45:00.5+0100', '2024-01-31 12:45:00.5+00'],
  [timestamptz, '2024-02-29', '2024-02-29 00:00:00+00'],
  [mysqlTimestamp, '2038-01-19 03:14:07.999999+00', '2038-01-19 03:14:07.999999+00', mysql],
  [uuid, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', UUID],
  [uuid, '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', UUID],
  [uuid, 'a0eebc999c0b4ef8bb6d6bb9bd380a11', UUID],
  [uuid, UUID_BYTES, UUID],
  [json, '{ "a": [1, 2] }', '{ "a": [1, 2] }'],
  [json, 42, '42'],
  [json, false, 'false'],
  [json, '2024-01-31', '"2024-01-31"', { from: 'date' }],
  [bytea, 'hé', bytes(0x68, 0xc3, 0xa9)],
  [bytea, '\\xdead', Buffer.from('\\xdead')],
  [binary16, UUID, UUID_BYTES, { from: 'uuid' }],
  [unknown, 'happy', 'happy'],
];

const BAD: [to: ConvertTarget, value: Value, reason: RegExp, on?: On][] = [
  [int16, 99999, /^99999 is out of range for int16 \(-32768\.\.32767\)$/],
  [int16, '40000', /out of range for int16/],
  [int32, 4.5, /4\.5 has a fraction; int32 keeps whole numbers only/],
  [int32, '4.5', /has a fraction/],
  [int32, Number.NaN, /NaN cannot be stored in int32/],
  [int32, Number.POSITIVE_INFINITY, /Infinity is out of range/],
  [int32, 'forty', /"forty" is not a whole number/],
  [int32, ' 42', /is not a whole number/],
  [int32, bytes(1), /cannot be stored in int32/],
  [int64, '9223372036854775808', /out of range for int64 \(-9223372036854775808\.\.9223372036854775807\)/],
  [int64, 1e20, /out of range for int64/],
  [uint64, -1, /-1 is out of range for bigint unsigned \(0\.\.18446744073709551615\)/, mysql],
  [uint64, '18446744073709551616', /out of range for bigint unsigned/, mysql],
  [tinyint, 200, /200 is out of range for tinyint \(-128\.\.127\)/, mysql],
  [num10_2, '1234.567', /^"1234\.567" has 3 decimals, numeric\(10,2\) keeps 2 \(it would be rounded\)$/],
  [num10_2, 1234.567, /^1234\.567 has 3 decimals, numeric\(10,2\) keeps 2 \(it would be rounded\)$/],
  [num12_2, Number.NaN, /^NaN cannot be stored in numeric\(12,2\)$/],
  [num12_2, 'NaN', /"NaN" cannot be stored in numeric\(12,2\)/],
  [numeric, Number.POSITIVE_INFINITY, /Infinity cannot be stored in numeric/],
  [num5_2, '1000', /"1000" is too large for numeric\(5,2\) \(at most 999\.99\)/],
  [num12_2, '12,50', /"12,50" is not a number/],
  [num3_neg2, '12345', /not a multiple of 100/],
  [udecimal, '-1.5', /is negative; decimal\(5,2\) unsigned keeps 0 and above/, mysql],
  [num12_2, 0.1 + 0.2, /0\.30000000000000004 has 17 decimals/],
  [float64, '9007199254740993', /more digits than double precision keeps \(it would become 9007199254740992/],
  [float32, Math.PI, /has more digits than real keeps \(it would become 3\.1415927\)/],
  [float32, 16777217, /it would become 16777216/],
  [float32, 1e39, /out of range for real/],
  [float64, '1e400', /out of range for double precision/],
  [float64, '1e-400', /too small for double precision \(it would become 0\)/],
  [float64, Number.NaN, /NaN cannot be stored in MySQL/, mysql],
  [float64, Number.NaN, /SQLite \(it would become NULL\)/, sqlite],
  [float64, Number.NEGATIVE_INFINITY, /-Infinity cannot be stored in MySQL/, mysql],
  [float64, 'abc', /"abc" is not a number/],
  [bool, 2, /^2 is not a boolean/],
  [bool, 'y', /"y" is not a boolean/],
  [bool, '', /"" is not a boolean/],
  [varchar40, GREETINGS, /^"Grüße aus Köln, schöne G…" is 51 characters, longer than varchar\(40\)$/],
  [varchar5, '😀😀😀😀😀😀', /is 6 characters, longer than varchar\(5\)/],
  [text, 'a\u0000b', /"a\\u0000b" contains the NUL character, which PostgreSQL cannot store/],
  [text, 'broken \ud800 pair', /not valid Unicode \(it holds a lone surrogate\)/],
  [text, bytes(0xc3, 0x28), /bytes 0xc328 \(2 bytes\) are not valid UTF-8/],
  [tinytext, 'é'.repeat(200), /is 400 bytes in UTF-8, longer than MySQL tinytext \(255 bytes\)/, mysql],
  [colour, 'blue', /"blue" is not one of the labels of enum/, mysql],
  [colour, 'RED', /not one of the labels/, mysql],
  [date, '0000-00-00', /^"0000-00-00" is not a valid date \(MySQL zero date\)$/],
  [date, '2024-00-10', /"2024-00-10" is not a valid date \(MySQL zero date: month 00\)/],
  [date, '2024-02-30', /not a valid date \(February 2024 has 29 days\)/],
  [date, '2023-02-29', /February 2023 has 28 days/],
  [date, '2024-13-01', /not a valid date \(month 13\)/],
  [date, '2024-04-31', /April has 30 days/],
  [date, '31/01/2024', /not a valid date \(expected YYYY-MM-DD\)/],
  [date, '2024-01-31 10:00:00', /has a time of day, which date would drop/],
  [date, 20240131, /cannot be stored in date/],
  [time, '838:59:59', /"838:59:59" is not a time of day .*MySQL TIME durations/],
  [time, '-01:00:00', /is not a time of day/],
  [time, '12:60:00', /not a valid time \(minute 60\)/],
  [time, '24:00:01', /not a valid time \(hour 24\)/],
  [time, '2024-01-31 10:00:00', /has a date, which time without time zone would drop/],
  [timestamp, '0000-00-00 00:00:00', /"0000-00-00 00:00:00" is not a valid timestamp \(MySQL zero date\)/],
  [timestamp, '2024-01-31 24:00:00', /not a valid timestamp \(hour 24\)/],
  [timestamp, '2024-01-31 13:45:00.1234567', /7 digits of fractional seconds, timestamp .* keeps 6/],
  [timestamp3, '2024-01-31 13:45:00.1234', /has 4 digits of fractional seconds, timestamp\(3\) .* keeps 3/],
  [datetime, '2024-01-31 13:45:00.5', /datetime keeps whole seconds only \(it would be rounded\)/, mysql],
  [timestamp, '2024-01-31 13:45:00 BC', /not a valid timestamp/],
  [timestamp, '0001-01-01 00:00:00+01', /falls outside the years 1 to 9999 in UTC/],
  [mysqlTimestamp, '2040-01-01 00:00:00+00', /outside MySQL's TIMESTAMP range/, mysql],
  [uuid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g', /is not a UUID/],
  [uuid, bytes(1, 2, 3), /cannot be stored in uuid/],
  [json, '{a: 1}', /"\{a: 1\}" is not valid JSON/],
  [json, Number.NaN, /NaN cannot be stored in json/],
  [jsonb, '{"a": "\\u0000"}', /jsonb cannot store/],
  [json, bytes(0xff), /not valid UTF-8/],
  [varbinary4, bytes(1, 2, 3, 4, 5), /\(5 bytes\) is 5 bytes, longer than varbinary\(4\)/],
  [varbinary4, 'hello', /"hello" is 5 bytes, longer than varbinary\(4\)/],
  [bytea, 42, /42 cannot be stored in bytea/],
];

const RULES: [to: ConvertTarget, value: Value, rule: OnInvalid, want: Value, on?: On][] = [
  [varchar5, 'Grüße aus Köln', 'truncate', 'Grüße'],
  [varchar5, '😀😀😀😀😀😀', 'truncate', '😀😀😀😀😀'],
  [tinytext, 'é'.repeat(200), 'truncate', 'é'.repeat(127), mysql],
  [num10_2, '1234.567', 'truncate', '1234.56'],
  [num10_2, '-0.009', 'truncate', '0'],
  [num3_neg2, '12345', 'truncate', '12300'],
  [int32, 4.9, 'truncate', 4],
  [int32, '-4.9', 'truncate', -4],
  [timestamp, '2024-01-31 13:45:00.1234567', 'truncate', '2024-01-31 13:45:00.123456'],
  [datetime, '2024-01-31 13:45:00.5', 'truncate', '2024-01-31 13:45:00', mysql],
  [date, '2024-01-31 10:00:00', 'truncate', '2024-01-31'],
  [time, '2024-01-31 10:00:00', 'truncate', '10:00:00'],
  [float64, '9007199254740993', 'truncate', 9007199254740992],
  [float32, Math.PI, 'truncate', realPi],
  [varbinary4, bytes(1, 2, 3, 4, 5), 'truncate', bytes(1, 2, 3, 4)],
  [int16, 99999, 'clamp', 32767],
  [int16, '-99999', 'clamp', -32768],
  [int32, Number.NEGATIVE_INFINITY, 'clamp', -2147483648],
  [uint64, -5, 'clamp', 0, mysql],
  [uint64, '99999999999999999999', 'clamp', '18446744073709551615', mysql],
  [num5_2, '12345.6', 'clamp', '999.99'],
  [num5_2, -1e9, 'clamp', '-999.99'],
  [udecimal, '-3', 'clamp', '0', mysql],
  [float32, -1e39, 'clamp', -3.4028234663852886e38],
  [float64, Number.POSITIVE_INFINITY, 'clamp', Number.MAX_VALUE, mysql],
  [date, '0000-00-00', 'null', null],
  [int16, 99999, 'null', null],
  [text, bytes(0xc3, 0x28), 'null', null],
  [json, 'not json', 'null', null],
  [int32, 4.5, 'clamp', 'rejected'],
  [date, '0000-00-00', 'truncate', 'rejected'],
  [varchar5, 'too long', 'clamp', 'rejected'],
  [int16, 99999, 'truncate', 'rejected'],
];

/** The canonical values of each type, converted into a column of the same type. */
const SAME: [to: ConvertTarget, values: Value[]][] = [
  [int32, [0, -1, 2147483647, -2147483648]],
  [int64, [9007199254740991, '9223372036854775807', '-9223372036854775808']],
  [num12_2, ['0', '12.50', '-9999999999.99', '0.05']],
  [float64, [0.1, -0, 1e308, Number.NaN, Number.NEGATIVE_INFINITY]],
  [float32, [0.5, realPi, 16777216]],
  [bool, [true, false]],
  [varchar40, ['', 'Grüße', '😀'.repeat(40)]],
  [text, ['any text at all', 'x'.repeat(100_000)]],
  [date, ['2024-02-29', '0001-01-01', '9999-12-31']],
  [time, ['00:00:00', '13:14:15.5', '24:00:00']],
  [timestamp, ['2024-01-31 13:45:00', '2024-01-31 13:45:00.123456']],
  [timestamptz, ['2024-01-31 13:45:00+00', '2024-01-31 13:45:00.5+00']],
  [uuid, [UUID]],
  [json, ['{"a":1}', '[1, 2]', '"text"', 'null']],
  [bytea, [bytes(), bytes(0, 255)]],
];

describe('value conversion', () => {
  describe('values that fit', () => {
    for (const [to, value, want, on = {}] of GOOD) {
      test(title(to, value, on), () => assert.deepEqual(convert(to, value, on), want));
    }
  });

  describe('values that do not fit are row errors', () => {
    for (const [to, value, reason, on = {}] of BAD) {
      test(title(to, value, on), () => {
        assert.throws(
          () => convert(to, value, on),
          (error: unknown) => {
            assert.ok(error instanceof RowValueError, `expected a RowValueError, got ${error}`);
            assert.match(error.reason, reason);
            return true;
          },
        );
        // Every one of them becomes NULL when the mapping asks for it, with no exception.
        assert.equal(convert(to, value, { ...on, rule: 'null' }), null);
      });
    }
  });

  describe('explicit rules', () => {
    for (const [to, value, rule, want, on = {}] of RULES) {
      test(`${title(to, value, { ...on, rule })} -> ${want === 'rejected' ? want : show(want)}`, () => {
        if (want === 'rejected') assert.throws(() => convert(to, value, { ...on, rule }), RowValueError);
        else assert.deepEqual(convert(to, value, { ...on, rule }), want);
      });
    }
  });

  describe('same type: values come back unchanged', () => {
    for (const [to, values] of SAME) {
      test(to.nativeType, () => {
        const converter = compileConverter(to, { source: { type: to.type }, targetDialect: 'postgres' });
        for (const value of [...values, null]) assert.ok(Object.is(converter(value), value), show(value));
      });
    }

    test('widening keeps the value: int16 into int64, varchar into text', () => {
      const intoInt64 = compileConverter(int64, { source: { type: 'int16' }, targetDialect: 'mysql' });
      assert.equal(intoInt64(-32768), -32768);
      const intoText = compileConverter(text, {
        source: { type: 'string', length: 40 },
        targetDialect: 'sqlite',
      });
      assert.equal(intoText('Grüße'), 'Grüße');
    });

    test('bytes are returned as the same object', () => {
      const value = bytes(1, 2, 3);
      assert.equal(convert(bytea, value), value);
      assert.equal(convert(varbinary4, value), value);
    });

    test('an unknown target (a PostgreSQL enum) passes anything through', () => {
      assert.equal(compileConverter(unknown, { targetDialect: 'postgres' }), passThrough);
      assert.equal(convert(unknown, 'not checked'), 'not checked');
    });
  });

  describe('checkNotNull', () => {
    test('NULL into a NOT NULL column is a row error', () => {
      assert.throws(
        () => checkNotNull({ name: 'email', nullable: false }, null),
        (error: unknown) =>
          error instanceof RowValueError && /NULL into NOT NULL column "email"/.test(error.reason),
      );
    });

    test('values, and NULL into a nullable column, pass', () => {
      assert.equal(checkNotNull({ name: 'email', nullable: false }, ''), '');
      assert.equal(checkNotNull({ name: 'email', nullable: true }, null), null);
    });
  });
});
