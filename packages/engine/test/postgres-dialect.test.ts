import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildKeysetSelect } from '../src/connectors/keyset-select.ts';
import { DataBridgeError } from '../src/errors.ts';
import { encodeCopyRows } from '../src/postgres/postgres-copy-text.ts';
import { PostgresDialect } from '../src/postgres/postgres-dialect.ts';
import type { ColumnInfo, NormalisedType, TableInfo } from '../src/schema/model.ts';

const dialect = new PostgresDialect();

function column(name: string, type: NormalisedType, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    name,
    nativeType: 'x',
    type,
    nullable: true,
    defaultValue: null,
    autoIncrement: false,
    ordinal: 1,
    ...extra,
  };
}

describe('postgres dialect', () => {
  test('quotes identifiers, doubling embedded double quotes', () => {
    assert.equal(dialect.quoteIdentifier('we"ird name'), '"we""ird name"');
    assert.equal(dialect.qualify({ schema: 'Sales', name: 'order' }), '"Sales"."order"');
    assert.equal(dialect.placeholder(3), '$3');
  });

  test('names PostgreSQL types for the normalised ones', () => {
    const cases: [Partial<ColumnInfo> & { type: NormalisedType }, string][] = [
      [{ type: 'string', length: 40 }, 'varchar(40)'],
      [{ type: 'string' }, 'text'],
      [{ type: 'decimal', precision: 10, scale: 2 }, 'numeric(10,2)'],
      [{ type: 'decimal', precision: 7 }, 'numeric(7,0)'],
      [{ type: 'decimal' }, 'numeric'],
      [{ type: 'int16' }, 'smallint'],
      [{ type: 'int64' }, 'bigint'],
      [{ type: 'float32' }, 'real'],
      [{ type: 'float64' }, 'double precision'],
      [{ type: 'timestamptz' }, 'timestamptz'],
      [{ type: 'binary', length: 16 }, 'bytea'],
      [{ type: 'json' }, 'jsonb'],
      [{ type: 'unknown', nativeType: 'GEOMETRY' }, 'text'],
    ];
    for (const [shape, expected] of cases) {
      assert.equal(dialect.columnType(column('c', shape.type, shape)), expected, JSON.stringify(shape));
    }
  });

  test('writes CREATE TABLE with NOT NULL and the primary key, and foreign keys apart', () => {
    const table: TableInfo = {
      schema: 'src',
      name: 'Line',
      columns: [
        column('Qty', 'int32', { ordinal: 2 }),
        column('Id', 'int64', { nullable: false, ordinal: 1 }),
      ],
      primaryKey: ['Id'],
      foreignKeys: [
        {
          name: 'fk_order',
          columns: ['Id', 'Qty'],
          referencedSchema: 'src',
          referencedTable: 'Order',
          referencedColumns: ['A', 'B'],
        },
      ],
      uniqueConstraints: [],
      rowEstimate: -1,
    };
    const target = { schema: 'public', name: 'line' };
    assert.equal(
      dialect.createTable(table, target),
      'CREATE TABLE "public"."line" (\n  "Id" bigint NOT NULL,\n  "Qty" integer,\n  PRIMARY KEY ("Id")\n)',
    );
    assert.deepEqual(dialect.addForeignKeys(table, target), [
      'ALTER TABLE "public"."line" ADD CONSTRAINT "fk_order" FOREIGN KEY ("Id", "Qty") REFERENCES "public"."Order" ("A", "B")',
    ]);
  });
});

describe('postgres SELECT and COPY text', () => {
  test('ANDs the range, the keyset position and the filter, with every value a parameter', () => {
    const statement = buildKeysetSelect(dialect, {
      table: { schema: 'public', name: 't' },
      select: [{ column: 'a' }, { expression: 'b * 2' }],
      range: { column: 'a', from: 10, to: 20 },
      orderBy: ['a', 'b'],
      after: [12, 'x'],
      where: 'c IS NOT NULL OR d',
      limit: 5,
    });
    assert.equal(
      statement.sql,
      'SELECT "a", b * 2 FROM "public"."t" WHERE "a" >= $1 AND "a" < $2 AND ("a", "b") > ($3, $4) ' +
        'AND (c IS NOT NULL OR d) ORDER BY "a", "b" LIMIT $5',
    );
    assert.deepEqual(statement.params, [10, 20, 12, 'x', 5]);
  });

  test('encodes a batch as one COPY text payload', () => {
    const rows = [
      [1, 'a\tb\nc\rd\\e', null, true, Buffer.from([0xde, 0xad])],
      [2n ** 63n - 1n, '\\N', Number.NaN, false, new Uint8Array([1])],
      [-0, '', Number.NEGATIVE_INFINITY, null, Buffer.alloc(0)],
    ];
    const text = (chunks: Buffer[]) => chunks.map((c) => c.toString('utf8'));
    assert.deepEqual(text(encodeCopyRows(rows, ['a', 'b', 'c', 'd', 'e'])), [
      '1\ta\\tb\\nc\\rd\\\\e\t\\N\tt\t\\\\xdead\n' +
        '9223372036854775807\t\\\\N\tNaN\tf\t\\\\x01\n' +
        '-0\t\t-Infinity\t\\N\t\\\\x\n',
    ]);
  });

  test('text beyond ASCII is UTF-8 with its specials escaped, before and after the first non-ASCII character', () => {
    const rows = [
      ['a\\b\tcafé\nd\\e', 'naïve', '😀\r', 'x'],
      ['ünï\tcode', 'plain', '', '\\'],
    ];
    const payload = Buffer.concat(encodeCopyRows(rows, ['a', 'b', 'c', 'd'])).toString('utf8');
    assert.equal(payload, 'a\\\\b\\tcafé\\nd\\\\e\tnaïve\t😀\\r\tx\n' + 'ünï\\tcode\tplain\t\t\\\\\n');
  });

  test('a batch larger than a chunk arrives whole, cut only between bytes of one stream', () => {
    const note = 'é'.repeat(300) + '\t' + 'x'.repeat(700);
    const rows = Array.from({ length: 6_000 }, (_, i) => [i, note]);
    const chunks = encodeCopyRows(rows, ['id', 'note']);
    assert.ok(chunks.length > 1, 'a 7 MB batch comes in more than one chunk');
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    assert.equal(lines.length, 6_001);
    assert.equal(lines[5_999], `5999\t${'é'.repeat(300)}\\t${'x'.repeat(700)}`);
  });

  test('refuses a Date, which would lose precision and depend on the time zone', () => {
    const rows = [[new Date() as unknown as string]];
    assert.throws(
      () => encodeCopyRows(rows, ['at']),
      (e: unknown) => e instanceof DataBridgeError && e.code === 'bad_value',
    );
  });
});
