import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const SOURCE = `CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
  CREATE TABLE entries (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts(id));
  INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 50) g;
  INSERT INTO entries SELECT g, 1 + g % 50 FROM generate_series(1, 500) g;`;

async function pair(createTables: boolean) {
  const source = await freshPostgres();
  const target = await freshPostgres();
  databases.push(source, target);
  await rawExec(source, 'postgres', SOURCE);
  if (!createTables)
    await rawExec(
      target,
      'postgres',
      `CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
       CREATE TABLE entries (id bigint PRIMARY KEY, account_id bigint NOT NULL,
         CONSTRAINT entries_account_fk FOREIGN KEY (account_id) REFERENCES accounts(id));`,
    );
  return { source, target };
}

/** A spec whose post hook (run at the start of validate) does `post` to the target's key. */
function spec(source: TestDatabase, target: TestDatabase, createTables: boolean, post: string): string {
  return `name: fk
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline:
  createTables: ${createTables}
  hooks: { post: [{ name: tamper, on: target, sql: "${post}" }] }
mappings:
  - { source: accounts, target: accounts, columns: [{ source: id, target: id }, { source: name, target: name }] }
  - { source: entries, target: entries, columns: [{ source: id, target: id }, { source: account_id, target: account_id }] }
`;
}

describe('validate checks the foreign keys the run owes the target', () => {
  test('a key dropped for the load that is missing at validation fails the run, naming it', async () => {
    const { source, target } = await pair(false);
    const summary = await runSpec(
      spec(source, target, false, 'ALTER TABLE entries DROP CONSTRAINT entries_account_fk'),
    );
    assert.equal(summary.status, 'failed');
    assert.equal(summary.error?.code, 'validation_failed');
    assert.match(summary.error!.message, /public\.entries: foreign key entries_account_fk is missing/);
  });

  test('a key left NOT VALID fails the run', async () => {
    const { source, target } = await pair(false);
    const summary = await runSpec(
      spec(
        source,
        target,
        false,
        'ALTER TABLE entries DROP CONSTRAINT entries_account_fk; ALTER TABLE entries ADD CONSTRAINT entries_account_fk FOREIGN KEY (account_id) REFERENCES accounts(id) NOT VALID',
      ),
    );
    assert.equal(summary.status, 'failed');
    assert.match(summary.error!.message, /entries_account_fk is NOT VALID/);
  });

  test('a created table whose key is gone fails the run; with its key there the run completes', async () => {
    const missing = await pair(true);
    const failed = await runSpec(
      spec(
        missing.source,
        missing.target,
        true,
        "DO $$ DECLARE c text; BEGIN FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'entries'::regclass AND contype = 'f' LOOP EXECUTE format('ALTER TABLE entries DROP CONSTRAINT %I', c); END LOOP; END $$",
      ),
    );
    assert.equal(failed.status, 'failed');
    assert.match(failed.error!.message, /public\.entries: 1 of its 1 foreign key\(s\) were never created/);
    const fine = await pair(true);
    const completed = await runSpec(spec(fine.source, fine.target, true, 'SELECT 1'));
    assert.equal(completed.status, 'completed', completed.error?.message ?? '');
  });
});
