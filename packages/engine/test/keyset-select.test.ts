import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReadRequest } from '../src/connectors/connection.ts';
import { buildKeysetSelect } from '../src/connectors/keyset-select.ts';
import { DataBridgeError } from '../src/errors.ts';
import { MysqlDialect } from '../src/mysql/mysql-dialect.ts';
import { selectStatement } from '../src/mysql/mysql-select.ts';
import { PostgresDialect } from '../src/postgres/postgres-dialect.ts';
import { sqliteDialect } from '../src/sqlite/sqlite-dialect.ts';

const request: ReadRequest = {
  table: { schema: 'main', name: 'invoice' },
  select: [{ column: 'id' }, { column: 'line' }],
  orderBy: ['id', 'line'],
  after: [7, 2],
  limit: 100,
};

/** Every reader builds its SELECT with the one builder: a position that does not fit fails alike. */
const builders = [
  ['postgres', () => buildKeysetSelect(new PostgresDialect(), { ...request, after: [7] })],
  ['sqlite', () => buildKeysetSelect(sqliteDialect, { ...request, after: [7] })],
  ['mysql', () => selectStatement(new MysqlDialect('shop'), { ...request, after: [7] })],
] as const;

test('a keyset position without one value per order column is the same internal error on every dialect', () => {
  for (const [name, build] of builders) {
    assert.throws(
      build,
      (e: unknown) =>
        e instanceof DataBridgeError &&
        e.code === 'internal' &&
        /invoice: "after" needs one value per orderBy column \(id, line\)/.test(e.message),
      name,
    );
  }
});

test('SQLite pages with a row-value comparison, its values bound in order', () => {
  const { sql, params } = buildKeysetSelect(sqliteDialect, request);
  assert.equal(
    sql,
    'SELECT "id", "line" FROM "main"."invoice" WHERE ("id", "line") > (?, ?) ORDER BY "id", "line" LIMIT ?',
  );
  assert.deepEqual(params, [7, 2, 100]);
});
