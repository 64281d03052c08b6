import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { STOP_NOW } from '../src/run/paused.ts';
import { runMigration } from '../src/run/run-migration.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { freshPostgres, PG_ADMIN_URL, rawExec, type TestDatabase } from './support/databases.ts';

const GRACE_MS = 1500;

/** The run's sessions on a database (its pools name themselves `databridge`). */
async function sessions(db: TestDatabase, where = ''): Promise<number> {
  const rows = await rawExec(
    { url: PG_ADMIN_URL, name: 'postgres', drop: async () => {} },
    'postgres',
    `SELECT pid FROM pg_stat_activity WHERE datname = '${db.name}' AND application_name = 'databridge' ${where}`,
  );
  return rows.length;
}

/**
 * A load blocked on a table another session holds locked, then aborted: Ctrl-C (any reason) lets the
 * statement run on for the grace, to its batch boundary if it gets there, then ends it; STOP_NOW (a
 * cancel, a failed sibling) ends it at once. Either way the run ends and no session is left.
 */
describe('an abort ends the statements in flight on both databases', () => {
  const dbs: TestDatabase[] = [];
  after(async () => {
    for (const db of dbs) await db.drop();
  });

  for (const [label, reason, atLeast, below] of [
    ['Ctrl-C: after the grace', undefined, GRACE_MS - 100, GRACE_MS + 5000],
    ['a cancel: at once', STOP_NOW, 0, GRACE_MS - 200],
  ] as const) {
    it(label, async (t) => {
      const [source, target] = [await freshPostgres(), await freshPostgres()];
      dbs.push(source, target);
      await rawExec(
        source,
        'postgres',
        `CREATE TABLE t (id bigint PRIMARY KEY, v text);
         INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 500000) g;`,
      );
      await rawExec(target, 'postgres', 'CREATE TABLE t (id bigint PRIMARY KEY, v text)');
      const text = `source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { batchSize: 2000, parallelism: 1 }
mappings:
  - { source: t, target: t, columns: [{ source: id, target: id }, { source: v, target: v }] }
`;
      const loaded = parseSpec(text, 'spec.yaml', {});
      const dir = mkdtempSync(join(tmpdir(), 'databridge-stop-'));
      const stop = new AbortController();
      const run = runMigration({
        spec: loaded.spec,
        lineOf: loaded.lineOf,
        specHash: createHash('sha256').update(text).digest('hex'),
        state: { file: join(dir, 'state.sqlite') },
        reportsDir: join(dir, 'reports'),
        signal: stop.signal,
        stopGraceMs: GRACE_MS,
      });
      const locker = new pg.Client({ connectionString: target.url });
      for (;;) {
        const [row] = (await rawExec(target, 'postgres', 'SELECT count(*)::int AS n FROM t')) as {
          n: number;
        }[];
        if (row!.n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
      while ((await sessions(target, "AND wait_event_type = 'Lock'")) === 0) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const start = Date.now();
      stop.abort(reason);
      const summary = await run;
      const took = Date.now() - start;
      t.diagnostic(`abort to the end of the run: ${took} ms`);
      await locker.query('ROLLBACK');
      await locker.end();
      assert.equal(summary.status, 'cancelled');
      assert.ok(took >= atLeast && took < below, `ended ${took} ms after the abort`);
      assert.equal(await sessions(source), 0, 'no session left on the source');
      assert.equal(await sessions(target), 0, 'no session left on the target');
    });
  }
});
