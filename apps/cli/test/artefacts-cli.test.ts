import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import {
  S3RVER_KEY,
  startObjectStore,
  type TestObjectStore,
} from '../../../packages/engine/test/support/object-store.ts';
import { cli } from './cli-helpers.ts';

let s3: TestObjectStore;
const dataDir = mkdtempSync(join(tmpdir(), 'databridge-artefacts-cli-'));
before(async () => {
  s3 = await startObjectStore();
});
after(async () => {
  await s3.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// A `databridge run`'s id and an execution's.
const OLD_RUN = '20261001-101500-ab12';
const NEW_RUN = '01a23d12-3846-7000-b5e2-63f4e46fa4fa';

it('databridge artefacts list | prune on the data folder: executions with sizes; prune removes the old ones whole', async () => {
  const env = { DATABRIDGE_DATA_DIR: dataDir };
  const old = join(dataDir, 'reports', OLD_RUN);
  mkdirSync(join(old, 'rejects'), { recursive: true });
  writeFileSync(join(old, 'report.json'), '{}');
  writeFileSync(join(old, 'rejects', 'm1-a.jsonl'), 'x'.repeat(2048));
  const longAgo = new Date(Date.now() - 40 * 86_400_000);
  for (const f of ['report.json', 'rejects/m1-a.jsonl']) utimesSync(join(old, f), longAgo, longAgo);
  mkdirSync(join(dataDir, 'reports', NEW_RUN), { recursive: true });
  writeFileSync(join(dataDir, 'reports', NEW_RUN, 'run.log'), 'line\n');

  const listed = await cli(['artefacts', 'list'], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^local folder .*reports: stored 2 execution\(s\), 2\.0 KiB\n/);
  assert.match(listed.stdout, /20261001-101500-ab12\s+2 file\(s\)\s+2\.0 KiB/);
  assert.match(listed.stdout, /01a23d12-3846-7000-b5e2-63f4e46fa4fa\s+1 file\(s\)\s+5 B/);

  const dry = await cli(['artefacts', 'prune', '--older-than', '30', '--dry-run', '--json'], env);
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(
    JSON.parse(dry.stdout).executions.map((e: { executionId: string }) => e.executionId),
    [OLD_RUN],
  );
  const pruned = await cli(['artefacts', 'prune', '--older-than', '30'], env);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stdout, /removed 1 execution\(s\), 2\.0 KiB/);
  const after = JSON.parse((await cli(['artefacts', 'list', '--json'], env)).stdout);
  assert.deepEqual(
    after.executions.map((e: { executionId: string }) => e.executionId),
    [NEW_RUN],
  );
});

it('databridge artefacts list on the object store; a refused key is one line, exit 2', async () => {
  const env = {
    DATABRIDGE_DATA_DIR: dataDir,
    SAP_OBJECT_STORE_URL: `${s3.url}/cli`,
    SAP_OBJECT_STORE_API_KEY: S3RVER_KEY,
  };
  const empty = await cli(['artefacts', 'list'], env);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, `object store ${s3.url}/cli: stored 0 execution(s), 0 B\n`);
  const refused = await cli(['artefacts', 'prune', '--older-than', '7'], {
    ...env,
    SAP_OBJECT_STORE_API_KEY: 'NOBODY:x',
  });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(
    refused.stderr,
    /^error: The object store at .* refused the key in SAP_OBJECT_STORE_API_KEY[^\n]*\n$/,
  );
  const noAge = await cli(['artefacts', 'prune'], env);
  assert.equal(noAge.code, 2);
  assert.match(noAge.stderr, /--older-than/);
});
