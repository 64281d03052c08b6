import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadChinookSqlite } from './support/chinook.ts';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

function spec(source: TestDatabase, target: TestDatabase, mode: string): string {
  return `name: modes
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true, batchSize: 100, parallelism: 2 }
mappings:
  - source: Artist
    target: artist
    mode: ${mode}
    columns: [{ source: ArtistId, target: artist_id }, { source: Name, target: name }]
  - source: Artist
    target: artist_names
    mode: ${mode === 'upsert' ? 'upsert' : 'replace'}
    columns: [{ source: ArtistId, target: id }, { source: Name, target: name, transform: [upper] }]
`;
}

const count = async (db: TestDatabase, dialect: TestDialect, sql: string) =>
  Number(Object.values((await rawExec(db, dialect, sql))[0] as object)[0]);

for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
  describe(`load modes into ${dialect}`, () => {
    test('append, replace, upsert, and one source feeding two targets', async () => {
      const source = await freshDatabase('sqlite');
      const target = await freshDatabase(dialect);
      databases.push(source, target);
      loadChinookSqlite(source);

      const first = await runSpec(spec(source, target, 'append'));
      assert.equal(first.status, 'completed', first.error?.message ?? '');
      assert.equal(await count(target, dialect, 'SELECT count(*) FROM artist'), 275);
      assert.equal(await count(target, dialect, 'SELECT count(*) FROM artist_names'), 275);
      const [aerosmith] = (await rawExec(target, dialect, 'SELECT name FROM artist_names WHERE id = 3')) as {
        name: string;
      }[];
      assert.equal(aerosmith?.name, 'AEROSMITH', 'the second target got the transformed copy');

      const replaced = await runSpec(spec(source, target, 'replace'));
      assert.equal(replaced.status, 'completed', replaced.error?.message ?? '');
      assert.equal(
        await count(target, dialect, 'SELECT count(*) FROM artist'),
        275,
        'replace does not duplicate',
      );
      assert.ok(replaced.validation.every((v) => v.problems.length === 0));

      await rawExec(target, dialect, "UPDATE artist SET name = 'changed' WHERE artist_id <= 10");
      await rawExec(target, dialect, 'DELETE FROM artist WHERE artist_id > 200');
      const upserted = await runSpec(spec(source, target, 'upsert'));
      assert.equal(upserted.status, 'completed', upserted.error?.message ?? '');
      assert.equal(
        await count(target, dialect, 'SELECT count(*) FROM artist'),
        275,
        'deleted rows inserted again',
      );
      assert.equal(
        await count(target, dialect, "SELECT count(*) FROM artist WHERE name = 'changed'"),
        0,
        'changed rows updated',
      );

      const appendedAgain = await runSpec(spec(source, target, 'append'));
      assert.equal(appendedAgain.status, 'failed');
      assert.equal(appendedAgain.error?.code, 'constraint_violation');
      assert.match(appendedAgain.error?.message ?? '', /artist/);
      assert.equal(
        await count(target, dialect, 'SELECT count(*) FROM artist'),
        275,
        'a failed batch leaves nothing behind',
      );
      assert.ok(
        appendedAgain.warnings.some((w) => w.kind === 'primary_key_conflict' && w.table.endsWith('artist')),
      );
    });
  });
}
