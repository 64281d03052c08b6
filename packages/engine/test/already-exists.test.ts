import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { classifyFailure } from '../src/connectors/classify-error.ts';
import type { Connection } from '../src/connectors/connection.ts';
import { openConnection } from '../src/connectors/open.ts';
import { CONNECTORS } from '../src/connectors/registry.ts';
import { freshDatabase, type TestDatabase } from './support/databases.ts';

/** The error `work` throws; fails the test when it throws none. */
async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  assert.fail('expected the statement to fail');
}

/**
 * A repeated stage (a resume, a retry) finds the tables and constraints it created there already: the
 * run tells that apart from a real failure by the error's code, on every connector.
 */
for (const { name: dialect } of CONNECTORS) {
  describe(`${dialect}: a CREATE that finds its object there already`, () => {
    let db: TestDatabase;
    let conn: Connection;
    before(async () => {
      db = await freshDatabase(dialect);
      conn = await openConnection(db.url, { poolSize: 1 });
      await conn.query('CREATE TABLE parent (id integer PRIMARY KEY)');
      await conn.query('CREATE TABLE child (id integer PRIMARY KEY, parent_id integer)');
    });
    after(async () => {
      await conn?.close();
      await db?.drop();
    });

    test('a table created twice is already_exists, not a bad spec or an internal error', async () => {
      const error = await failureOf(() => conn.query('CREATE TABLE parent (id integer PRIMARY KEY)'));
      assert.equal(classifyFailure(error), 'already_exists');
    });

    test('a foreign key added twice is already_exists', { skip: dialect === 'sqlite' }, async () => {
      const [sql] = conn.dialect.addForeignKeys(
        {
          schema: conn.dialect.defaultSchema,
          name: 'child',
          columns: [],
          primaryKey: ['id'],
          foreignKeys: [
            {
              name: 'child_parent_fk',
              columns: ['parent_id'],
              referencedSchema: conn.dialect.defaultSchema,
              referencedTable: 'parent',
              referencedColumns: ['id'],
            },
          ],
          uniqueConstraints: [],
          rowEstimate: 0,
        },
        { schema: conn.dialect.defaultSchema, name: 'child' },
      );
      await conn.query(sql!);
      const error = await failureOf(() => conn.query(sql!));
      assert.equal(classifyFailure(error), 'already_exists');
    });
  });
}
