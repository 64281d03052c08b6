import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import {
  rawExec,
  type TestDatabase,
  type TestDialect,
} from '../../../../packages/engine/test/support/databases.ts';
import { cli, startCli } from '../cli-helpers.ts';
import {
  exactFacts,
  type FaultPair,
  faultPair,
  faultSpec,
  freshTarget,
  sleep,
  targetFacts,
  targetRows,
  until,
} from './fault-fixtures.ts';

/**
 * kill -9 of the CLI at seeded random points of each stage, then `--resume` until the run completes:
 * the copy must be exact (counts, no duplicate key, md5 of the ordered rows) with its foreign key
 * present and validated, and the run must have its report. FAULT_SEED picks other points.
 */
const SEED = Number(process.env.FAULT_SEED ?? 16);
const TRIALS_PER_POINT = Number(process.env.FAULT_TRIALS ?? 4);

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Point = 'extract' | 'ddl' | 'load' | 'fk' | 'validate' | 'report';

interface Trial {
  readonly point: Point;
  readonly from: TestDialect;
  /** The target's tables are created by the run (createTables), else they exist with their key. */
  readonly create: boolean;
}

const POINTS: readonly Point[] = ['extract', 'ddl', 'load', 'fk', 'validate', 'report'];
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

/** The last stage the run log says started, or `before` when there is no log yet. */
function lastStage(dir: string, runId: string | undefined): string {
  if (!runId) return 'before the run';
  const file = join(dir, 'reports', runId, 'run.log');
  if (!existsSync(file)) return 'before the run';
  const stages = [...readFileSync(file, 'utf8').matchAll(/"stage (\w+) running"/g)].map((m) => m[1]);
  return stages.at(-1) ?? 'plan';
}

async function logSays(dir: string, stderr: () => string, pattern: RegExp): Promise<boolean> {
  const runId = /run (\S+)/.exec(stderr())?.[1];
  if (!runId) return false;
  const file = join(dir, 'reports', runId, 'run.log');
  return existsSync(file) && pattern.test(readFileSync(file, 'utf8'));
}

/** Waits for the trial's point, then a seeded random moment inside it. */
async function reachPoint(
  trial: Trial,
  pair: FaultPair,
  dir: string,
  stderr: () => string,
  r: () => number,
  blocker: pg.Client,
) {
  const stage = (name: string) => logSays(dir, stderr, new RegExp(`"stage ${name} running"`));
  switch (trial.point) {
    case 'extract':
      await until(() => stage('extract'), 'extract');
      return sleep(r() * 40);
    case 'ddl': {
      // With createTables, each CREATE TABLE held 300 ms: between the two tables, or just after
      // the last (once both were before the run was recorded, and a new run then found the tables
      // and never created their foreign key).
      const afterBoth = r() < 0.5;
      await until(async () => {
        const [row] = (await rawExec(
          pair.target,
          'postgres',
          "SELECT to_regclass('public.accounts') AS a, to_regclass('public.entries') AS e",
        )) as { a: string | null; e: string | null }[];
        return afterBoth ? row?.e != null : row?.a != null && row.e == null;
      }, 'the created tables');
      return sleep(r() * (afterBoth ? 30 : 100));
    }
    case 'load':
      await until(async () => (await targetRows(pair, 'entries').catch(() => 0)) > 0, 'the first entries');
      return sleep(r() * 1500);
    case 'fk': {
      // Too quick to hit on its own: a session holding ROW EXCLUSIVE on accounts from mid-load (it
      // disturbs nothing there) makes ADD CONSTRAINT wait for its lock, and the kill lands then.
      await until(
        async () => (await targetRows(pair, 'entries').catch(() => 0)) >= 1_000,
        'the first entries',
      );
      await blocker.query('BEGIN; LOCK TABLE accounts IN ROW EXCLUSIVE MODE');
      await until(async () => {
        const rows = await rawExec(
          pair.target,
          'postgres',
          "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%ADD CONSTRAINT%'",
        );
        return rows.length > 0;
      }, 'the foreign key to be added back');
      return sleep(r() * 20);
    }
    case 'validate':
      await until(() => stage('validate'), 'validate');
      return sleep(r() * 200);
    case 'report':
      await until(() => stage('report'), 'report');
      return sleep(r() * 15);
  }
}

