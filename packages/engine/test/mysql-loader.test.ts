import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Connection } from '../src/connectors/connection.ts';
import { openConnection } from '../src/connectors/open.ts';
import type { ColumnInfo, TableInfo } from '../src/schema/model.ts';
import type { Row } from '../src/values.ts';
import { column, failsWith, table } from './support/builders.ts';
import { freshMysql, rawExec, type TestDatabase } from './support/databases.ts';

/** What the MySQL/MariaDB bulk loader does with values a user would notice, on the real server. */

describe('mysql bulk loader', () => {
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

  test('a too-long string or an over-precise decimal is bad_value, never truncated or rounded', async () => {
    const short = tableWithId('short', [
      column('id', 'int32'),
      column('code', 'string', { length: 3 }),
      column('price', 'decimal', { precision: 6, scale: 2 }),
    ]);
    await create(short);
    for (const mode of ['append', 'upsert'] as const) {
      await assert.rejects(load(short, [[1, 'abcd', '1.00']], mode), failsWith('bad_value', /code/));
      await assert.rejects(load(short, [[1, 'abc', '1.005']], mode), failsWith('bad_value', /price/));
      await assert.rejects(load(short, [[1, 'abc', '100000.00']], mode), failsWith('bad_value'));
    }
    assert.equal(await conn.reader.count(ref('short')), 0);
    await assert.rejects(load(short, [[1, null, Number.NaN]]), failsWith('bad_value', /NaN/));
  });

  test('a NULL into NOT NULL or a duplicate key is constraint_violation on both write paths', async () => {
    const strict = tableWithId('strict', [
      column('id', 'int32', { nullable: false }),
      column('name', 'string', { length: 10, nullable: false }),
    ]);
    await create(strict);
    for (const mode of ['append', 'upsert'] as const) {
      await assert.rejects(load(strict, [[1, null]], mode), failsWith('constraint_violation'));
    }
    await assert.rejects(
      load(strict, [
        [1, 'a'],
        [1, 'b'],
      ]),
      failsWith('constraint_violation', /Duplicate/),
    );
    assert.equal(await conn.reader.count(ref('strict')), 0);
  });

  test('text survives LOAD DATA and INSERT byte for byte', async () => {
    const texts = tableWithId('texts', [
      column('id', 'int32'),
      column('body', 'text'),
      column('bytes', 'binary'),
    ]);
    await create(texts);
    const odd = [
      '',
      '\\N',
      'tab\there',
      'line\nbreak\r\n',
      'back\\slash',
      'quote \' " `',
      'nul\0byte',
      '\x1a',
      '𝄞 ünï',
    ];
    const rows: Row[] = odd.map((s, i) => [i + 1, s, Buffer.from(s)]);
    await load(texts, rows, 'append');
    assert.deepEqual(await all(texts), rows);
    const changed: Row[] = odd.map((s, i) => [i + 1, `${s}!`, Buffer.from(`${s}!`)]);
    await load(texts, changed, 'upsert');
    assert.deepEqual(
      (await all(texts)).map((r) => r[1]),
      odd.map((s) => `${s}!`),
    );
  });

  test('upsert updates existing rows and inserts new ones', async () => {
    const people = tableWithId('people', [
      column('id', 'int32'),
      column('name', 'string', { length: 20 }),
      column('age', 'int16'),
    ]);
    await create(people);
    await load(people, [
      [1, 'Ann', 30],
      [2, 'Bob', 40],
    ]);
    assert.equal(
      await load(
        people,
        [
          [2, 'Bobby', 41],
          [3, 'Cy', 50],
        ],
        'upsert',
      ),
      2,
    );
    assert.deepEqual(await all(people), [
      [1, 'Ann', 30],
      [2, 'Bobby', 41],
      [3, 'Cy', 50],
    ]);
  });

  test('statements are chunked below max_allowed_packet: 20 MB in one write loads on both paths', async () => {
    const [{ packet }] = (await conn.query('SELECT @@max_allowed_packet AS packet')) as [{ packet: number }];
    const wide = tableWithId('wide', [column('id', 'int32'), column('body', 'text')]);
    await create(wide);
    const body = 'x'.repeat(10_000);
    const count = Math.ceil((packet * 1.25) / body.length);
    const rows: Row[] = Array.from({ length: count }, (_, i) => [i + 1, body]);
    assert.equal(await load(wide, rows, 'upsert'), count);
    assert.equal(await conn.reader.count(ref('wide')), count);
    await rawExec(db, 'mysql', 'DELETE FROM wide');
    assert.equal(await load(wide, rows, 'append'), count);
    assert.equal(await conn.reader.count(ref('wide'), 'CHAR_LENGTH(body) = 10000'), count);
  });

  test('unsigned bigint max and timestamptz offsets round-trip through the loader', async () => {
    const big = tableWithId('big', [
      column('id', 'int64', { nativeType: 'bigint(20) unsigned' }),
      column('at', 'timestamptz'),
      column('seen', 'timestamp'),
    ]);
    await create(big);
    await load(big, [
      ['18446744073709551615', '2024-01-01 01:30:00.25+02:00', '2024-01-01 10:00:00'],
      [9007199254740993n, '1999-12-31 23:00:00-05', '2024-06-30 23:59:59.999999'],
      [1, '2024-03-01 00:00:00+00', null],
    ]);
    assert.deepEqual(await all(big), [
      [1, '2024-03-01 00:00:00', null],
      ['9007199254740993', '2000-01-01 04:00:00', '2024-06-30 23:59:59.999999'],
      ['18446744073709551615', '2023-12-31 23:30:00.25', '2024-01-01 10:00:00'],
    ]);
  });
});

const tableWithId = (name: string, columns: ColumnInfo[]) => table(name, columns, ['id'], 'source');
