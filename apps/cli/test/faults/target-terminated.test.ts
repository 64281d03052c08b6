import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import type { TestDatabase } from '../../../../packages/engine/test/support/databases.ts';
import { cli, startCli } from '../cli-helpers.ts';
import {
  exactFacts,
  type FaultPair,
  faultPair,
  faultSpec,
  freshTarget,
  targetFacts,
  targetRows,
  until,
} from './fault-fixtures.ts';

/**
 * The target's sessions terminated (pg_terminate_backend, SQLSTATE 57P01) at each stage: the run
 * fails `transient` whatever the stage (never constraint_violation or internal), its summary counts
 * what the target's checkpoints hold, it says how to resume, and the resume ends exact.
 */
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

interface Blocker {
  readonly client: pg.Client;
  locked: boolean;
}

interface Point {
  readonly name: string;
  /** When to strike: true once the target is at the point (may terminate sessions itself). */
  readonly reached: (pair: FaultPair, admin: pg.Client, blocker: Blocker) => Promise<boolean>;
}

/** Terminates the run's target sessions whose statement matches `pattern` while it runs. */
async function terminate(pair: FaultPair, admin: pg.Client, pattern: string): Promise<boolean> {
  const { rows } = await admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid() AND state = 'active' AND query ILIKE $2`,
    [pair.target.name, pattern],
  );
  return rows.length > 0;
}

const POINTS: readonly Point[] = [
  {
    name: 'load',
    reached: async (pair, admin) =>
      (await targetRows(pair, 'entries')) >= 5_000 && terminate(pair, admin, '%COPY%entries%'),
  },
  {
    name: 'foreign key re-add',
    // Too quick to catch on its own: a session holding ROW EXCLUSIVE on accounts (taken mid-load,
    // which it does not disturb) makes ADD CONSTRAINT wait for its lock, in plain sight.
    reached: async (pair, admin, blocker) => {
      if (!blocker.locked && (await targetRows(pair, 'entries')) >= 1_000) {
        await blocker.client.query('BEGIN; LOCK TABLE accounts IN ROW EXCLUSIVE MODE');
        blocker.locked = true;
      }
      if (!blocker.locked || !(await terminate(pair, admin, '%ADD CONSTRAINT%entries_account_fk%')))
        return false;
      await blocker.client.query('COMMIT');
      return true;
    },
  },
  { name: 'validate', reached: (pair, admin) => terminate(pair, admin, '%hashtextextended%') },
];

describe('target sessions terminated at each stage (mysql -> postgres, CLI)', () => {
  let base: FaultPair | undefined;
  for (const point of POINTS) {
    test(`during ${point.name}: transient, true counts, a resume command, an exact resume`, async () => {
      base ??= await faultPair('mysql', databases);
      const pair = await freshTarget(base, databases, { create: false });
      const { dir, specFile } = faultSpec(pair);
      const child = startCli(['run', specFile, '--json'], { DATABRIDGE_DATA_DIR: dir });
      const out = { stdout: '', stderr: '' };
      child.stdout!.on('data', (d) => (out.stdout += d));
      child.stderr!.on('data', (d) => (out.stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const admin = new pg.Client({ connectionString: pair.target.url });
      const blocker = { client: new pg.Client({ connectionString: pair.target.url }), locked: false };
      await Promise.all([admin.connect(), blocker.client.connect()]);
      try {
        let done = false;
        void exited.then(() => (done = true));
        await until(async () => done || (await point.reached(pair, admin, blocker)), point.name, 60_000);
        assert.ok(!done, `the run ended before the ${point.name} could be hit: ${out.stdout.slice(0, 300)}`);
      } finally {
        await Promise.all([admin.end(), blocker.client.end()]);
      }
      assert.equal(await exited, 1, out.stderr);
      const summary = JSON.parse(out.stdout);
      assert.equal(summary.status, 'failed');
      assert.equal(summary.error.code, 'transient', summary.error.message);
      assert.equal(summary.resumeWith, `databridge run <spec> --resume ${summary.runId}`);
      // True counts: what the checkpoints say is in the target is what the target holds.
      const held = {
        accounts: await targetRows(pair, 'accounts'),
        entries: await targetRows(pair, 'entries'),
      };
      const written = Object.fromEntries(
        summary.tables.map((t: { target: string; rowsWritten: number }) => [
          t.target.split('.')[1],
          t.rowsWritten,
        ]),
      );
      assert.deepEqual(written, held);
      const resumed = await cli(['run', specFile, '--resume', summary.runId, '--json'], {
        DATABRIDGE_DATA_DIR: dir,
      });
      assert.equal(resumed.code, 0, resumed.stderr);
      // The report says how things ended, not what an earlier attempt met on the way.
      const final = JSON.parse(resumed.stdout);
      assert.deepEqual(
        final.warnings.filter((w: { kind: string }) => w.kind === 'foreign_key'),
        [],
        'no stale foreign-key warning',
      );
      assert.deepEqual(await targetFacts(pair), exactFacts(pair));
      process.stderr.write(
        `# target terminated during ${point.name}: transient, counts ${JSON.stringify(held)}, resumed exact\n`,
      );
    });
  }
});
