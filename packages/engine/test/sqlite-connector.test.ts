import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Connection, LoadTarget } from '../src/connectors/connection.ts';
import { openConnection } from '../src/connectors/open.ts';
import type { TableInfo } from '../src/schema/model.ts';
import type { Row } from '../src/values.ts';
import { column, failsWith, table } from './support/builders.ts';
import { loadChinookSqlite } from './support/chinook.ts';
import { freshSqlite, rawExec, type TestDatabase } from './support/databases.ts';

function into(t: TableInfo): LoadTarget {
  return { table: t, columns: t.columns };
}

async function load(conn: Connection, target: TableInfo, rows: Row[], mode: 'append' | 'upsert' = 'append') {
  const session = await conn.loader.begin();
  try {
    await session.write(into(target), rows, mode, mode === 'upsert' ? ['id'] : []);
    await session.commit();
  } finally {
    await session.rollback();
  }
}

describe('sqlite connector, as a user sees it', () => {
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

  test("Chinook's REAL-stored NUMERIC(10,2) prices come out as exact decimal strings", async () => {
    const prices = await conn.reader.fetch({ table: main('Track'), select: [{ column: 'UnitPrice' }] });
    assert.deepEqual([...new Set(prices.map((r) => r[0]))].sort(), ['0.99', '1.99']);
    const totals = await conn.reader.fetch({
      table: main('Invoice'),
      select: [{ column: 'Total' }],
      orderBy: ['Total'],
    });
    for (const [total] of totals) assert.match(String(total), /^\d+\.\d{2}$/);
    assert.deepEqual(totals.at(-1), ['25.86']);
    const track = (await conn.introspect()).tables.find((t) => t.name === 'Track')!;
    const name = track.columns.find((c) => c.name === 'Name')!;
    assert.deepEqual([name.nativeType, name.type, name.length], ['NVARCHAR(200)', 'string', 200]);
  });

  test('REAL values in a DECIMAL column come out in plain notation, tiny, huge and ordinary alike', async () => {
    await rawExec(
      db,
      'sqlite',
      `CREATE TABLE reals (id INTEGER PRIMARY KEY, v DECIMAL(40,10));
       INSERT INTO reals VALUES (1, 1e-7), (2, 1.5e21), (3, -2.5e-8), (4, 12.25), (5, -3.5);`,
    );
    const rows = await conn.reader.fetch({
      table: main('reals'),
      select: [{ column: 'v' }],
      orderBy: ['id'],
    });
    assert.deepEqual(
      rows.map((r) => r[0]),
      [
        '0.0000001000',
        '1500000000000000000000.0000000000',
        '-0.0000000250',
        '12.2500000000',
        '-3.5000000000',
      ],
    );
  });

  test('values whose storage class does not fit the declared type pass through as stored', async () => {
    await rawExec(
      db,
      'sqlite',
      `CREATE TABLE odd (id INTEGER PRIMARY KEY, n INTEGER, flag BOOLEAN, price NUMERIC(10,2), at DATETIME);
       INSERT INTO odd VALUES (1, 'abc', 'yes', 1.9, '2024-01-01 10:00:00.500'),
                              (2, 7, 1, 1.995, '10:00:00.000'),
                              (3, 9007199254740993, 0, 5, 1700000000),
                              (4, 2.5, 2, 'n/a', '2024-01-01T10:00:00.120+02:00');`,
    );
    const rows = await conn.reader.fetch({
      table: main('odd'),
      select: ['n', 'flag', 'price', 'at'].map((c) => ({ column: c })),
      orderBy: ['id'],
    });
    assert.deepEqual(rows, [
      ['abc', 'yes', '1.90', '2024-01-01 10:00:00.5'],
      [7, true, '1.995', '10:00:00'],
      ['9007199254740993', false, '5.00', 1700000000],
      [2.5, 2, 'n/a', '2024-01-01T10:00:00.12+02:00'],
    ]);
  });

  test('a 50,000-row stream comes out in order, in bounded batches, and stops when aborted', async () => {
    const target = table(
      'many',
      [column('id', 'int64', { nullable: false }), column('label', 'string', { length: 20 })],
      ['id'],
    );
    await conn.query(conn.dialect.createTable(target, target));
    const rows: Row[] = Array.from({ length: 50_000 }, (_, i) => [i + 1, `row ${i + 1}`]);
    await load(conn, target, rows);

    const request = { table: main('many'), select: [{ column: 'id' }, { column: 'label' }], orderBy: ['id'] };
    let expected = 1;
    let batches = 0;
    for await (const batch of conn.reader.stream(request, 1000)) {
      assert.ok(batch.length <= 1000);
      for (const [id] of batch) assert.equal(id, expected++);
      batches += 1;
    }
    assert.equal(expected - 1, 50_000);
    assert.equal(batches, 50);

    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(async () => {
      for await (const batch of conn.reader.stream(request, 1000, controller.signal)) {
        seen += batch.length;
        if (seen >= 3000) controller.abort();
      }
    }, failsWith('cancelled'));
    assert.equal(seen, 3000);
  });

  test('two concurrent load sessions queue rather than fail', async () => {
    const target = table(
      'queued',
      [column('id', 'int64', { nullable: false }), column('who', 'text')],
      ['id'],
    );
    await conn.query(conn.dialect.createTable(target, target));
    const first = await conn.loader.begin();
    let secondStarted = false;
    const second = conn.loader.begin().then((s) => {
      secondStarted = true;
      return s;
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(secondStarted, false, 'the second session waits for the first');
      await first.write(into(target), [[1, 'first']], 'append', []);
      await first.commit();
      const s2 = await second;
      await s2.write(into(target), [[2, 'second']], 'append', []);
      await s2.commit();
    } finally {
      await first.rollback(); // a failed assertion must not leave the write lock held
      await (await second).rollback();
    }
    const rows = await conn.reader.fetch({
      table: main('queued'),
      select: [{ column: 'who' }],
      orderBy: ['id'],
    });
    assert.deepEqual(rows, [['first'], ['second']]);
  });

  test('upsert updates existing rows and inserts new ones', async () => {
    const target = table(
      'people',
      [
        column('id', 'int64', { nullable: false }),
        column('name', 'string', { length: 40 }),
        column('active', 'boolean'),
      ],
      ['id'],
    );
    await conn.query(conn.dialect.createTable(target, target));
    await load(conn, target, [
      [1, 'Ann', true],
      [2, 'Bob', true],
    ]);
    await load(
      conn,
      target,
      [
        [2, 'Robert', false],
        [3, 'Cid', true],
      ],
      'upsert',
    );
    const rows = await conn.reader.fetch({
      table: main('people'),
      select: target.columns.map((c) => ({ column: c.name })),
      orderBy: ['id'],
    });
    assert.deepEqual(rows, [
      [1, 'Ann', true],
      [2, 'Robert', false],
      [3, 'Cid', true],
    ]);
  });

  test('an int64 above 2^53 round-trips exactly, as a string', async () => {
    const target = table('big', [column('id', 'int64', { nullable: false }), column('n', 'int64')], ['id']);
    await conn.query(conn.dialect.createTable(target, target));
    await load(conn, target, [
      [1, '9007199254740993'],
      [2, '9223372036854775807'],
      [3, '-9223372036854775808'],
      [4, 2n ** 60n],
      [5, 42],
    ]);
    const rows = await conn.reader.fetch({ table: main('big'), select: [{ column: 'n' }], orderBy: ['id'] });
    assert.deepEqual(
      rows.map((r) => r[0]),
      ['9007199254740993', '9223372036854775807', '-9223372036854775808', '1152921504606846976', 42],
    );
    const next = await conn.reader.fetch({
      table: main('big'),
      select: [{ column: 'id' }],
      orderBy: ['n'],
      after: ['9007199254740993'],
    });
    assert.deepEqual(next, [[4], [2]]);
  });

  test('a streamed int64 is a number up to 2^53 - 1 and its exact digits beyond, either sign', async () => {
    const target = table('edges', [column('id', 'int64', { nullable: false }), column('n', 'int64')], ['id']);
    await conn.query(conn.dialect.createTable(target, target));
    const values = ['9007199254740991', '9007199254740992', '-9007199254740991', '-9007199254740992'];
    await load(conn, target, [...values.map((v, i) => [i + 1, v] as Row), [5, 'not a number'], [6, null]]);
    const streamed: Row[] = [];
    for await (const rows of conn.reader.stream(
      { table: main('edges'), select: [{ column: 'id' }, { column: 'n' }], orderBy: ['id'] },
      2,
    ))
      streamed.push(...rows);
    assert.deepEqual(
      streamed.map((r) => r[1]),
      [9007199254740991, '9007199254740992', -9007199254740991, '-9007199254740992', 'not a number', null],
    );
  });

  test('a value SQLite would store altered is a bad_value naming the column, not a silent change', async () => {
    const target = table(
      'money',
      [
        column('id', 'int64', { nullable: false }),
        column('amount', 'decimal', { precision: 30, scale: 2 }),
        column('ratio', 'float64'),
      ],
      ['id'],
    );
    await conn.query(conn.dialect.createTable(target, target));
    await load(conn, target, [[1, '12345.67', 0.5]]);
    const session = await conn.loader.begin();
    try {
      await assert.rejects(
        session.write(into(target), [[2, '12345678901234567.89', 1]], 'append', []),
        failsWith('bad_value', /amount/),
      );
      await assert.rejects(
        session.write(into(target), [[3, '1', Number.NaN]], 'append', []),
        failsWith('bad_value', /ratio.*NaN/),
      );
    } finally {
      await session.rollback();
    }
    assert.equal(await conn.reader.count(main('money')), 1);
  });

  test('closing the connection ends an open stream as cancelled', async () => {
    const other = await openConnection(db.url);
    const stream = other.reader.stream({ table: main('many'), select: [{ column: 'id' }] }, 100);
    const rows = stream[Symbol.asyncIterator]();
    assert.equal((await rows.next()).value.length, 100);
    await other.close();
    await assert.rejects(rows.next(), failsWith('cancelled', /closed/));
  });
});

describe('sqlite in memory', () => {
  test(':memory: works with a single handle for reading and loading', async () => {
    const conn = await openConnection('sqlite::memory:');
    const target = table(
      't',
      [column('id', 'int64', { nullable: false }), column('at', 'timestamp')],
      ['id'],
    );
    await conn.query(conn.dialect.createTable(target, target));
    await load(conn, target, [[1, '2024-02-29 13:14:15.25']]);
    assert.deepEqual(await conn.reader.fetch({ table: target, select: [{ column: 'at' }] }), [
      ['2024-02-29 13:14:15.25'],
    ]);
    assert.deepEqual(await conn.query('SELECT count(*) AS n FROM t WHERE id = ?', [1]), [{ n: 1 }]);
    await conn.close();
  });

  test('streams one table while loading another, on its single handle', async () => {
    const conn = await openConnection('sqlite::memory:');
    const source = table('src', [column('id', 'int64', { nullable: false })], ['id']);
    const copy = table('copy', [column('id', 'int64', { nullable: false })], ['id']);
    await conn.query(conn.dialect.createTable(source, source));
    await conn.query(conn.dialect.createTable(copy, copy));
    await load(
      conn,
      source,
      Array.from({ length: 1000 }, (_, i) => [i + 1]),
    );
    for await (const batch of conn.reader.stream({ table: source, select: [{ column: 'id' }] }, 100)) {
      await load(conn, copy, batch);
    }
    assert.equal(await conn.reader.count(copy), 1000);
    await conn.close();
  });
});
