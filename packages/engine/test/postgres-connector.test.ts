import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LoadTarget } from '../src/connectors/connection.ts';
import { parseConnectionUrl } from '../src/connectors/url.ts';
import { DataBridgeError } from '../src/errors.ts';
import { PostgresConnection } from '../src/postgres/postgres-connection.ts';
import type { ColumnInfo, TableRef } from '../src/schema/model.ts';
import type { Row } from '../src/values.ts';
import { freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';

/** PostgreSQL behaviour a user would notice, beyond the shared connector contract. */
describe('postgres connector', () => {
  let db: TestDatabase;
  let conn: PostgresConnection;
  /** A pool of one: a connection that is not released makes the next call hang (and the test time out). */
  let single: PostgresConnection;

  before(async () => {
    db = await freshPostgres();
    // Hostile server defaults: values must come out canonical (values.ts) all the same.
    await rawExec(
      db,
      'postgres',
      `ALTER DATABASE ${db.name} SET TimeZone = 'Asia/Kolkata'; ALTER DATABASE ${db.name} SET DateStyle = 'SQL, DMY';
      ALTER DATABASE ${db.name} SET extra_float_digits = -3; ALTER DATABASE ${db.name} SET bytea_output = 'escape'`,
    );
    conn = await PostgresConnection.open(parseConnectionUrl(db.url), { poolSize: 2 });
    single = await PostgresConnection.open(parseConnectionUrl(db.url), { poolSize: 1 });
  });
  after(async () => {
    await conn?.close();
    await single?.close();
    await db?.drop();
  });

  const sql = (text: string) => rawExec(db, 'postgres', text);
  const table = (name: string): TableRef => ({ schema: 'public', name });
  const target = async (name: string): Promise<LoadTarget> => {
    const info = (await conn.introspect()).tables.find((t) => t.name === name)!;
    return { table: table(name), columns: info.columns as ColumnInfo[] };
  };
  const readAll = (t: LoadTarget) =>
    conn.reader.fetch({
      table: t.table,
      select: t.columns.map((c) => ({ column: c.name })),
      orderBy: ['id'],
    });

  test('PostgreSQL types round-trip exactly through COPY and back, in their canonical forms', async () => {
    await sql(`CREATE TABLE typed (id bigint PRIMARY KEY, at timestamptz, uid uuid, doc jsonb, amount numeric(30,10),
      big bigint, f8 double precision, f4 real, t time, ts timestamp, d date, bin bytea, txt text, flag boolean)`);
    const t = await target('typed');
    const rows: Row[] = [
      [
        1,
        '2024-02-29 13:14:15.5+00',
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        '{"a": [1, 2], "b": null}',
        '12345678901234567890.0123456789',
        '9223372036854775807',
        Number.NaN,
        Number.POSITIVE_INFINITY,
        '23:59:59.999999',
        '2024-02-29 00:00:00.25',
        '2024-02-29',
        Buffer.from([0, 92, 9, 255]),
        'tab\t nl\n cr\r back\\ \\N not null',
        false,
      ],
      [
        2,
        null,
        null,
        '"text"',
        '-0.0000000001',
        42,
        Number.NEGATIVE_INFINITY,
        -0,
        '00:00:00',
        '1999-12-31 23:59:59',
        '0001-01-01',
        Buffer.alloc(0),
        '',
        true,
      ],
    ];
    const s = await conn.loader.begin();
    assert.equal(await s.write(t, rows, 'append', []), 2);
    await s.commit();
    assert.deepEqual(await readAll(t), rows);
  });

  test('timestamptz comes back as the same instant in UTC, whatever offset it was written with', async () => {
    await sql('CREATE TABLE instants (id int PRIMARY KEY, at timestamptz)');
    const t = await target('instants');
    const s = await conn.loader.begin();
    await s.write(
      t,
      [
        [1, '2024-06-01 00:00:00+05:30'],
        [2, '2024-06-01 00:00:00.123-08'],
      ],
      'append',
      [],
    );
    await s.commit();
    assert.deepEqual(await readAll(t), [
      [1, '2024-05-31 18:30:00+00'],
      [2, '2024-06-01 08:00:00.123+00'],
    ]);
  });

  test('streams 25,000 rows in bounded batches, and releases the connection when cancelled', {
    timeout: 30_000,
  }, async () => {
    await sql('CREATE TABLE many AS SELECT g AS id, md5(g::text) AS label FROM generate_series(1, 25000) g');
    const request = {
      table: table('many'),
      select: [{ column: 'id' }, { column: 'label' }],
      orderBy: ['id'],
    };
    let expected = 1;
    let batches = 0;
    for await (const batch of single.reader.stream(request, 1000)) {
      assert.ok(batch.length <= 1000);
      for (const row of batch) assert.equal(row[0], expected++);
      batches += 1;
    }
    assert.equal(expected - 1, 25_000);
    assert.equal(batches, 25);

    const controller = new AbortController();
    await assert.rejects(
      async () => {
        for await (const _ of single.reader.stream(request, 500, controller.signal)) controller.abort();
      },
      (e: unknown) => e instanceof DataBridgeError && e.code === 'cancelled',
    );
    for await (const _ of single.reader.stream(request, 500)) break;
    assert.equal(await single.reader.count(table('many')), 25_000);
  });

  test('upsert updates existing rows, inserts new ones, and the last duplicate in a batch wins', async () => {
    await sql(
      "CREATE TABLE stock (id int PRIMARY KEY, name text, qty int); INSERT INTO stock VALUES (1, 'one', 1), (2, 'two', 2)",
    );
    await sql('CREATE TABLE pairs (a int, b int, PRIMARY KEY (a, b)); INSERT INTO pairs VALUES (1, 1)');
    const stock = await target('stock');
    const pairs = await target('pairs');
    const s = await conn.loader.begin();
    const upserted = [
      [1, 'one*', 10],
      [3, 'three', 30],
      [3, 'three*', 31],
    ];
    assert.equal(await s.write(stock, upserted, 'upsert', ['id']), 2);
    assert.equal(await s.write(stock, [[2, 'two*', 20]], 'upsert', ['id']), 1); // the staging table is reused
    assert.equal(
      await s.write(
        pairs,
        [
          [1, 1],
          [1, 2],
        ],
        'upsert',
        ['a', 'b'],
      ),
      1,
    ); // all key: DO NOTHING
    await s.commit();
    assert.deepEqual(await readAll(stock), [
      [1, 'one*', 10],
      [2, 'two*', 20],
      [3, 'three*', 31],
    ]);
    assert.equal(await conn.reader.count(pairs.table), 2);
  });

  test('copyOut -> copyIn moves rows byte for byte', async () => {
    await sql(`CREATE TABLE src (id int PRIMARY KEY, txt text, bin bytea, doc jsonb, at timestamptz);
      INSERT INTO src SELECT g, E'line\\n\\ttab \\\\ ' || g, decode(lpad(to_hex(g), 8, '0'), 'hex'),
        jsonb_build_object('g', g), '2024-01-01 00:00:00+00'::timestamptz + g * interval '1.5 second'
      FROM generate_series(1, 3000) g;
      INSERT INTO src VALUES (0, NULL, NULL, NULL, NULL);
      CREATE TABLE dst (LIKE src INCLUDING ALL)`);
    const s = await conn.loader.begin();
    const dst = await target('dst');
    const copied = await s.copyIn(dst, conn.reader.copyOut('SELECT * FROM public.src ORDER BY id'));
    await s.commit();
    assert.equal(copied, 3001);
    const src = { ...dst, table: table('src') };
    assert.deepEqual(await readAll(dst), await readAll(src));
  });

  test('a copyOut stream destroyed early gives its connection back', { timeout: 30_000 }, async () => {
    const out = single.reader.copyOut('SELECT g FROM generate_series(1, 1000000) g');
    for await (const _ of out) break;
    assert.equal(await single.reader.count(table('src')), 3001);
    const failing = single.reader.copyOut('SELECT nope FROM public.src');
    await assert.rejects(failing.toArray(), (e: unknown) => (e as DataBridgeError).code === 'unknown_column');
    assert.equal(await single.reader.count(table('src')), 3001);
  });

  test('a failed COPY fails the whole transaction, and its connection is discarded, not leaked', {
    timeout: 30_000,
  }, async () => {
    await sql('CREATE TABLE strict_ints (id int PRIMARY KEY, n int NOT NULL)');
    const t = await single.introspect().then((s) => s.tables.find((x) => x.name === 'strict_ints')!);
    const s = await single.loader.begin();
    const isBadValue = (e: unknown) => e instanceof DataBridgeError && e.code === 'bad_value';
    await assert.rejects(
      s.write({ table: t, columns: t.columns }, [[1, 'not a number']], 'append', []),
      isBadValue,
    );
    await assert.rejects(s.commit(), isBadValue);
    await s.rollback();
    assert.equal(await single.reader.count(t), 0);
    const unknown = { table: table('no_such_table'), select: [{ column: 'x' }] };
    await assert.rejects(
      single.reader.fetch(unknown),
      (e: unknown) => (e as DataBridgeError).code === 'unknown_table',
    );
  });

  test('a checkpoint before a task is done commits without waiting for the disk; the last one waits', {
    timeout: 30_000,
  }, async () => {
    // A crash may then lose the latest batches, always with their checkpoint (one transaction), so a
    // resume starts where the surviving checkpoint says; the task's last commit is durable.
    await conn.ensureCheckpointTable();
    await sql('CREATE TABLE commit_modes (done boolean, mode text)');
    for (const done of [false, true]) {
      const s = await conn.loader.begin();
      await s.writeCheckpoint({ runId: 'r-sync', taskId: 't1', position: '{}', rowsWritten: 1, done });
      await s.execute(`INSERT INTO commit_modes VALUES (${done}, current_setting('synchronous_commit'))`);
      await s.commit();
      await s.rollback();
    }
    const rows = await conn.query('SELECT done, mode FROM commit_modes ORDER BY done');
    assert.deepEqual(
      rows.map((r) => [r.done, r.mode]),
      [
        [false, 'off'],
        [true, 'on'],
      ],
    );
  });

  test('the display URL masks the password', async () => {
    const settings = { ...parseConnectionUrl(db.url), password: 's3cr3t' };
    const masked = await PostgresConnection.open(settings, {}).then(
      (c) => c.close().then(() => c.displayUrl),
      (e: unknown) => String((e as Error).message),
    );
    assert.doesNotMatch(masked, /s3cr3t/);
    assert.match(masked, /^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\//);
  });
});
