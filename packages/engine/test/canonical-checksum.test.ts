import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openConnection } from '../src/connectors/open.ts';
import { RowChecksum } from '../src/run/checksum.ts';
import type { NormalisedType } from '../src/schema/model.ts';
import type { Row } from '../src/values.ts';
import { freshDatabase, rawExec } from './support/databases.ts';

test('PostgreSQL sums the same checksum DataBridge computes from values as other databases deliver them', async () => {
  const db = await freshDatabase('postgres');
  try {
    await rawExec(
      db,
      'postgres',
      `CREATE TABLE t (i bigint, d numeric(12,2), b boolean, s varchar(20), ts timestamp, tz timestamptz, dt date, tm time, bin bytea, u uuid);
      INSERT INTO t VALUES
        (9007199254740993, 1.50, true, 'Ünïcødé ✓', '2024-01-01 10:00:00.5', '2024-01-01 12:00:00+02', '2024-02-29', '23:59:59', '\\x00ff', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
        (-1, 0.00, false, '', '1999-12-31 23:59:59', '1969-07-20 20:17:40.123456+00', '1970-01-01', '00:00:00', '\\x', NULL),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);`,
    );
    const columns: { name: string; type: NormalisedType }[] = [
      { name: 'i', type: 'int64' },
      { name: 'd', type: 'decimal' },
      { name: 'b', type: 'boolean' },
      { name: 's', type: 'string' },
      { name: 'ts', type: 'timestamp' },
      { name: 'tz', type: 'timestamptz' },
      { name: 'dt', type: 'date' },
      { name: 'tm', type: 'time' },
      { name: 'bin', type: 'binary' },
      { name: 'u', type: 'uuid' },
    ];
    // The same rows as MySQL or SQLite would hand them over: other spellings, same values.
    const delivered: Row[] = [
      [
        '9007199254740993',
        '1.5',
        1,
        'Ünïcødé ✓',
        '2024-01-01 10:00:00.500000',
        '2024-01-01 10:00:00+00',
        '2024-02-29',
        '23:59:59.000',
        Buffer.from([0, 255]),
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      ],
      [
        -1,
        '0',
        false,
        '',
        '1999-12-31 23:59:59',
        '1969-07-20 20:17:40.123456+00:00',
        '1970-01-01',
        '00:00:00',
        Buffer.alloc(0),
        null,
      ],
      [null, null, null, null, null, null, null, null, null, null],
    ];
    const local = await RowChecksum.md5(columns);
    for (const row of delivered) local.add(row);
    const conn = await openConnection(db.url);
    try {
      const request = {
        table: { schema: 'public', name: 't' },
        select: columns.map((c) => ({ column: c.name })),
      };
      const server = await conn.reader.checksumCanonical!(request, columns);
      assert.deepEqual(server, { rows: 3, digest: local.digest() });
      await conn.query("UPDATE t SET s = 'changed' WHERE i = -1");
      const changed = await conn.reader.checksumCanonical!(request, columns);
      assert.notEqual(changed.digest, local.digest(), 'one changed value changes the sum');
    } finally {
      await conn.close();
    }
  } finally {
    await db.drop();
  }
});
