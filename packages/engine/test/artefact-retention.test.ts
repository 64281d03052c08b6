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
    test('executions older than the cut-off go whole; newer ones, loose files and other folders stay', async () => {
      // An execution's id (a UUID) and a `databridge run`'s (its start and 4 hex digits).
      const oldRun = '01a23d12-3846-7000-b5e2-63f4e46fa4fa';
      const newRun = '20261203-180213-ab12';
      const store = open();
      await store.put(`${oldRun}/report.json`, '{}');
      await store.put(`${oldRun}/rejects/m1-a.jsonl.gz`, 'xx');
      // A bucket shared with others: their folders are not executions, whatever their age.
      await store.put('backups/db.dump', 'not ours');
      await store.put('20261203-backup/x', 'not ours either');
      await new Promise((r) => setTimeout(r, 1100));
      const cutoff = new Date();
      await new Promise((r) => setTimeout(r, 1100));
      await store.put(`${newRun}/report.json`, '{"a":1}');
      await store.put('README', 'not an execution');
      const listed = await listStoredExecutions(store);
      assert.deepEqual(
        listed.map((e) => [e.executionId, e.objects, e.bytes]),
        [
          [oldRun, 2, 4],
          [newRun, 1, 7],
        ],
      );
      const dry = await pruneArtefacts(store, cutoff, { dryRun: true });
      assert.deepEqual(
        dry.map((e) => e.executionId),
        [oldRun],
      );
      assert.equal((await store.list(`${oldRun}/`)).length, 2, 'a dry run removes nothing');
      const removed = await pruneArtefacts(store, cutoff);
      assert.deepEqual(
        removed.map((e) => e.executionId),
        [oldRun],
      );
      assert.deepEqual(
        (await store.list('')).map((o) => o.key),
        ['20261203-180213-ab12/report.json', '20261203-backup/x', 'README', 'backups/db.dump'],
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
