import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { TestDatabase } from '../../../../packages/engine/test/support/databases.ts';
import { startCli } from '../cli-helpers.ts';
import {
  ENTRIES,
  exactFacts,
  faultPair,
  faultSpec,
  freezableProxy,
  killSourceReaders,
  targetFacts,
  targetRows,
  until,
} from './fault-fixtures.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

/** Runs the CLI with `--json`, collecting stdout and stderr; `exited` resolves with its exit code. */
function runCli(args: string[], dir: string) {
  const child = startCli(args, { DATABRIDGE_DATA_DIR: dir });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, out, exited };
}

for (const from of ['mysql', 'postgres'] as const) {
  describe(`source connections killed mid-read (${from} -> postgres, CLI)`, () => {
    test('the run fails transient within seconds, says how to resume, and the resume is exact', async () => {
      const pair = await faultPair(from, databases);
      const { dir, specFile } = faultSpec(pair);
      const run = runCli(['run', specFile, '--json'], dir);
      // The first query that reads entries is killed as soon as it shows (PostgreSQL's COPY may have
      // sent the whole table into socket buffers well before the target took it).
      await until(async () => (await killSourceReaders(pair, 'entries')) > 0, 'a reading connection to kill');
      const killedAt = Date.now();
      const code = await Promise.race([run.exited, new Promise((r) => setTimeout(r, 30_000, 'hung'))]);
      if (code === 'hung') run.child.kill('SIGKILL');
      assert.notEqual(code, 'hung', `the CLI hung after its source connection was killed: ${run.out.stderr}`);
      const seconds = (Date.now() - killedAt) / 1000;
      assert.equal(code, 1, run.out.stderr);
      const summary = JSON.parse(run.out.stdout);
      assert.equal(summary.status, 'failed');
      assert.equal(summary.error.code, 'transient', summary.error.message);
      const runId = /run (\S+)/.exec(run.out.stderr)?.[1];
      assert.equal(runId, summary.runId, 'the run id is printed at the start on stderr');
      assert.equal(summary.resumeWith, `databridge run <spec> --resume ${summary.runId}`);
      const written = await targetRows(pair, 'entries');
      assert.ok(written < ENTRIES, `killed part-way (${written} entries): ${summary.error.message}`);
      assert.equal(summary.totals.rowsWritten, written + (await targetRows(pair, 'accounts')), 'true counts');
      const resumed = await runCli(['run', specFile, '--resume', summary.runId, '--json'], dir);
      assert.equal(await resumed.exited, 0, resumed.out.stderr);
      assert.equal(JSON.parse(resumed.out.stdout).status, 'completed');
      assert.deepEqual(await targetFacts(pair), exactFacts(pair));
      process.stderr.write(`# ${from}: failed ${seconds.toFixed(1)} s after the kill, resumed exact\n`);
    });
  });
}

describe('CLI retries (mysql -> postgres)', () => {
  test('--retries goes on from the checkpoints after a killed reader, with the spec’s retry delay, to an exact copy', async () => {
    const pair = await faultPair('mysql', databases);
    const { dir, specFile } = faultSpec(
      pair,
      '{ batchSize: 500, parallelism: 1 }',
      'schedule: { retries: { maxRetries: 0, delayMinutes: 0.01 } }\n',
    );
    const run = runCli(['run', specFile, '--json', '--retries', '2'], dir);
    await until(async () => (await targetRows(pair, 'entries')) >= 2_000, 'the first entries');
    await until(
      async () => (await killSourceReaders(pair, 'entries')) > 0,
      `a reading connection to kill (${run.out.stderr})`,
      20_000,
    );
    assert.equal(await run.exited, 0, run.out.stderr);
    const summary = JSON.parse(run.out.stdout);
    assert.equal(summary.status, 'completed');
    assert.match(run.out.stderr, /transient error: .*Connection lost.*\nretry 1 of 2 in 0\.6 s/);
    assert.equal(
      [...run.out.stderr.matchAll(/^run (\S+)/gm)].filter((m) => m[1] === summary.runId).length,
      2,
      'the retry resumed the same run',
    );
    assert.deepEqual(await targetFacts(pair), exactFacts(pair));
  });
});

describe('a source that goes silent mid-read (mysql -> postgres, CLI)', () => {
  test('the read gives up after pipeline.stallTimeoutSeconds with a transient error, and the run ends', async () => {
    const pair = await faultPair('mysql', databases);
    const proxy = await freezableProxy(3306);
    try {
      const viaProxy = {
        ...pair,
        source: { ...pair.source, url: pair.source.url.replace(':3306/', `:${proxy.port}/`) },
      };
      const { dir, specFile } = faultSpec(
        viaProxy,
        '{ batchSize: 500, parallelism: 1, stallTimeoutSeconds: 10 }',
      );
      const run = runCli(['run', specFile, '--json'], dir);
      await until(async () => (await targetRows(pair, 'entries')) >= 2_000, 'the first entries');
      proxy.freeze();
      const frozenAt = Date.now();
      const code = await Promise.race([run.exited, new Promise((r) => setTimeout(r, 60_000, 'hung'))]);
      if (code === 'hung') run.child.kill('SIGKILL');
      assert.notEqual(code, 'hung', `the CLI hung on a silent source: ${run.out.stderr}`);
      const seconds = (Date.now() - frozenAt) / 1000;
      assert.equal(code, 1, run.out.stderr);
      const summary = JSON.parse(run.out.stdout);
      assert.equal(summary.error.code, 'transient', summary.error.message);
      assert.match(summary.error.message, /sent nothing for 10 s/);
      assert.ok(seconds >= 9 && seconds < 40, `gave up after ${seconds} s`);
      assert.equal(summary.resumeWith, `databridge run <spec> --resume ${summary.runId}`);
      process.stderr.write(`# silent source: failed ${seconds.toFixed(1)} s after it went silent\n`);
    } finally {
      proxy.close();
    }
  });
});
