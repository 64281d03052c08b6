import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Connection } from '../src/connectors/connection.ts';
import { openConnection } from '../src/connectors/open.ts';
import { CONNECTORS } from '../src/connectors/registry.ts';
import { DataBridgeError } from '../src/errors.ts';
import type { ColumnInfo, TableInfo } from '../src/schema/model.ts';
import type { Row } from '../src/values.ts';
import { column } from './support/builders.ts';
import { loadChinookMysql, loadChinookPostgres, loadChinookSqlite } from './support/chinook.ts';
import { freshDatabase, type TestDatabase, type TestDialect } from './support/databases.ts';

/** The same contract, run against every connector the registry lists, on the real servers. */
const dialects: TestDialect[] = CONNECTORS.map((c) => c.name);

/** Chinook with its data, per connector: the compiler asks for a line when a connector is added. */
const LOAD_CHINOOK: Record<TestDialect, (db: TestDatabase) => Promise<void> | void> = {
  postgres: (db) => loadChinookPostgres(db, { withData: true }),
  mysql: (db) => loadChinookMysql(db),
  sqlite: (db) => loadChinookSqlite(db),
};

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A neutral table holding one column of every normalised type the connectors must round-trip. */
function everyTypeTable(schema: string): TableInfo {
  const columns: ColumnInfo[] = [
    column('id', 'int64', { nullable: false }),
    column('flag', 'boolean'),
    column('small', 'int16'),
    column('medium', 'int32'),
    column('big', 'int64'),
    column('amount', 'decimal', { precision: 12, scale: 2 }),
    column('ratio', 'float64'),
    column('label', 'string', { length: 40 }),
    column('body', 'text'),
    column('day', 'date'),
    column('at', 'timestamp'),
    column('blob', 'binary'),
  ].map((c, i) => ({ ...c, ordinal: i + 1 }));
  return {
    schema,
    name: 'every_type',
    columns,
    primaryKey: ['id'],
    foreignKeys: [],
    uniqueConstraints: [],
    rowEstimate: 0,
  };
}

const everyTypeRows: Row[] = [
  [
    '1',
    true,
    12,
    123456,
    '9007199254740993',
    '12345.67',
    1.5,
    'tab\there',
    'line\nbreak \\ back',
    '2024-02-29',
    '2024-02-29 13:14:15',
    Buffer.from([0, 1, 254, 255]),
  ],
  [
    '2',
    false,
    -32768,
    -2147483648,
    '-9223372036854775808',
    '-0.01',
    -0.25,
    'Ünïcødé ✓ 𝄞',
    '',
    '1970-01-01',
    '1999-12-31 23:59:59',
    Buffer.alloc(0),
  ],
  ['3', null, null, null, null, null, null, null, null, null, null, null],
];

