import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import {
  S3RVER_KEY,
  startObjectStore,
  type TestObjectStore,
} from '../../../packages/engine/test/support/object-store.ts';
import { cli, startCli } from './cli-helpers.ts';

// A wrong key or a missing bucket stops `serve` and `worker` at start with one line naming the
// setting to fix, before anything runs (not a failed upload at the end of a six-hour run).

let s3: TestObjectStore;
const dataDir = mkdtempSync(join(tmpdir(), 'databridge-start-'));
before(async () => {
  s3 = await startObjectStore();
});
after(async () => {
  await s3.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const base = () => ({
  DATABRIDGE_DATA_DIR: dataDir,
  REDIS_URL: 'redis://127.0.0.1:6379',
  SAP_OBJECT_STORE_URL: s3.url,
  SAP_OBJECT_STORE_API_KEY: S3RVER_KEY,
});

for (const command of ['worker', 'serve']) {
  it(`databridge ${command}: a key the store refuses is one line naming SAP_OBJECT_STORE_API_KEY, exit 2`, async () => {
    const result = await cli([command], { ...base(), SAP_OBJECT_STORE_API_KEY: 'NOBODY:very-secret-value' });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(
      result.stderr,
      /^error: The object store at http:\/\/127\.0\.0\.1:\d+\/artefacts refused the key in SAP_OBJECT_STORE_API_KEY/,
    );
    assert.doesNotMatch(result.stderr + result.stdout, /very-secret-value/);
  });

  it(`databridge ${command}: a bucket that does not exist is one line saying to create it, exit 2`, async () => {
    const result = await cli([command], {
      ...base(),
      SAP_OBJECT_STORE_URL: `http://127.0.0.1:${s3.port}/missing/team`,
    });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(
      result.stderr,
      /has no bucket "missing".*create it, or fix the bucket in SAP_OBJECT_STORE_URL/,
    );
  });
}

it('databridge worker: an API key without its colon is refused naming the variable, never echoing it', async () => {
  const result = await cli(['worker'], {
    ...base(),
    OBJECT_STORE_API_KEY: 'justonesecret',
    SAP_OBJECT_STORE_API_KEY: '',
  });
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    /^error: environment variable OBJECT_STORE_API_KEY must be <access key id>:<secret access key>/,
  );
  assert.doesNotMatch(result.stderr, /justonesecret/);
});

it('databridge worker: with a good key and bucket it starts and names where artefacts go', async () => {
  const worker = startCli(['worker'], base());
  let output = '';
  worker.stdout!.on('data', (d) => (output += d));
  worker.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  while (!output.includes('worker ready')) {
    if (worker.exitCode !== null || Date.now() > deadline) assert.fail(`the worker did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(output, new RegExp(`artefacts in the object store ${s3.url}\\n`));
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
});
