import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ArtefactStore } from '../src/artefacts/artefact-store.ts';
import { LocalFolderStore } from '../src/artefacts/local-folder-store.ts';
import { readObjectStoreConfig } from '../src/artefacts/object-store-config.ts';
import { S3ArtefactStore } from '../src/artefacts/s3-artefact-store.ts';
import { decodePosition } from '../src/run/key-codec.ts';
import { freshDatabase, rawExec, type TestDatabase } from './support/databases.ts';
import { copyPartsInto, objectBytes, readManifest, sha256 } from './support/extract-archive.ts';
import { S3RVER_KEY, startObjectStore, type TestObjectStore } from './support/object-store.ts';
import { runSpec, runSpecPausedAt } from './support/run-spec.ts';

/**
 * `pipeline.extractArchive: csv_gz` keeps every row a mapping extracts as gzip CSV in the artefact
 * store (local folder or object store). What a user relies on: the archive reloads into PostgreSQL
 * as the source held it (NULL apart from '', bytes, quotes, line breaks), the manifest's row count
 * and checksum equal the source's (the SQL in docs/artefacts.md), each part's SHA-256 is that of the
 * stored object, and a paused and resumed run archives every row exactly once.
 */
let s3: TestObjectStore;
const databases: TestDatabase[] = [];
const folders: string[] = [];
before(async () => {
  s3 = await startObjectStore();
});
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
  await s3.close();
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

const tempFolder = () => {
  const f = mkdtempSync(join(tmpdir(), 'databridge-extracts-'));
  folders.push(f);
  return f;
};

const STORES: [string, (reportsDir: string) => ArtefactStore][] = [
  ['local folder', (reportsDir) => new LocalFolderStore(reportsDir)],
  [
    'object store',
    () =>
      new S3ArtefactStore(
        readObjectStoreConfig({
          SAP_OBJECT_STORE_URL: `${s3.url}/extracts-${Date.now()}`,
          SAP_OBJECT_STORE_API_KEY: S3RVER_KEY,
        })!,
      ),
  ],
];

/** A source whose values test the CSV: NULL and '', quotes, commas, line breaks, bytes, decimals. */
async function source(rows: number): Promise<TestDatabase> {
  const db = await freshDatabase('postgres');
  databases.push(db);
  await rawExec(
    db,
    'postgres',
    `CREATE TABLE item (id bigint PRIMARY KEY, name text, price numeric(12,2), seen timestamptz,
       flag boolean, payload bytea);
     INSERT INTO item
       SELECT i,
         CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'say "hi", then' || chr(10) || 'leave'
           WHEN 3 THEN ' padded ' WHEN 4 THEN '\\.' ELSE 'plain ' || i END,
         CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 1.25)::numeric(12,2) END,
         CASE WHEN i % 9 = 0 THEN NULL ELSE timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute 0.5 second' END,
         CASE i % 3 WHEN 0 THEN NULL WHEN 1 THEN true ELSE false END,
         CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN ''::bytea ELSE decode(md5(i::text), 'hex') END
       FROM generate_series(1, ${rows}) i;
     CREATE TABLE replay (LIKE item INCLUDING ALL);`,
  );
  return db;
}

/** The recipe docs/artefacts.md gives: rows and checksum of the source, in PostgreSQL. */
async function sourceChecksum(db: TestDatabase): Promise<{ rows: number; checksum: string }> {
  const [row] = (await rawExec(
    db,
    'postgres',
    `SELECT count(*)::int AS rows, coalesce(sum(hashtextextended(concat(
       coalesce(id::text, chr(1)), chr(31),
       coalesce(name, chr(1)), chr(31),
       coalesce(trim_scale(price)::text, chr(1)), chr(31),
       coalesce((extract(epoch FROM seen) * 1000000)::numeric(30,0)::text, chr(1)), chr(31),
       coalesce(CASE WHEN flag THEN '1' WHEN NOT flag THEN '0' END, chr(1)), chr(31),
       coalesce(encode(payload, 'hex'), chr(1)), chr(31)), 0)::numeric), 0)::text AS checksum
     FROM item`,
  )) as { rows: number; checksum: string }[];
  return row!;
}

