import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ArtefactStore } from '../src/artefacts/artefact-store.ts';
import { LocalFolderStore } from '../src/artefacts/local-folder-store.ts';
import { readObjectStoreConfig } from '../src/artefacts/object-store-config.ts';
import { listStoredExecutions, pruneArtefacts, retentionCutoff } from '../src/artefacts/retention.ts';
import { S3ArtefactStore } from '../src/artefacts/s3-artefact-store.ts';
import { S3RVER_KEY, startObjectStore, type TestObjectStore } from './support/object-store.ts';

let s3: TestObjectStore;
const folder = mkdtempSync(join(tmpdir(), 'databridge-retention-'));
before(async () => {
  s3 = await startObjectStore();
});
after(async () => {
  await s3.close();
  rmSync(folder, { recursive: true, force: true });
});

const stores: [string, () => ArtefactStore][] = [
  ['local folder', () => new LocalFolderStore(folder)],
  [
    'object store',
    () =>
      new S3ArtefactStore(
        readObjectStoreConfig({
          SAP_OBJECT_STORE_URL: `${s3.url}/keep`,
          SAP_OBJECT_STORE_API_KEY: S3RVER_KEY,
        })!,
      ),
  ],
];

for (const [kind, open] of stores) {
  describe(`retention (${kind})`, () => {
    test('executions older than the cut-off go whole; newer ones and loose files stay', async () => {
      const store = open();
      await store.put('old-run/report.json', '{}');
      await store.put('old-run/rejects/m1-a.jsonl.gz', 'xx');
      await new Promise((r) => setTimeout(r, 1100));
      const cutoff = new Date();
      await new Promise((r) => setTimeout(r, 1100));
      await store.put('new-run/report.json', '{"a":1}');
      await store.put('README', 'not an execution');
      const listed = await listStoredExecutions(store);
      assert.deepEqual(
        listed.map((e) => [e.executionId, e.objects, e.bytes]),
        [
          ['old-run', 2, 4],
          ['new-run', 1, 7],
        ],
      );
      const dry = await pruneArtefacts(store, cutoff, { dryRun: true });
      assert.deepEqual(
        dry.map((e) => e.executionId),
        ['old-run'],
      );
      assert.equal((await store.list('old-run/')).length, 2, 'a dry run removes nothing');
      const removed = await pruneArtefacts(store, cutoff);
      assert.deepEqual(
        removed.map((e) => e.executionId),
        ['old-run'],
      );
      assert.deepEqual(
        (await store.list('')).map((o) => o.key),
        ['README', 'new-run/report.json'],
      );
    });
  });
}

test('a retention of 30 days cuts off 30 days before now', () => {
  assert.equal(
    retentionCutoff(30, new Date('2026-12-31T00:00:00Z')).toISOString(),
    '2026-12-01T00:00:00.000Z',
  );
});
