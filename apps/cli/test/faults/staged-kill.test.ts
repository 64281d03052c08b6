import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  freshPostgres,
  rawExec,
  type TestDatabase,
} from '../../../../packages/engine/test/support/databases.ts';
import { cli, startCli } from '../cli-helpers.ts';
import { exactFacts, faultPair, faultSpec, targetFacts, targetRows, until } from './fault-fixtures.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

/** Rows a staged extract has committed into the staging database so far (its checkpoints say). */
async function stagedRows(staging: TestDatabase): Promise<number> {
  const rows = (await rawExec(
    staging,
    'postgres',
    "SELECT coalesce(sum(rows_written), 0)::int AS n FROM public._databridge_checkpoints WHERE task_id LIKE 'stage:%'",
  ).catch(() => [{ n: 0 }])) as { n: number }[];
  return rows[0]!.n;
}

test('staged run killed with -9 during the extract and again during the load: each resume goes on, the copy is exact', async () => {
  const pair = await faultPair('postgres', databases);
  const staging = await freshPostgres();
  databases.push(staging);
  const { dir, specFile } = faultSpec(pair, '{ batchSize: 500, parallelism: 2, staging: database }');
  const env = { DATABRIDGE_DATA_DIR: dir, STAGING_DATABASE_URL: staging.url };

  const run = async (args: string[], killWhen: () => Promise<boolean>, what: string) => {
    const child = startCli(args, env);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.on('close', r));
    await until(killWhen, what);
    child.kill('SIGKILL');
    await exited;
    return stderr;
  };

  const stderr = await run(
    ['run', specFile, '--json'],
    async () => (await stagedRows(staging)) >= 2_000,
    'rows staged',
  );
  const runId = /run (\S+)/.exec(stderr)![1]!;
  assert.equal(await targetRows(pair, 'entries'), 0, 'killed before any load');
  const stagedAtKill = await stagedRows(staging);
  assert.ok(stagedAtKill < 85_000, `killed inside the extract (${stagedAtKill} staged)`);

  await run(
    ['run', specFile, '--resume', runId, '--json'],
    async () => (await targetRows(pair, 'entries').catch(() => 0)) >= 1_000,
    'entries loaded',
  );
  // Every row staged once: the resumed extract went on after its last checkpoint.
  const [dupes] = (await rawExec(
    staging,
    'postgres',
    `SELECT count(*)::int AS n FROM (SELECT key FROM "databridge_stage_${runId.replace(/-/g, '_')}"."task_m2.p1" GROUP BY key HAVING count(*) > 1) d`,
  )) as { n: number }[];
  assert.equal(dupes!.n, 0);

  const last = await cli(['run', specFile, '--resume', runId, '--json'], env);
  assert.equal(last.code, 0, last.stderr);
  assert.deepEqual(await targetFacts(pair), exactFacts(pair));
  const [left] = (await rawExec(
    staging,
    'postgres',
    "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'databridge_stage_%'",
  )) as { n: number }[];
  assert.equal(left!.n, 0, 'the completed run dropped its staging schema');
});
