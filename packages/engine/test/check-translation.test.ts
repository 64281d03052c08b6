import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { portableCheckClause } from '../src/plan/portable-check.ts';
import { sqliteChecks } from '../src/sqlite/sqlite-checks.ts';

describe('CHECK constraints read from SQLite and carried to other databases', () => {
  test('reads named, unnamed, column and table checks past quotes, commas and comments', () => {
    const sql = `CREATE TABLE "odd, table" (
      id INTEGER PRIMARY KEY,
      "note (x)" TEXT CHECK (length("note (x)") < 10 OR "note (x)" = 'a,b)'), -- CHECK (nothing)
      qty INT CONSTRAINT [qty ok] CHECK(qty > 0) CHECK (qty < 5),
      /* CHECK (ignored) */
      CHECK (qty <> 3),
      CONSTRAINT both CHECK ((qty + id) > 0)
    )`;
    assert.deepEqual(
      sqliteChecks('odd, table', sql).map((c) => [c.name, c.clause]),
      [
        ['odd, table_note (x)_check', `(length("note (x)") < 10 OR "note (x)" = 'a,b)')`],
        ['qty ok', '(qty > 0)'],
        ['odd, table_qty_check', '(qty < 5)'],
        ['odd, table_check', '(qty <> 3)'],
        ['both', '((qty + id) > 0)'],
      ],
    );
  });

  test('translates names, PostgreSQL casts and character counts; refuses what reads otherwise', () => {
    const columns = ['qty', 'code'];
    const pg = (clause: string) => ({ name: 'c', clause, dialect: 'postgres' as const });
    assert.equal(
      portableCheckClause(pg('((qty > (0)::numeric) AND (char_length(code) <= 3))'), 'sqlite', columns),
      '(("qty" > (0)) AND (length("code") <= 3))',
    );
    assert.equal(portableCheckClause(pg("(code IN ('a', 'b'))"), 'mysql', columns), "(`code` IN ('a', 'b'))");
    assert.equal(
      portableCheckClause(pg("((code || 'x') <> 'ax')"), 'mysql', columns),
      undefined,
      '|| is OR in MySQL',
    );
    assert.equal(
      portableCheckClause(pg("(code ~ '^a')"), 'sqlite', columns),
      undefined,
      'regular expressions',
    );
    assert.equal(portableCheckClause(pg('(other > 0)'), 'sqlite', columns), undefined, 'an unknown name');
    const mysql = { name: 'c', clause: 'length(`code`) < 4', dialect: 'mysql' as const };
    assert.equal(portableCheckClause(mysql, 'postgres', columns), undefined, "MySQL's length counts bytes");
  });
});