function spec(from: TestDatabase, to: TestDatabase, pipeline = '') {
  return `name: archive
source: { url: "${from.url}" }
target: { url: "${to.url}" }
pipeline: { batchSize: 500, parallelism: 1, createTables: true, extractArchive: csv_gz${pipeline} }
mappings:
  - source: item
    target: item
    columns: [{ source: id, target: id }, { source: name, target: name }, { source: price, target: price },
      { source: seen, target: seen }, { source: flag, target: flag }, { source: payload, target: payload }]
`;
}

async function differences(db: TestDatabase): Promise<number> {
  const [row] = (await rawExec(
    db,
    'postgres',
    `SELECT (SELECT count(*) FROM (SELECT * FROM item EXCEPT ALL SELECT * FROM replay) a)
          + (SELECT count(*) FROM (SELECT * FROM replay EXCEPT ALL SELECT * FROM item) b) AS n`,
  )) as { n: string }[];
  return Number(row!.n);
}

test('a table split into key ranges has a part per task, and a keyless table one written with its transaction', async () => {
  const from = await source(3_000);
  await rawExec(
    from,
    'postgres',
    `CREATE TABLE note (body text, n int);
     INSERT INTO note SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE 'note ' || i END, i FROM generate_series(1, 700) i;`,
  );
  const to = await freshDatabase('postgres');
  databases.push(to);
  const dir = tempFolder();
  const text = `${spec(from, to).replace('parallelism: 1', 'parallelism: 3')}  - { source: note, target: note, columns: [{ source: body, target: body }, { source: n, target: n }] }
`;
  const summary = await runSpec(text, {}, { stateDir: dir });
  assert.equal(summary.status, 'completed', summary.error?.message ?? '');

  const [item, note] = readManifest(join(dir, 'reports'), summary.runId).mappings;
  assert.deepEqual(
    item!.parts.map((p) => p.name),
    ['m1.p1', 'm1.p2', 'm1.p3'].map((t) => `extracts/m1-item/${t}-part0001.csv.gz`),
  );
  assert.deepEqual({ rows: item!.rows, checksum: item!.checksum }, await sourceChecksum(from));
  const store = new LocalFolderStore(join(dir, 'reports'));
  await copyPartsInto(from, 'replay', store, summary.runId, item!.parts);
  assert.equal(await differences(from), 0);

  assert.deepEqual(
    note!.parts.map((p) => [p.name, p.rows]),
    [['extracts/m2-note/m2-part0001.csv.gz', 700]],
  );
  const [sum] = (await rawExec(
    from,
    'postgres',
    `SELECT sum(hashtextextended(concat(coalesce(body, chr(1)), chr(31), coalesce(n::text, chr(1)), chr(31)), 0)::numeric)::text AS s
     FROM note`,
  )) as { s: string }[];
  assert.equal(note!.checksum, sum!.s);
});

