import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Connection } from '../src/connectors/connection.ts';
import { openConnection } from '../src/connectors/open.ts';
import { DataBridgeError } from '../src/errors.ts';
import type { ColumnInfo, TableInfo } from '../src/schema/model.ts';
import type { Row } from '../src/values.ts';
import { column, failsWith, table } from './support/builders.ts';
import { freshMysql, rawExec, type TestDatabase } from './support/databases.ts';

/** MySQL/MariaDB reading, introspection and errors as a user would notice them, on the real server. */

describe('mysql connector specifics', () => {
  let db: TestDatabase;
  let conn: Connection;
  const ref = (name: string) => ({ schema: db.name, name });
  const create = (info: TableInfo) => conn.query(conn.dialect.createTable(info, ref(info.name)));
  const all = (info: TableInfo) =>
    conn.reader.fetch({
      table: ref(info.name),
      select: info.columns.map((c) => ({ column: c.name })),
      orderBy: ['id'],
    });
  async function load(info: TableInfo, rows: Row[], mode: 'append' | 'upsert' = 'append') {
    const session = await conn.loader.begin();
    try {
      const written = await session.write(
        { table: ref(info.name), columns: info.columns },
        rows,
        mode,
        info.primaryKey,
      );
      await session.commit();
      return written;
    } finally {
      await session.rollback();
    }
  }

  before(async () => {
    db = await freshMysql();
    conn = await openConnection(db.url, { poolSize: 3 });
  });
  after(async () => {
    await conn?.close();
    await db?.drop();
  });

  test('every pooled connection is strict and in UTC', async () => {
    const rows = await Promise.all(
      [1, 2, 3].map(() => conn.query('SELECT @@SESSION.sql_mode AS m, @@SESSION.time_zone AS z')),
    );
    for (const [row] of rows) {
      assert.match(String(row!.m), /STRICT_ALL_TABLES/);
      assert.equal(row!.z, '+00:00');
    }
  });

  test('native values read in their canonical forms; zero dates pass through unaltered', async () => {
    await rawExec(
      db,
      'mysql',
      `SET SESSION sql_mode = '';
      CREATE TABLE native (id int PRIMARY KEY, flag tinyint(1), tiny tinyint, big bigint unsigned, d date, dt datetime(6),
        ts timestamp(6) NULL, tm time(6), doc json, money decimal(12,4), f float, bits bit(12), kind enum('a','b'));
      INSERT INTO native VALUES
        (1, 1, 7, 18446744073709551615, '2024-02-29', '2024-02-29 13:14:15.500000', '2024-02-29 13:14:15.000000',
          '-01:02:03.250000', '{"a": [1, 2.50]}', '12.5000', 1.5, b'101010101010', 'b'),
        (2, 0, -7, 9007199254740991, '0000-00-00', '0000-00-00 00:00:00.000000', NULL, '00:00:00', NULL, NULL, NULL, NULL, NULL);`,
    );
    const schema = await conn.introspect();
    const native = schema.tables.find((t) => t.name === 'native')!;
    const types = Object.fromEntries(native.columns.map((c) => [c.name, c.type]));
    assert.deepEqual(types, {
      id: 'int32',
      flag: 'boolean',
      tiny: 'int16',
      big: 'decimal',
      d: 'date',
      dt: 'timestamp',
      ts: 'timestamptz',
      tm: 'time',
      doc: 'json',
      money: 'decimal',
      f: 'float32',
      bits: 'bit',
      kind: 'string',
    });
    assert.equal(native.columns.find((c) => c.name === 'big')!.unsigned, true);
    assert.deepEqual(await all(native), [
      [
        1,
        true,
        7,
        '18446744073709551615',
        '2024-02-29',
        '2024-02-29 13:14:15.5',
        '2024-02-29 13:14:15+00',
        '-01:02:03.25',
        '{"a": [1, 2.50]}',
        '12.5000',
        1.5,
        '101010101010',
        'b',
      ],
      [
        2,
        false,
        -7,
        9007199254740991,
        '0000-00-00',
        '0000-00-00 00:00:00.000000',
        null,
        '00:00:00',
        null,
        null,
        null,
        null,
        null,
      ],
    ]);
  });

  test('a 30,000-row stream comes in bounded batches, in order, and stops cleanly', async () => {
    const many = tableWithId('many', [column('id', 'int32'), column('label', 'string', { length: 20 })]);
    await create(many);
    await load(
      many,
      Array.from({ length: 30_000 }, (_, i) => [i + 1, `row ${i + 1}`]),
    );
    const request = { table: ref('many'), select: [{ column: 'id' }, { column: 'label' }], orderBy: ['id'] };
    const sizes: number[] = [];
    let expected = 1;
    for await (const batch of conn.reader.stream(request, 1000)) {
      sizes.push(batch.length);
      for (const row of batch) assert.equal(row[0], expected++);
    }
    assert.deepEqual(sizes, Array(30).fill(1000));

    for await (const _ of conn.reader.stream(request, 500)) break; // leaving early releases the connection
    const controller = new AbortController();
    await assert.rejects(async () => {
      for await (const _ of conn.reader.stream(request, 100, controller.signal)) controller.abort();
    }, failsWith('cancelled'));
    const keyset = await conn.reader.fetch({ ...request, after: [29_998], limit: 5 });
    assert.deepEqual(keyset, [
      [29_999, 'row 29999'],
      [30_000, 'row 30000'],
    ]);
    assert.equal(await conn.reader.count(ref('many')), 30_000); // the pool still works
  });

  test('errors name what is wrong, never the password', async () => {
    await assert.rejects(conn.reader.count(ref('no_such_table')), failsWith('unknown_table'));
    await assert.rejects(
      conn.query(`SELECT nope FROM ${conn.dialect.qualify(ref('many'))}`),
      failsWith('unknown_column'),
    );
    await assert.rejects(conn.reader.count(ref('many'), 'this is not sql'), failsWith('bad_spec'));
    const url = db.url.replace(/\/[^/]*$/, '/no_such_db_here');
    await assert.rejects(openConnection(url), failsWith('bad_url', /no_such_db_here/));
    await assert.rejects(openConnection('mysql://root:pw-s3cret@127.0.0.1:1/x'), (e: unknown) => {
      assert.ok(e instanceof DataBridgeError && e.code === 'connection_failed');
      assert.doesNotMatch(e.message, /pw-s3cret/);
      return true;
    });
  });

  test('introspection skips the checkpoint table, finds MariaDB JSON, and honours schemas', async () => {
    await conn.ensureCheckpointTable();
    const schema = await conn.introspect();
    assert.deepEqual(schema.schemas, [db.name]);
    assert.ok(!schema.tables.some((t) => t.name === '_databridge_checkpoints'));
    assert.ok(schema.tables.every((t) => t.schema === db.name));
    const doc = schema.tables.find((t) => t.name === 'native')!.columns.find((c) => c.name === 'doc')!;
    assert.equal(doc.type, 'json');
    assert.deepEqual((await conn.introspect({ schemas: ['no_such_database'] })).tables, []);
  });
});

const tableWithId = (name: string, columns: ColumnInfo[]) => table(name, columns, ['id'], 'source');
