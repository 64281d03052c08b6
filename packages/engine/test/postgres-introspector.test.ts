import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Connection } from '../src/connectors/connection.ts';
import { openConnection } from '../src/connectors/open.ts';
import type { DatabaseSchema, TableInfo } from '../src/schema/model.ts';
import { freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';

describe('postgres introspector', () => {
  let db: TestDatabase;
  let conn: Connection;
  let schema: DatabaseSchema;
  const table = (schemaName: string, name: string): TableInfo =>
    schema.tables.find((t) => t.schema === schemaName && t.name === name)!;

  before(async () => {
    db = await freshPostgres();
    await rawExec(
      db,
      'postgres',
      `CREATE DOMAIN short_code AS varchar(8);
      CREATE SCHEMA sales;
      CREATE TABLE public.region (code char(2), zone int, name varchar(40) NOT NULL DEFAULT 'n/a',
        PRIMARY KEY (zone, code));
      CREATE TABLE sales.store (
        id serial PRIMARY KEY,
        ref bigint GENERATED ALWAYS AS IDENTITY,
        code short_code UNIQUE,
        region_zone int, region_code char(2),
        price numeric(12,3), legacy real, notes text, opened timestamptz DEFAULT now(), tags text[],
        FOREIGN KEY (region_zone, region_code) REFERENCES public.region (zone, code));
      CREATE UNIQUE INDEX store_notes ON sales.store (notes, region_zone);
      CREATE UNIQUE INDEX store_partial ON sales.store (notes) WHERE notes <> '';
      ALTER TABLE sales.store DROP COLUMN legacy;
      CREATE VIEW public.not_a_table AS SELECT 1 AS x;
      CREATE TABLE public._databridge_checkpoints (run_id text);
      CREATE TABLE public.analysed AS SELECT generate_series(1, 5000) AS n; ANALYZE public.analysed;
      CREATE TABLE public.fresh AS SELECT generate_series(1, 700) AS n;`,
    );
    conn = await openConnection(db.url);
    schema = await conn.introspect();
  });
  after(async () => {
    await conn?.close();
    await db?.drop();
  });

  test('lists every user schema and base table, and nothing of its own or of the system', () => {
    assert.deepEqual(schema.schemas, ['public', 'sales']);
    assert.deepEqual(
      schema.tables.map((t) => `${t.schema}.${t.name}`),
      ['public.analysed', 'public.fresh', 'public.region', 'sales.store'],
    );
  });

  test('describes columns with format_type() native types, normalised types, defaults and identity', () => {
    const store = table('sales', 'store');
    const summary = store.columns.map((c) => [
      c.ordinal,
      c.name,
      c.nativeType,
      c.type,
      c.nullable,
      c.autoIncrement,
    ]);
    assert.deepEqual(summary, [
      [1, 'id', 'integer', 'int32', false, true],
      [2, 'ref', 'bigint', 'int64', false, true],
      [3, 'code', 'short_code', 'string', true, false],
      [4, 'region_zone', 'integer', 'int32', true, false],
      [5, 'region_code', 'character(2)', 'string', true, false],
      [6, 'price', 'numeric(12,3)', 'decimal', true, false],
      [7, 'notes', 'text', 'text', true, false],
      [8, 'opened', 'timestamp with time zone', 'timestamptz', true, false],
      [9, 'tags', 'text[]', 'unknown', true, false],
    ]);
    const price = store.columns.find((c) => c.name === 'price')!;
    assert.deepEqual([price.precision, price.scale], [12, 3]);
    assert.equal(store.columns.find((c) => c.name === 'code')!.length, 8);
    assert.equal(store.columns.find((c) => c.name === 'opened')!.defaultValue, 'now()');
    assert.match(store.columns[0]!.defaultValue!, /^nextval\(/);
    const name = table('public', 'region').columns.find((c) => c.name === 'name')!;
    assert.deepEqual(
      [name.length, name.nullable, name.defaultValue],
      [40, false, "'n/a'::character varying"],
    );
  });

  test('keeps key order for primary, foreign and unique keys', () => {
    assert.deepEqual(table('public', 'region').primaryKey, ['zone', 'code']);
    const store = table('sales', 'store');
    assert.deepEqual(store.primaryKey, ['id']);
    assert.deepEqual(store.foreignKeys, [
      {
        name: 'store_region_zone_region_code_fkey',
        columns: ['region_zone', 'region_code'],
        referencedSchema: 'public',
        referencedTable: 'region',
        referencedColumns: ['zone', 'code'],
      },
    ]);
    // A unique index counts as a unique key; a partial one cannot serve as a conflict key and does not.
    assert.deepEqual(store.uniqueConstraints, [
      { name: 'store_code_key', columns: ['code'] },
      { name: 'store_notes', columns: ['notes', 'region_zone'] },
    ]);
  });

  test('estimates rows from statistics, and counts small tables never analysed', () => {
    assert.equal(table('public', 'analysed').rowEstimate, 5000);
    assert.equal(table('public', 'fresh').rowEstimate, 700);
  });

  test('limits itself to the schemas asked for', async () => {
    const only = await conn.introspect({ schemas: ['sales', 'missing'] });
    assert.deepEqual(only.schemas, ['sales']);
    assert.deepEqual(
      only.tables.map((t) => t.name),
      ['store'],
    );
  });
});
