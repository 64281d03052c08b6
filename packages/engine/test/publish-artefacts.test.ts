import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, beforeEach, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { LocalFolderStore } from '../src/artefacts/local-folder-store.ts';
import { readObjectStoreConfig } from '../src/artefacts/object-store-config.ts';
import {
  PENDING_MARKER,
  pendingReason,
  publishRunArtefacts,
  uploadPendingArtefacts,
} from '../src/artefacts/publish-artefacts.ts';
import { S3ArtefactStore } from '../src/artefacts/s3-artefact-store.ts';
import { S3RVER_KEY, startObjectStore, type TestObjectStore } from './support/object-store.ts';

let s3: TestObjectStore;
let local: string;
const RUN = '3f1c2a4e-0000-4000-8000-000000000001';

async function bytes(stream: Readable | null): Promise<Buffer> {
  assert.ok(stream, 'the object exists');
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

const store = () =>
  new S3ArtefactStore(
    readObjectStoreConfig({ SAP_OBJECT_STORE_URL: s3.url, SAP_OBJECT_STORE_API_KEY: S3RVER_KEY })!,
  );

before(async () => {
  s3 = await startObjectStore();
});
after(() => s3.close());
beforeEach(() => {
  local = mkdtempSync(join(tmpdir(), 'databridge-local-'));
  const run = join(local, RUN);
  mkdirSync(join(run, 'rejects'), { recursive: true });
  writeFileSync(join(run, 'report.json'), '{"runId":"x"}\n');
  writeFileSync(join(run, 'report.html'), '<html></html>\n');
  writeFileSync(join(run, 'run.log'), '{"message":"stage extract running"}\n');
  writeFileSync(join(run, 'ddl.sql'), 'CREATE TABLE "public"."artist" ("artist_id" integer);\n');
  writeFileSync(join(run, 'rejects', 'm1-public.artist.jsonl'), `${'{"reason":"too long"}\n'.repeat(1000)}`);
});

test('a run’s report, log, DDL and rejects (compressed) go under its id; report.json last', async () => {
  const outcome = await publishRunArtefacts(store(), local, RUN);
  assert.deepEqual(outcome, { store: `object store ${s3.url}`, pending: null });
  const listed = await store().list(`${RUN}/`);
  assert.deepEqual(
    listed.map((o) => o.key.slice(RUN.length + 1)),
    ['ddl.sql', 'rejects/m1-public.artist.jsonl.gz', 'report.html', 'report.json', 'run.log'],
  );
  const rejects = await bytes(await store().get(`${RUN}/rejects/m1-public.artist.jsonl.gz`));
  assert.equal(gunzipSync(rejects).toString(), '{"reason":"too long"}\n'.repeat(1000));
  assert.ok(rejects.length < 1000, `compressed to ${rejects.length} bytes`);
  const puts = s3.requests().filter((r) => r.startsWith('PUT ') && r.includes(RUN));
  assert.match(puts.at(-1)!, /report\.json/);
});

test('the local folder store needs no upload: the files are already where it reads', async () => {
  const outcome = await publishRunArtefacts(new LocalFolderStore(local), local, RUN);
  assert.equal(outcome.pending, null);
  assert.equal((await bytes(await new LocalFolderStore(local).get(`${RUN}/run.log`))).length, 36);
});

test('the object store stopped mid-upload: the upload is tried again and nothing is lost', async () => {
  const big = randomBytes(11 * 1024 * 1024);
  writeFileSync(join(local, RUN, 'rejects', 'm2-public.track.bin'), big);
  const seenBefore = s3.requests().length;
  const retries: number[] = [];
  // Stop the server as the first part of the big file arrives, start it again a second later.
  const outage = (async () => {
    while (
      !s3
        .requests()
        .slice(seenBefore)
        .some((r) => r.includes('m2-public.track.bin'))
    ) {
      await new Promise((r) => setTimeout(r, 2));
    }
    await s3.stop();
    await new Promise((r) => setTimeout(r, 1000));
    await s3.start();
  })();
  const outcome = await publishRunArtefacts(store(), local, RUN, {
    attempts: 6,
    firstDelayMs: 200,
    onRetry: (_file, attempt) => retries.push(attempt),
  });
  await outage;
  assert.equal(outcome.pending, null);
  assert.ok(retries.length >= 1, 'tried again');
  const back = await bytes(await store().get(`${RUN}/rejects/m2-public.track.bin`));
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  assert.equal(sha(back), sha(big));
  assert.equal((await store().head(`${RUN}/report.json`))?.size, 14);
});

test('a store down for good: the run’s local copy stays with the reason, and goes up once the store is back', async () => {
  await s3.stop();
  try {
    const outcome = await publishRunArtefacts(store(), local, RUN, { attempts: 2, firstDelayMs: 10 });
    assert.match(
      outcome.pending ?? '',
      /could not be stored in the object store \(it did not answer\); the server keeps its local copy/,
    );
    assert.ok(existsSync(join(local, RUN, 'report.json')));
    assert.equal(await pendingReason(local, RUN), outcome.pending);
  } finally {
    await s3.start();
  }
  await store().delete((await store().list(`${RUN}/`)).map((o) => o.key));
  assert.deepEqual(await uploadPendingArtefacts(store(), local, { attempts: 2, firstDelayMs: 10 }), [RUN]);
  assert.equal(existsSync(join(local, RUN, PENDING_MARKER)), false);
  assert.equal(readFileSync(join(local, RUN, 'run.log'), 'utf8').length, 36);
  assert.equal((await store().list(`${RUN}/`)).length, 5);
});

after(() => rmSync(local, { recursive: true, force: true }));