for (const dialect of dialects) {
  describe(`${dialect} connector`, () => {
    let db: TestDatabase;
    let conn: Connection;
    const name = (pascal: string) => (dialect === 'postgres' ? snake(pascal) : pascal);

    before(async () => {
      db = await freshDatabase(dialect);
      await LOAD_CHINOOK[dialect](db);
      conn = await openConnection(db.url, { poolSize: 4 });
    });
    after(async () => {
      await conn?.close();
      await db?.drop();
    });

    test('introspects Chinook: tables, types, keys and estimates', async () => {
      const schema = await conn.introspect();
      assert.equal(schema.dialect, dialect);
      const tables = schema.tables.filter((t) => !t.name.startsWith('_databridge'));
      assert.equal(tables.length, 11);
      const invoice = tables.find((t) => t.name === name('Invoice'))!;
      assert.ok(invoice, 'Invoice found');
      assert.equal(invoice.schema, conn.dialect.defaultSchema);
      assert.deepEqual(invoice.primaryKey, [name('InvoiceId')]);
      const total = invoice.columns.find((c) => c.name === name('Total'))!;
      assert.equal(total.type, 'decimal');
      assert.equal(total.precision, 10);
      assert.equal(total.scale, 2);
      assert.equal(total.nullable, false);
      assert.match(total.nativeType, /numeric|decimal/i);
      const date = invoice.columns.find((c) => c.name === name('InvoiceDate'))!;
      assert.equal(date.type, 'timestamp');
      const city = invoice.columns.find((c) => c.name === name('BillingCity'))!;
      assert.equal(city.type, 'string');
      assert.equal(city.length, 40);
      assert.equal(city.nullable, true);
      assert.deepEqual(
        invoice.columns.map((c) => c.ordinal),
        invoice.columns.map((_, i) => i + 1),
      );
      assert.deepEqual(invoice.foreignKeys.length, 1);
      assert.deepEqual(invoice.foreignKeys[0]!.columns, [name('CustomerId')]);
      assert.equal(invoice.foreignKeys[0]!.referencedTable, name('Customer'));
      assert.deepEqual(invoice.foreignKeys[0]!.referencedColumns, [name('CustomerId')]);
      const playlistTrack = tables.find((t) => t.name === name('PlaylistTrack'))!;
      assert.deepEqual(playlistTrack.primaryKey, [name('PlaylistId'), name('TrackId')]);
      const employee = tables.find((t) => t.name === name('Employee'))!;
      assert.ok(
        employee.foreignKeys.some((fk) => fk.referencedTable === name('Employee')),
        'self reference',
      );
      const track = tables.find((t) => t.name === name('Track'))!;
      assert.ok(track.rowEstimate === -1 || track.rowEstimate > 0);
    });

    test('reads keyset pages, key ranges and streams in order with canonical values', async () => {
      const table = { schema: conn.dialect.defaultSchema, name: name('Invoice') };
      const select = [
        { column: name('InvoiceId') },
        { column: name('InvoiceDate') },
        { column: name('Total') },
      ];
      const first = await conn.reader.fetch({ table, select, orderBy: [name('InvoiceId')], limit: 2 });
      assert.deepEqual(
        first.map((r) => [Number(r[0]), r[1], r[2]]),
        [
          [1, '2021-01-01 00:00:00', '1.98'],
          [2, '2021-01-02 00:00:00', '3.96'],
        ],
      );
      const next = await conn.reader.fetch({
        table,
        select,
        orderBy: [name('InvoiceId')],
        after: [2],
        limit: 1,
      });
      assert.equal(Number(next[0]![0]), 3);
      const ranged = await conn.reader.fetch({
        table,
        select,
        range: { column: name('InvoiceId'), from: 10, to: 20 },
      });
      assert.deepEqual(
        ranged.map((r) => Number(r[0])).sort((a, b) => Number(a) - Number(b)),
        [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      );
      const composite = await conn.reader.fetch({
        table: { schema: table.schema, name: name('PlaylistTrack') },
        select: [{ column: name('PlaylistId') }, { column: name('TrackId') }],
        orderBy: [name('PlaylistId'), name('TrackId')],
        after: [1, 3402],
        limit: 3,
      });
      assert.equal(composite.length, 3);
      for (const r of composite) assert.ok(Number(r[0]) > 1 || Number(r[1]) > 3402);
      let seen = 0;
      let batches = 0;
      for await (const batch of conn.reader.stream({ table, select }, 100)) {
        assert.ok(batch.length <= 100);
        seen += batch.length;
        batches += 1;
      }
      assert.equal(seen, 412);
      assert.equal(batches, 5);
      const bounds = await conn.reader.bounds(table, name('InvoiceId'));
      assert.deepEqual([Number(bounds.min), Number(bounds.max)], [1, 412]);
      assert.equal(await conn.reader.count(table), 412);
      assert.equal(await conn.reader.count(table, `${conn.dialect.quoteIdentifier(name('Total'))} > 10`), 64);
      const expr = await conn.reader.fetch({
        table,
        select: [{ expression: `${conn.dialect.quoteIdentifier(name('InvoiceId'))} * 2` }],
        orderBy: [name('InvoiceId')],
        limit: 1,
      });
      assert.equal(Number(expr[0]![0]), 2);
    });

    test('creates a table from the neutral model and round-trips every type through the bulk loader', async () => {
      const source = everyTypeTable('whatever');
      const target = { schema: conn.dialect.defaultSchema, name: 'every_type' };
      await conn.query(conn.dialect.createTable(source, target));
      const created = (await conn.introspect()).tables.find((t) => t.name === 'every_type')!;
      assert.deepEqual(created.primaryKey, ['id']);
      const session = await conn.loader.begin();
      const written = await session.write(
        { table: target, columns: source.columns },
        everyTypeRows,
        'append',
        [],
      );
      await session.commit();
      await session.rollback(); // releasing twice is harmless
      assert.equal(written, 3);
      const back = await conn.reader.fetch({
        table: target,
        select: source.columns.map((c) => ({ column: c.name })),
        orderBy: ['id'],
      });
      const norm = (rows: Row[]) =>
        rows.map((r) =>
          r.map((v, i) => {
            if (v === null) return null;
            const type = source.columns[i]!.type;
            if (type === 'binary') return Buffer.from(v as Uint8Array).toString('hex');
            if (type === 'boolean') return Boolean(v) && v !== 0 && v !== '0';
            if (type === 'int64' || type === 'int16' || type === 'int32' || type === 'float64')
              return String(v);
            return v;
          }),
        );
      assert.deepEqual(norm(back), norm(everyTypeRows));
    });

    test('upserts on the key, truncates, and rolls back with the checkpoint', async () => {
      const source = everyTypeTable('whatever');
      const target = { schema: conn.dialect.defaultSchema, name: 'every_type' };
      const loadTarget = { table: target, columns: source.columns.slice(0, 8) };
      await conn.ensureCheckpointTable();
      await conn.ensureCheckpointTable(); // idempotent

      let s = await conn.loader.begin();
      await s.write(loadTarget, [['1', false, 1, 1, '1', '1.00', 2.5, 'upserted']], 'upsert', ['id']);
      await s.writeCheckpoint({ runId: 'r1', taskId: 't1', position: '[1]', rowsWritten: 1, done: false });
      await s.commit();
      const label = await conn.reader.fetch({
        table: target,
        select: [{ column: 'label' }],
        orderBy: ['id'],
        limit: 1,
      });
      assert.deepEqual(label, [['upserted']]);
      assert.deepEqual(await conn.readCheckpoints('r1'), [
        { runId: 'r1', taskId: 't1', position: '[1]', rowsWritten: 1, done: false },
      ]);

      s = await conn.loader.begin();
      await s.truncate(target);
      await s.writeCheckpoint({ runId: 'r1', taskId: 't1', position: '[9]', rowsWritten: 9, done: true });
      await s.rollback();
      assert.equal(await conn.reader.count(target), 3);
      assert.equal((await conn.readCheckpoints('r1'))[0]!.position, '[1]');

      s = await conn.loader.begin();
      await s.writeCheckpoint({ runId: 'r1', taskId: 't1', position: '[9]', rowsWritten: 9, done: true });
      await s.truncate(target);
      await s.commit();
      assert.equal(await conn.reader.count(target), 0);
      assert.deepEqual(await conn.readCheckpoints('r1'), [
        { runId: 'r1', taskId: 't1', position: '[9]', rowsWritten: 9, done: true },
      ]);
      assert.deepEqual(await conn.readCheckpoints('other-run'), []);
    });

    test('a batch that violates a constraint fails as constraint_violation and loads nothing', async () => {
      const target = { schema: conn.dialect.defaultSchema, name: 'every_type' };
      const cols = everyTypeTable('x').columns.slice(0, 2);
      const s = await conn.loader.begin();
      await assert.rejects(
        async () => {
          await s.write(
            { table: target, columns: cols },
            [
              ['7', true],
              ['7', false],
            ],
            'append',
            [],
          );
          await s.commit();
        },
        (error: unknown) => error instanceof DataBridgeError && error.code === 'constraint_violation',
      );
      await s.rollback();
      assert.equal(await conn.reader.count(target, `${conn.dialect.quoteIdentifier('id')} = 7`), 0);
    });

    test('a savepoint undoes a failed write alone; the transaction goes on and commits', async () => {
      const target = { schema: conn.dialect.defaultSchema, name: 'every_type' };
      const cols = everyTypeTable('x').columns.slice(0, 2);
      const s = await conn.loader.begin();
      try {
        await s.write({ table: target, columns: cols }, [['20', true]], 'append', []);
        await s.savepoint('sp1');
        await assert.rejects(
          s.write(
            { table: target, columns: cols },
            [
              ['21', true],
              ['21', false],
            ],
            'append',
            [],
          ),
        );
        await s.rollbackTo('sp1');
        await s.write({ table: target, columns: cols }, [['22', false]], 'append', []);
        await s.commit();
      } finally {
        await s.rollback();
      }
      const q = conn.dialect.quoteIdentifier('id');
      assert.equal(await conn.reader.count(target, `${q} IN (20, 22)`), 2);
      assert.equal(await conn.reader.count(target, `${q} = 21`), 0);
    });

    test('quotes identifiers so that odd names work and injection does not', async () => {
      const q = conn.dialect.quoteIdentifier;
      const odd = 'we"ird `name';
      const quoted = q(odd);
      assert.notEqual(quoted, odd);
      await conn.query(
        `CREATE TABLE ${conn.dialect.qualify({ schema: conn.dialect.defaultSchema, name: odd })} (${q('a b')} INTEGER)`,
      );
      const tables = (await conn.introspect()).tables.map((t) => t.name);
      assert.ok(tables.includes(odd));
    });
  });
}

describe('connection errors', () => {
  test('an unreachable PostgreSQL server is connection_failed and the password is not echoed', async () => {
    await assert.rejects(openConnection('postgres://u:s3cr3t-pw@127.0.0.1:1/db'), (e: unknown) => {
      assert.ok(e instanceof DataBridgeError);
      assert.equal(e.code, 'connection_failed');
      assert.doesNotMatch(e.message, /s3cr3t-pw/);
      return true;
    });
  });
  test('a wrong MySQL password is auth_failed and the password is not echoed', async () => {
    await assert.rejects(openConnection('mysql://root:wr0ng-pw@127.0.0.1:3306/mysql'), (e: unknown) => {
      assert.ok(e instanceof DataBridgeError);
      assert.equal(e.code, 'auth_failed');
      assert.doesNotMatch(e.message, /wr0ng-pw/);
      return true;
    });
  });
  test('a PostgreSQL database that does not exist is named', async () => {
    await assert.rejects(
      openConnection('postgres://postgres@127.0.0.1:5432/no_such_db_here'),
      (e: unknown) => {
        assert.ok(e instanceof DataBridgeError);
        assert.match(e.message, /no_such_db_here/);
        return true;
      },
    );
  });
  test('a missing SQLite file is not silently created for reading', async () => {
    await assert.rejects(openConnection('sqlite:/nonexistent/dir/x.sqlite'), (e: unknown) => {
      assert.ok(e instanceof DataBridgeError);
      assert.match(e.message, /nonexistent/);
      return true;
    });
  });
});
