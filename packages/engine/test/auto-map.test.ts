import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openConnection } from '../src/connectors/open.ts';
import { CONFIDENT, suggestMappings } from '../src/mapping/auto-map.ts';
import { columnKey, similarity, singular, tableKey, words } from '../src/schema/similarity.ts';
import { loadChinookMysql, loadChinookPostgres, loadChinookSqlite } from './support/chinook.ts';
import { freshDatabase, type TestDatabase } from './support/databases.ts';

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

describe('name normalisation', () => {
  test('case, snake, camel, Pascal, plural, schema prefix and Id are normalised away', () => {
    assert.deepEqual(words('InvoiceLine'), ['invoice', 'line']);
    assert.deepEqual(words('customerID'), ['customer', 'id']);
    assert.deepEqual(words('HTTPRequestLog'), ['http', 'request', 'log']);
    assert.equal(singular('categories'), 'category');
    assert.equal(singular('addresses'), 'address');
    assert.equal(singular('status'), 'status');
    assert.equal(tableKey('dbo.Customers'), tableKey('customer'));
    assert.equal(tableKey('public.invoice_lines'), tableKey('InvoiceLine'));
    assert.equal(columnKey('CustomerId', 'Customer'), columnKey('customer_id', 'customer'));
    assert.equal(columnKey('Id', 'Customers'), columnKey('customer_id', 'customer'));
    assert.equal(similarity(tableKey('Customer'), tableKey('customers')), 1);
    assert.ok(similarity(tableKey('Customer'), tableKey('Invoice')) < 0.5);
  });
});

describe('auto-mapping Chinook PascalCase onto the snake_case PostgreSQL schema', () => {
  for (const dialect of ['sqlite', 'mysql'] as const) {
    test(`${dialect}: all 11 tables and every column, each exactly right`, async () => {
      const source = await freshDatabase(dialect);
      const target = await freshDatabase('postgres');
      databases.push(source, target);
      if (dialect === 'sqlite') loadChinookSqlite(source);
      else await loadChinookMysql(source);
      await loadChinookPostgres(target, { withData: false });
      const [s, t] = await Promise.all([openConnection(source.url), openConnection(target.url)]);
      try {
        const suggestions = suggestMappings(await s.introspect(), await t.introspect());
        assert.equal(suggestions.tables.length, 11);
        assert.deepEqual(suggestions.unmatchedSourceTables, []);
        assert.deepEqual(suggestions.unmatchedTargetTables, []);
        let columns = 0;
        for (const table of suggestions.tables) {
          assert.equal(table.target.name, snake(table.source.name));
          assert.ok(table.score >= CONFIDENT);
          assert.deepEqual(table.unmatchedSourceColumns, [], table.source.name);
          assert.deepEqual(table.unmatchedTargetColumns, [], table.source.name);
          for (const c of table.columns) {
            assert.equal(c.target.name, snake(c.source.name), `${table.source.name}.${c.source.name}`);
            assert.ok(c.score >= CONFIDENT);
            columns += 1;
          }
        }
        assert.equal(columns, 64);
      } finally {
        await Promise.all([s.close(), t.close()]);
      }
    });
  }
});