describe('kill -9 of the CLI at random points, then --resume', () => {
  const trials: Trial[] = [];
  for (const point of POINTS)
    for (let i = 0; i < TRIALS_PER_POINT; i++)
      trials.push({
        point,
        from: i % 2 === 0 ? 'mysql' : 'postgres',
        create: point === 'ddl' || i % 2 === 1,
      });
  const sources = new Map<TestDialect, FaultPair>();
  const r = random(SEED);
  const results: string[] = [];
  after(() => process.stderr.write(`# kill -9 trials (seed ${SEED}):\n${results.join('\n')}\n`));

  for (const [n, trial] of trials.entries()) {
    test(`trial ${n + 1}: ${trial.point}, ${trial.from} source, ${trial.create ? 'created' : 'existing'} target`, async () => {
      let base = sources.get(trial.from);
      if (!base) {
        base = await faultPair(trial.from, databases);
        sources.set(trial.from, base);
      }
      const pair = await freshTarget(base, databases, { create: trial.create });
      const { dir, specFile } = faultSpec(
        pair,
        `{ batchSize: 500, parallelism: 2${trial.create ? ', createTables: true' : ''} }`,
      );
      const child = startCli(['run', specFile, '--json'], { DATABRIDGE_DATA_DIR: dir });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const exited = new Promise((resolve) => child.on('close', resolve));
      const blocker = new pg.Client({ connectionString: pair.target.url });
      await blocker.connect();
      try {
        await Promise.race([reachPoint(trial, pair, dir, () => stderr, r, blocker), exited]);
        child.kill('SIGKILL');
        await exited;
      } finally {
        await blocker.end();
      }
      const runId = /run (\S+)/.exec(stderr)?.[1];
      const killedIn = lastStage(dir, runId);
      // Resume until it completes (a kill before the run was recorded leaves nothing to resume).
      let attempts = 0;
      let summary: { status: string; runId: string; report: { html: string } | null } | undefined;
      for (; attempts < 3; attempts++) {
        const args = runId ? ['run', specFile, '--resume', runId, '--json'] : ['run', specFile, '--json'];
        const resumed = await cli(args, { DATABRIDGE_DATA_DIR: dir });
        if (resumed.code === 2 && /already completed/.test(resumed.stderr)) break;
        if (resumed.code === 2 && /no run .* to resume/.test(resumed.stderr)) {
          const fresh = await cli(['run', specFile, '--json'], { DATABRIDGE_DATA_DIR: dir });
          assert.equal(fresh.code, 0, fresh.stderr);
          summary = JSON.parse(fresh.stdout);
          break;
        }
        assert.equal(resumed.code, 0, `${resumed.stderr}\n${resumed.stdout}`);
        summary = JSON.parse(resumed.stdout);
        if (summary?.status === 'completed') break;
      }
      assert.deepEqual(await targetFacts(pair), exactFacts(pair), `killed in ${killedIn}`);
      // Every run has its report: the resume wrote it, or `databridge report` writes it again.
      const id = summary?.runId ?? runId!;
      const report = await cli(['report', id], { DATABRIDGE_DATA_DIR: dir });
      assert.equal(report.code, 0, report.stderr);
      const html = join(dir, 'reports', id, 'report.html');
      assert.match(readFileSync(html, 'utf8'), /COMPLETED|completed/);
      assert.doesNotMatch(readFileSync(html, 'utf8'), /could not be added back|NOT VALID/);
      results.push(
        `#   ${trial.point.padEnd(8)} ${trial.from.padEnd(8)} ${trial.create ? 'created ' : 'existing'} killed in ${killedIn}, exact after ${attempts + 1} resume(s)`,
      );
    });
  }
});
