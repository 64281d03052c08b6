import { after } from 'node:test';
import { freshPostgres, type TestDatabase } from '../../../engine/test/support/databases.ts';

/**
 * A `fresh()` that makes a fresh PostgreSQL database for a test file and drops every one it made once
 * the file's tests are done (call it at the top level of the file).
 */
export function freshPostgresPerFile(): () => Promise<TestDatabase> {
  const databases: TestDatabase[] = [];
  after(async () => {
    await Promise.allSettled(databases.map((d) => d.drop()));
  });
  return async () => {
    const db = await freshPostgres();
    databases.push(db);
    return db;
  };
}
