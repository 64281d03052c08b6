import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Connection } from '../src/connectors/connection.ts';
import { openConnection } from '../src/connectors/open.ts';
import type { NormalisedType, TableInfo } from '../src/schema/model.ts';
import { sqliteDialect } from '../src/sqlite/sqlite-dialect.ts';
import { column, failsWith, table } from './support/builders.ts';
import { loadChinookSqlite } from './support/chinook.ts';
import { freshSqlite, rawExec, type TestDatabase } from './support/databases.ts';

describe('sqlite schema and dialect', () => {
  let db: TestDatabase;
  let conn: Connection;
  const main = (name: string) => ({ schema: 'main', name });

  before(async () => {
    db = await freshSqlite();
    loadChinookSqlite(db);
    conn = await openConnection(db.url);
  });
  after(async () => {
    await conn?.close();
    await db?.drop();
  });

  test('creates every normalised type so that it introspects as the same type', async () => {
    const types: NormalisedType[] = [
      'boolean',
      'int16',
      'int32',
      'int64',
      'float32',
      'float64',
      'text',
      'date',
      'time',
      'timestamp',
      'timestamptz',
      'binary',
      'json',
      'uuid',
      'unknown',
    ];
    const source = table(
      'all_types',
      [
        column('id', 'int64', { nullable: false }),
        ...types.map((t) => column(`c_${t}`, t)),
        column('c_decimal', 'decimal', { precision: 12, scale: 3 }),
        column('c_string', 'string', { length: 40, nullable: false }),
      ],
      ['id'],
    );
    await conn.query(conn.dialect.createTable(source, source));
    const created = (await conn.introspect()).tables.find((t) => t.name === 'all_types')!;
    for (const expected of source.columns) {
      const actual = created.columns.find((c) => c.name === expected.name)!;
      assert.equal(actual.type, expected.type, `${expected.name} declared ${actual.nativeType}`);
      assert.equal(actual.length, expected.length);
      assert.equal(actual.precision, expected.precision);
      assert.equal(actual.scale, expected.scale);
      assert.equal(actual.nullable, expected.nullable, expected.name);
    }
    assert.equal(created.columns[0]!.autoIncrement, true, 'a single int64 key becomes the rowid');
  });

  test('introspects foreign keys (a bare REFERENCES means the parent key) and unique constraints', async () => {
    await rawExec(
      db,
      'sqlite',
      `CREATE TABLE parent (a INTEGER, b TEXT, code TEXT UNIQUE, PRIMARY KEY (a, b));
       CREATE TABLE child (id INTEGER PRIMARY KEY, pa INTEGER, pb TEXT, FOREIGN KEY (pa, pb) REFERENCES PARENT);`,
    );
    const schema = await conn.introspect();
    assert.deepEqual(schema.schemas, ['main']);
    const parent = schema.tables.find((t) => t.name === 'parent')!;
    assert.deepEqual(
      parent.uniqueConstraints.map((u) => u.columns),
      [['code']],
    );
    const child = schema.tables.find((t) => t.name === 'child')!;
    assert.deepEqual(
      child.foreignKeys.map((fk) => [
        fk.columns,
        fk.referencedSchema,
        fk.referencedTable,
        fk.referencedColumns,
      ]),
      [[['pa', 'pb'], 'main', 'parent', ['a', 'b']]],
    );
    assert.ok(!schema.tables.some((t) => t.name.startsWith('sqlite_')));
  });

  test('writes foreign keys inline, since SQLite cannot add them later', () => {
    const invoice: TableInfo = {
      ...table(
        'Invoice',
        [
          column('InvoiceId', 'int64', { nullable: false }),
          column('CustomerId', 'int32'),
          column('Total', 'decimal', { precision: 10, scale: 2 }),
        ],
        ['InvoiceId'],
      ),
      foreignKeys: [
        {
          name: 'fk_cust',
          columns: ['CustomerId'],
          referencedSchema: 'main',
          referencedTable: 'Customer',
          referencedColumns: ['CustomerId'],
        },
      ],
    };
    assert.equal(
      sqliteDialect.createTable(invoice, { schema: 'main', name: 'in"voice' }),
      [
        'CREATE TABLE "main"."in""voice" (',
        '  "InvoiceId" INTEGER NOT NULL,',
        '  "CustomerId" INT,',
        '  "Total" NUMERIC(10,2),',
        '  PRIMARY KEY ("InvoiceId"),',
        '  CONSTRAINT "fk_cust" FOREIGN KEY ("CustomerId") REFERENCES "Customer" ("CustomerId")',
        ')',
      ].join('\n'),
    );
    assert.deepEqual(sqliteDialect.addForeignKeys(invoice, main('Invoice')), []);
  });
});

describe('opening SQLite files', () => {
  test('a new file is created when its folder exists', async () => {
    const db = await freshSqlite();
    const conn = await openConnection(db.url);
    assert.ok(existsSync(db.name));
    assert.equal(conn.displayUrl, db.url);
    await conn.close();
    await db.drop();
  });

  test('a missing folder is connection_failed naming the path', async () => {
    await assert.rejects(
      openConnection('sqlite:/no/such/folder/app.db'),
      failsWith('connection_failed', /\/no\/such\/folder/),
    );
  });

  test('a file that is not a database is bad_url (a wrong address, not retried)', async () => {
    const db = await freshSqlite();
    writeFileSync(db.name, 'just some text, certainly no SQLite header in here '.repeat(10));
    await assert.rejects(openConnection(db.url), failsWith('bad_url', /not an SQLite database/));
    await db.drop();
  });

  test('an unknown table is unknown_table', async () => {
    const conn = await openConnection('sqlite::memory:');
    await assert.rejects(conn.reader.count({ schema: 'main', name: 'nope' }), failsWith('unknown_table'));
    await conn.close();
  });
});
