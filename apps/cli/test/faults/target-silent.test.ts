import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { TestDatabase } from '../../../../packages/engine/test/support/databases.ts';
import { startCli } from '../cli-helpers.ts';
import { faultPair, faultSpec, freezableProxy, targetRows, until } from './fault-fixtures.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

/**
 * The writer's side of a silent server (source-kill.test.ts has the reader's): the target's machine
 * vanishes mid-load, so the batch being written never gets an answer and nothing says the connection
 * is gone. The run must end on its own after pipeline.stallTimeoutSeconds, transient, with the
 * command that resumes it, rather than hang until someone kills it.
 */
describe('a target that goes silent mid-load (mysql -> postgres, CLI)', () => {
  test('the load gives up after pipeline.stallTimeoutSeconds with a transient error, and the run ends', async () => {
    const pair = await faultPair('mysql', databases);
    const proxy = await freezableProxy(5432);
    try {
      const viaProxy = {
        ...pair,
        target: { ...pair.target, url: pair.target.url.replace(':5432/', `:${proxy.port}/`) },
      };
      const { dir, specFile } = faultSpec(
        viaProxy,
        '{ batchSize: 500, parallelism: 1, stallTimeoutSeconds: 10 }',
      );
      const child = startCli(['run', specFile, '--json'], { DATABRIDGE_DATA_DIR: dir });
      const out = { stdout: '', stderr: '' };
      child.stdout!.on('data', (d) => (out.stdout += d));
      child.stderr!.on('data', (d) => (out.stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await until(async () => (await targetRows(pair, 'entries')) >= 2_000, 'the first entries');
      proxy.freeze();
      const frozenAt = Date.now();
      // Unref'd: a pending timer would keep the test file alive after the run ended.
      const code = await Promise.race([exited, new Promise((r) => setTimeout(r, 90_000, 'hung').unref())]);
      if (code === 'hung') child.kill('SIGKILL');
      assert.notEqual(code, 'hung', `the CLI hung on a silent target: ${out.stderr}`);
      const seconds = (Date.now() - frozenAt) / 1000;
      assert.equal(code, 1, out.stderr);
      const summary = JSON.parse(out.stdout);
      assert.equal(summary.error.code, 'transient', summary.error.message);
      assert.match(summary.error.message, /answered nothing for 10 s/);
      assert.equal(summary.resumeWith, `databridge run <spec> --resume ${summary.runId}`);
      process.stderr.write(`# silent target: the run ended ${seconds.toFixed(1)} s after it went silent\n`);
      // The stall, then a few connect timeouts (10 s each) of the work after a failure on the target.
      assert.ok(seconds >= 9 && seconds < 75, `ended after ${seconds} s`);
    } finally {
      proxy.close();
    }
  });
});
