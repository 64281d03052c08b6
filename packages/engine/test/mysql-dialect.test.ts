import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MysqlDialect } from '../src/mysql/mysql-dialect.ts';
import { insertChunks } from '../src/mysql/mysql-insert.ts';
import { tsvChunks } from '../src/mysql/mysql-load-data.ts';
import { selectStatement } from '../src/mysql/mysql-select.ts';
import { toUtcDateTime } from '../src/mysql/mysql-time.ts';
import { trimFraction } from '../src/mysql/mysql-values.ts';
import type { ColumnInfo, NormalisedType, TableInfo } from '../src/schema/model.ts';
import { column } from './support/builders.ts';

/** The SQL the MySQL dialect writes, without a server. */
const dialect = new MysqlDialect('shop');

function table(columns: ColumnInfo[], extra: Partial<TableInfo> = {}): TableInfo {
  return {
    schema: 'public',
    name: 't',
    columns,
    primaryKey: [],
    foreignKeys: [],
    uniqueConstraints: [],
    rowEstimate: 0,
    ...extra,
  };
}

describe('mysql dialect', () => {
  test('quotes with backticks, doubling embedded ones, and qualifies with the database', () => {
    const q = dialect.quoteIdentifier;
    assert.equal(q('we"ird `name'), '`we"ird ``name`');
    assert.equal(dialect.qualify({ schema: 'shop', name: 'a`b' }), '`shop`.`a``b`');
    assert.equal(dialect.placeholder(1), '?');
  });

  test('maps neutral types to lossless MySQL types', () => {
    const type = (t: NormalisedType, extra: Partial<ColumnInfo> = {}) =>
      dialect.columnType(column('c', t, extra));
    assert.equal(type('string', { length: 40 }), 'varchar(40)');
    assert.equal(type('string', { length: 20_000 }), 'longtext');
    assert.equal(type('string'), 'longtext');
    assert.equal(type('decimal', { precision: 10, scale: 2 }), 'decimal(10,2)');
    assert.equal(type('decimal'), 'decimal(65,30)');
    assert.equal(type('decimal', { precision: 100, scale: 4 }), 'decimal(65,30)');
    assert.equal(type('timestamptz'), 'datetime(6)');
    assert.equal(type('int64', { nativeType: 'bigint(20) unsigned' }), 'bigint unsigned');
    assert.equal(type('binary', { length: 16 }), 'varbinary(16)');
    assert.equal(type('binary'), 'longblob');
    assert.equal(type('uuid'), 'char(36)');
  });

  test('creates tables whose text keys are indexable and whose rows fit', () => {
    const sql = dialect.createTable(
      table(
        [
          column('code', 'text', { nullable: false }),
          column('id', 'int64', { autoIncrement: true }),
          ...Array.from({ length: 10 }, (_, i) => column(`wide${i}`, 'string', { length: 4000 })),
        ],
        { primaryKey: ['id'], uniqueConstraints: [{ name: 'code_unique', columns: ['code'] }] },
      ),
      { schema: 'shop', name: 'items' },
    );
    assert.match(sql, /^CREATE TABLE `shop`.`items` \(/);
    assert.match(sql, /`code` varchar\(255\) NOT NULL,/);
    assert.match(sql, /`id` bigint NOT NULL AUTO_INCREMENT,/);
    assert.match(sql, /PRIMARY KEY \(`id`\),\n {2}UNIQUE KEY `code_unique` \(`code`\)/);
    assert.match(sql, /ENGINE=InnoDB DEFAULT CHARSET=utf8mb4$/);
    const varchars = sql.match(/varchar\(4000\)/g)?.length ?? 0;
    assert.ok(
      varchars >= 1 && varchars <= 4,
      `${varchars} varchar(4000) left: 10 x 16,000 bytes cannot fit 65,535`,
    );
  });

  test('adds foreign keys in the target database', () => {
    const info = table([column('customer_id', 'int32')], {
      foreignKeys: [
        {
          name: '',
          columns: ['customer_id'],
          referencedSchema: 'public',
          referencedTable: 'customer',
          referencedColumns: ['id'],
        },
      ],
    });
    assert.deepEqual(dialect.addForeignKeys(info, { schema: 'shop', name: 'invoice' }), [
      'ALTER TABLE `shop`.`invoice` ADD CONSTRAINT `fk_invoice_customer_id` FOREIGN KEY (`customer_id`) ' +
        'REFERENCES `shop`.`customer` (`id`)',
    ]);
  });

  test('selects with ranges and an index-friendly keyset condition, values as parameters', () => {
    const { sql, params } = selectStatement(dialect, {
      table: { schema: 'shop', name: 'pt' },
      select: [{ column: 'a' }, { expression: 'b * 2' }],
      orderBy: ['a', 'b'],
      after: [1, 'x'],
      range: { column: 'a', from: 0, to: 10 },
      where: 'b IS NOT NULL',
      limit: 5,
    });
    assert.equal(
      sql,
      'SELECT `a`, b * 2 FROM `shop`.`pt` WHERE `a` >= ? AND `a` < ? AND (`a` > ? OR (`a` = ? AND `b` > ?)) ' +
        'AND (b IS NOT NULL) ORDER BY `a`, `b` LIMIT ?',
    );
    assert.deepEqual(params, [0, 10, 1, 1, 'x', 5]);
  });

  test('splits INSERTs at the size limit and writes upserts for the non-key columns', () => {
    const target = {
      table: { schema: 'shop', name: 't' },
      columns: [column('id', 'int64'), column('name', 'text')],
    };
    const rows = Array.from({ length: 100 }, (_, i) => [i, `name ${i} it's`]);
    const chunks = [...insertChunks(dialect, target, rows, 'upsert', ['id'], 1000)];
    assert.ok(chunks.length > 1);
    for (const chunk of chunks) assert.ok(chunk.sql.length <= 1000);
    assert.match(chunks[0]!.sql, /^INSERT INTO `shop`.`t` \(`id`, `name`\) VALUES \(0,'name 0 it\\'s'\),/);
    assert.match(chunks[0]!.sql, / ON DUPLICATE KEY UPDATE `name` = VALUES\(`name`\)$/);
    let next = 0;
    for (const chunk of chunks) {
      assert.equal(chunk.firstRow, next);
      next += chunk.sql.split('),(').length;
    }
    assert.equal(next, rows.length);
  });

  test('encodes LOAD DATA text with escapes, \\N for NULL and hex for bytes', () => {
    const columns = [
      column('id', 'int32'),
      column('s', 'text'),
      column('b', 'binary'),
      column('f', 'boolean'),
    ];
    const target = { table: { schema: 'shop', name: 't' }, columns };
    const [chunk] = tsvChunks(target, [
      [1, 'a\tb\\n\nc', Buffer.from([0, 255]), true],
      [2, null, null, false],
    ]);
    assert.equal(chunk!.toString(), '1\ta\\tb\\\\n\\nc\t00ff\t1\n2\t\\N\t\\N\t0\n');
  });

  test('converts timestamptz to UTC on the digits and trims fractional zeros', () => {
    assert.equal(toUtcDateTime('2024-01-01 01:30:00.123456+02'), '2023-12-31 23:30:00.123456');
    assert.equal(toUtcDateTime('2024-02-28 22:00:00-05:30'), '2024-02-29 03:30:00');
    assert.equal(toUtcDateTime('0001-01-01 00:00:00+01'), '0000-12-31 23:00:00');
    assert.equal(toUtcDateTime('2024-01-01 10:00:00Z'), '2024-01-01 10:00:00');
    assert.equal(toUtcDateTime('2024-01-01 10:00:00'), undefined);
    assert.equal(trimFraction('2024-01-01 10:00:00.000000'), '2024-01-01 10:00:00');
    assert.equal(trimFraction('10:00:00.500000'), '10:00:00.5');
    assert.equal(trimFraction('0000-00-00 00:00:00.000000'), '0000-00-00 00:00:00.000000');
  });
});