for (const [where, storeFor] of STORES) {
  describe(`the extract archive in the ${where}`, () => {
    test('reloads as the source held it; rows, checksum and SHA-256 in the manifest match', async () => {
      const from = await source(3_000);
      const to = await freshDatabase('postgres');
      databases.push(to);
      const dir = tempFolder();
      const store = storeFor(join(dir, 'reports'));
      const summary = await runSpec(spec(from, to), {}, { stateDir: dir, artefacts: store });
      assert.equal(summary.status, 'completed', summary.error?.message ?? '');

      const manifest = readManifest(join(dir, 'reports'), summary.runId);
      assert.equal(manifest.format, 'csv_gz');
      const [item] = manifest.mappings;
      assert.equal(item?.complete, true);
      assert.deepEqual(
        item.columns.map((c) => c.name),
        ['id', 'name', 'price', 'seen', 'flag', 'payload'],
      );
      assert.deepEqual({ rows: item.rows, checksum: item.checksum }, await sourceChecksum(from));
      assert.equal(item.parts.length, 1);
      for (const part of item.parts) {
        assert.match(part.name, /^extracts\/m1-item\/m1-part0001\.csv\.gz$/);
        const bytes = await objectBytes(store, `${summary.runId}/${part.name}`);
        assert.equal(bytes.length, part.bytes);
        assert.equal(sha256(bytes), part.sha256, 'sha256sum of the stored object');
      }

      await copyPartsInto(from, 'replay', store, summary.runId, item.parts);
      assert.equal(await differences(from), 0, 'the replayed rows are the source rows, NULLs and all');
    });

    test('a paused and resumed run archives every row once, in whole parts', async () => {
      const from = await source(20_000);
      const to = await freshDatabase('postgres');
      databases.push(to);
      const dir = tempFolder();
      const store = storeFor(join(dir, 'reports'));
      const options = { artefacts: store, extractPartRows: 5_000 };
      const paused = await runSpecPausedAt(spec(from, to), to, 'item', 5_500, dir, options);
      assert.equal(paused.status, 'paused');
      // The pause fell inside a part: rows committed to the target that no stored part holds yet.
      const [checkpoint] = (await rawExec(
        to,
        'postgres',
        'SELECT position FROM _databridge_checkpoints',
      )) as {
        position: string;
      }[];
      assert.ok((decodePosition(checkpoint!.position).archive?.rows ?? 0) > 0, checkpoint!.position);
      if (store.isLocalFolder) {
        const files = readdirSync(join(dir, 'reports', paused.runId), { recursive: true }).map(String);
        assert.deepEqual(
          files.filter((f) => f.endsWith('.partial')),
          [],
          'the part the pause cut short left no file',
        );
      }
      const resumed = await runSpec(
        spec(from, to),
        {},
        { ...options, stateDir: dir, resumeRunId: paused.runId },
      );
      assert.equal(resumed.status, 'completed', resumed.error?.message ?? '');

      const [item] = readManifest(join(dir, 'reports'), resumed.runId).mappings;
      assert.deepEqual({ rows: item?.rows, checksum: item?.checksum }, await sourceChecksum(from));
      assert.deepEqual(
        item!.parts.map((p) => [p.name.split('/').pop(), p.rows]),
        Array.from({ length: 4 }, (_, i) => [`m1-part${String(i + 1).padStart(4, '0')}.csv.gz`, 5_000]),
      );
      // The replay table has the source's primary key: a row archived twice would fail the COPY.
      await copyPartsInto(from, 'replay', store, resumed.runId, item!.parts);
      assert.equal(await differences(from), 0);
      const stored = await store.list(`${resumed.runId}/extracts/`);
      assert.equal(
        stored.filter((o) => o.key.endsWith('.csv.gz')).length,
        4,
        'no part left over from the paused attempt',
      );
    });
  });
}

test('an object store that stops answering mid-run fails the run saying so; the resume completes the archive', async () => {
  const from = await source(20_000);
  const to = await freshDatabase('postgres');
  databases.push(to);
  const dir = tempFolder();
  const store = new S3ArtefactStore(
    readObjectStoreConfig({
      SAP_OBJECT_STORE_URL: `${s3.url}/outage-${Date.now()}`,
      SAP_OBJECT_STORE_API_KEY: S3RVER_KEY,
    })!,
  );
  const options = { stateDir: dir, artefacts: store, extractPartRows: 5_000 };
  let stopped: Promise<void> | undefined;
  const watcher = setInterval(async () => {
    const [row] = (await rawExec(to, 'postgres', 'SELECT count(*)::int AS n FROM item').catch(() => [])) as {
      n: number;
    }[];
    if ((row?.n ?? 0) >= 6_000) stopped ??= s3.stop();
  }, 20);
  let failed: Awaited<ReturnType<typeof runSpec>>;
  try {
    failed = await runSpec(spec(from, to), {}, options);
  } finally {
    clearInterval(watcher);
    await stopped;
    await s3.start();
  }
  assert.equal(failed.status, 'failed');
  assert.match(
    failed.error?.message ?? '',
    /the extract archive could not store extracts\/m1-item\/m1-part000\d\.csv\.gz/,
  );
  assert.match(failed.error?.message ?? '', /: it did not answer$/);
  assert.doesNotMatch(
    failed.error?.message ?? '',
    /127\.0\.0\.1|outage-|S3RVER/,
    'never the address, bucket or key',
  );
  assert.ok(failed.resumeWith, 'a run the store failed can be resumed');

  const resumed = await runSpec(spec(from, to), {}, { ...options, resumeRunId: failed.runId });
  assert.equal(resumed.status, 'completed', resumed.error?.message ?? '');
  const [item] = readManifest(join(dir, 'reports'), resumed.runId).mappings;
  assert.deepEqual({ rows: item?.rows, checksum: item?.checksum }, await sourceChecksum(from));
  await copyPartsInto(from, 'replay', store, resumed.runId, item!.parts);
  assert.equal(await differences(from), 0);
});
