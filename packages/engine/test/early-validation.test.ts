import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import type { RunLogEntry } from '../src/run/run-log.ts';
import type { RunSummary } from '../src/run/run-summary.ts';
import { freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

// A table whose last task has committed is counted and checksummed while the other tables still load,
// when nothing after the load can change it; the validate stage then takes that result. A table that a
// post hook may still change waits for the validate stage.

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const GATE = 5151;

async function parentAndChild(): Promise<{ source: TestDatabase; target: TestDatabase }> {
  const [source, target] = await Promise.all([freshPostgres(), freshPostgres()]);
  databases.push(source, target);
  const tables = `CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL);
    CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent (id), note text);`;
  await rawExec(source, 'postgres', tables);
  await rawExec(target, 'postgres', tables);
  await rawExec(
    source,
    'postgres',
    `INSERT INTO parent SELECT i, 'parent ' || i FROM generate_series(1, 300) i;
     INSERT INTO child SELECT i, 1 + i % 300, 'child ' || i FROM generate_series(1, 3000) i;`,
  );
  // Every COPY into the target's child after its first waits for an advisory lock the test may hold.
  await rawExec(
    target,
    'postgres',
    `CREATE SEQUENCE child_batches;
     CREATE FUNCTION gate_child() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN IF nextval('child_batches') >= 2 THEN PERFORM pg_advisory_xact_lock_shared(${GATE}); END IF; RETURN NULL; END $$;
     CREATE TRIGGER gate_child AFTER INSERT ON child FOR EACH STATEMENT EXECUTE FUNCTION gate_child();`,
  );
  return { source, target };
}

function spec(source: TestDatabase, target: TestDatabase, postHook?: string): string {
  const hooks = postHook ? `\n  hooks: { post: [{ name: tamper, sql: ${JSON.stringify(postHook)} }] }` : '';
  return `source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline:
  batchSize: 500
  parallelism: 2${hooks}
mappings:
  - { source: parent, target: parent, columns: [{ source: id, target: id }, { source: name, target: name }] }
  - source: child
    target: child
    columns: [{ source: id, target: id }, { source: parent_id, target: parent_id }, { source: note, target: note }]
`;
}

function run(text: string, onLog: (entry: RunLogEntry) => void): Promise<RunSummary> {
  return runSpec(text, {}, { onLog });
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const validatedEarly = (entries: readonly RunLogEntry[], table: string) =>
  entries.some((e) => e.message.startsWith(`${table} validated as soon as its load ended`));

describe('validation of a table whose load has ended, while others load', () => {
  test('the parent is counted and checksummed while the child still loads; the run validates both', async () => {
    const { source, target } = await parentAndChild();
    const gate = new pg.Client({ connectionString: target.url });
    await gate.connect();
    await gate.query('SELECT pg_advisory_lock($1)', [GATE]);
    const entries: RunLogEntry[] = [];
    let released = false;
    try {
      const running = run(spec(source, target), (e) => entries.push(e));
      await until('the parent to be validated', () => validatedEarly(entries, 'public.parent'));
      const { rows } = await gate.query<{ n: number }>('SELECT count(*)::int AS n FROM child');
      assert.ok(rows[0]!.n < 3000, `the child was still loading (${rows[0]!.n} of 3000 rows committed)`);
      await gate.query('SELECT pg_advisory_unlock($1)', [GATE]);
      released = true;
      const summary = await running;
      assert.equal(summary.status, 'completed', summary.error?.message ?? '');
      assert.deepEqual(
        summary.validation.map((v) => [
          v.table,
          v.targetRows,
          v.countMatches,
          'matches' in v.checksum && v.checksum.matches,
        ]),
        [
          ['public.parent', 300, true, true],
          ['public.child', 3000, true, true],
        ],
      );
    } finally {
      if (!released) await gate.query('SELECT pg_advisory_unlock($1)', [GATE]).catch(() => {});
      await gate.end();
    }
  });

  test('a table a post hook may change is validated after the hook, and the change is caught', async () => {
    const { source, target } = await parentAndChild();
    const entries: RunLogEntry[] = [];
    const summary = await run(spec(source, target, "UPDATE parent SET name = 'changed' WHERE id = 7"), (e) =>
      entries.push(e),
    );
    assert.equal(validatedEarly(entries, 'public.parent'), false);
    assert.equal(summary.error?.code, 'validation_failed');
    assert.match(summary.error!.message, /public\.parent: checksum of the copied columns differs/);
  });
});
