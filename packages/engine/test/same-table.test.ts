import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import type { DataBridgeError } from '../src/errors.ts';
import { planMigration } from '../src/plan/plan-migration.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const spec = (sourceUrl: string, targetUrl: string, target: string) =>
  parseSpec(`source: { url: "${sourceUrl}" }
target: { url: "${targetUrl}" }
pipeline: { createTables: true }
mappings:
  - source: artist
    target: ${target}
    columns:
      - { source: id, target: id }
      - { source: name, target: name }
`);

/** The same database under another spelling of its URL: loopback name, explicit port, a link to the file. */
function otherSpelling(db: TestDatabase, dialect: TestDialect): string {
  if (dialect === 'sqlite') {
    const link = `${db.name}.link`;
    symlinkSync(db.name, link);
    return `sqlite:${link}`;
  }
  return db.url.replace('127.0.0.1', 'localhost').replace(/:(5432|3306)\//, ':$1/');
}

for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
  describe(`source and target in one ${dialect} database`, () => {
    test('a mapping from a table onto itself is refused, saying why and which mapping', async () => {
      const db = await freshDatabase(dialect);
      databases.push(db);
      await rawExec(db, dialect, 'CREATE TABLE artist (id int PRIMARY KEY, name varchar(50))');
      const { spec: s, lineOf } = spec(db.url, otherSpelling(db, dialect), 'artist');
      await assert.rejects(planMigration(s, lineOf), (error: DataBridgeError) => {
        assert.equal(error.code, 'bad_spec');
        assert.match(error.message, /mappings\[0\]\.target/);
        assert.match(error.message, /both the source and the target/);
        assert.match(error.message, /lock/);
        return true;
      });
    });

    test('another table of the same database is allowed, with a warning that they share it', async () => {
      const db = await freshDatabase(dialect);
      databases.push(db);
      await rawExec(db, dialect, 'CREATE TABLE artist (id int PRIMARY KEY, name varchar(50))');
      const { spec: s, lineOf } = spec(db.url, db.url, 'artist_copy');
      const plan = await planMigration(s, lineOf);
      assert.ok(
        plan.warnings.some((w) => /same database/.test(w.message)),
        JSON.stringify(plan.warnings),
      );
    });
  });
}

test('two databases on one server are not the same database: no refusal, no warning', async () => {
  const a = await freshDatabase('postgres');
  const b = await freshDatabase('postgres');
  databases.push(a, b);
  await rawExec(a, 'postgres', 'CREATE TABLE artist (id int PRIMARY KEY, name varchar(50))');
  const { spec: s, lineOf } = spec(a.url, b.url, 'artist');
  const plan = await planMigration(s, lineOf);
  assert.ok(!plan.warnings.some((w) => /same database/.test(w.message)));
});
