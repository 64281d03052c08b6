import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalDecimal, RowChecksum } from '../src/run/checksum.ts';
import { splitRange } from '../src/run/plan-tasks.ts';
import type { NormalisedType } from '../src/schema/model.ts';
import type { Row } from '../src/values.ts';

function digest(types: NormalisedType[], rows: Row[]): string {
  const sum = new RowChecksum(types.map((type) => ({ type })));
  for (const r of rows) sum.add(r);
  return sum.digest();
}

describe('order-independent checksum', () => {
  test('the same rows in another order give the same checksum', () => {
    const rows: Row[] = [
      [1, 'a'],
      [2, 'b'],
      [3, null],
    ];
    assert.equal(digest(['int32', 'text'], rows), digest(['int32', 'text'], [rows[2]!, rows[0]!, rows[1]!]));
  });

  test('one changed, missing or duplicated value changes it', () => {
    const base = digest(
      ['int32', 'text'],
      [
        [1, 'a'],
        [2, 'b'],
      ],
    );
    assert.notEqual(
      base,
      digest(
        ['int32', 'text'],
        [
          [1, 'a'],
          [2, 'c'],
        ],
      ),
    );
    assert.notEqual(base, digest(['int32', 'text'], [[1, 'a']]));
    assert.notEqual(
      base,
      digest(
        ['int32', 'text'],
        [
          [1, 'a'],
          [2, 'b'],
          [2, 'b'],
        ],
      ),
    );
    assert.notEqual(digest(['text'], [[null]]), digest(['text'], [['']]));
  });

  test('equal values as different databases print them compare equal', () => {
    const types: NormalisedType[] = [
      'decimal',
      'boolean',
      'timestamp',
      'timestamptz',
      'int64',
      'json',
      'float32',
    ];
    const mysql: Row = [
      '1.90',
      1,
      '2024-01-01 10:00:00.500000',
      '2024-01-01 10:00:00+00',
      '9007199254740993',
      '{"b": 1, "a": [1, 2]}',
      1.100000023841858,
    ];
    const postgres: Row = [
      '1.9',
      true,
      '2024-01-01 10:00:00.5',
      '2024-01-01 12:00:00+02',
      '9007199254740993',
      '{"a": [1, 2], "b": 1}',
      1.1,
    ];
    assert.equal(digest(types, [mysql]), digest(types, [postgres]));
  });

  test('canonical decimals', () => {
    assert.equal(canonicalDecimal('0012.3400'), '12.34');
    assert.equal(canonicalDecimal('-0.00'), '0');
    assert.equal(canonicalDecimal('5'), '5');
    assert.equal(canonicalDecimal('.5'), '0.5');
    // The plain-digits fast path gives what the regular path gives.
    for (const [text, canonical] of <[string, string][]>[
      ['0.00', '0'],
      ['10', '10'],
      ['10.50', '10.5'],
      ['10.', '10'],
      ['100.000', '100'],
      ['0.10', '0.1'],
      ['-1.50', '-1.5'],
      [' 2.50 ', '2.5'],
      ['1e3', '1000'],
    ])
      assert.equal(canonicalDecimal(text), canonical, text);
  });
});

describe('key ranges', () => {
  test('cover every key exactly once, open at both ends', () => {
    const ranges = splitRange(1n, 1000n, 4, 'id');
    assert.equal(ranges.length, 4);
    assert.equal(ranges[0]!.from, undefined);
    assert.equal(ranges[3]!.to, undefined);
    for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]!.from, ranges[i - 1]!.to);
  });

  test('a span narrower than the parts gives fewer ranges, never empty ones', () => {
    const ranges = splitRange(5n, 6n, 8, 'id');
    assert.ok(ranges.length <= 2);
  });

  test('keys beyond 2^53 stay exact', () => {
    const ranges = splitRange(9007199254740993n, 9007199254750993n, 2, 'id');
    assert.equal(ranges[0]!.to, '9007199254745993');
  });
});
