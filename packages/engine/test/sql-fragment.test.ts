import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataBridgeError } from '../src/errors.ts';
import { checkSqlFragment } from '../src/plan/sql-fragment.ts';

const ok = (text: string, kind: 'expression' | 'filter' = 'expression') =>
  assert.doesNotThrow(() => checkSqlFragment(text, kind, 'x'));
const bad = (text: string, problem: RegExp, kind: 'expression' | 'filter' = 'expression') =>
  assert.throws(
    () => checkSqlFragment(text, kind, 'spec.yaml:9 mappings[0].columns[2].expression'),
    (e: unknown) =>
      e instanceof DataBridgeError &&
      e.code === 'bad_spec' &&
      problem.test(e.message) &&
      /spec\.yaml:9/.test(e.message),
    text,
  );

describe('custom SQL expressions and filters are single expressions', () => {
  test('expressions a user writes are accepted', () => {
    ok("CONCAT(FirstName, ' ', LastName)");
    ok("FirstName || ' ' || LastName");
    ok("CASE WHEN Total > 10 THEN 'big' ELSE 'small' END");
    ok("COALESCE(Company, 'n/a; none')");
    ok('"from" + 1');
    ok('(SELECT max(x) FROM other WHERE other.id = t.id)');
    ok("Country = 'USA' AND Total > 1", 'filter');
    ok("InvoiceDate >= '2021-01-01'", 'filter');
    ok("doc #>> '{a,b}'");
    ok('a IS DISTINCT FROM b', 'filter');
  });

  test('statements, separators, comments and escapes out of the expression are rejected with the field named', () => {
    bad('1; DROP TABLE customer', /contains ";"/);
    bad('name -- and the rest', /comment/);
    bad('name /* x */', /comment/);
    bad('DROP TABLE customer', /statement DROP/);
    bad('SELECT 1', /statement SELECT/);
    bad('id, password', /","/);
    bad('id FROM users', /FROM outside parentheses/);
    bad("'unterminated", /not closed/);
    bad('max(id', /not closed/);
    bad('id)', /closes nothing/);
    bad('1=1 UNION SELECT password FROM users', /UNION/, 'filter');
    bad('1=1 ORDER BY 1', /ORDER/, 'filter');
    bad('1=1; DELETE FROM t', /";"/, 'filter');
  });
});
