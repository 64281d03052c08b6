import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { LocalFolderStore } from '../src/artefacts/local-folder-store.ts';
import { readObjectStoreConfig } from '../src/artefacts/object-store-config.ts';
import { S3ArtefactStore } from '../src/artefacts/s3-artefact-store.ts';
import { freshDatabase, rawExec, type TestDatabase } from './support/databases.ts';
import { objectBytes, readManifest, sha256 } from './support/extract-archive.ts';
import { S3RVER_KEY, startObjectStore, type TestObjectStore } from './support/object-store.ts';

/**
 * The extract archive streams: archiving a table ten times larger (1M rows, about 200 MB of CSV,
 * over 100 MB gzip) takes no more memory than archiving 100k rows, within a margin (72 MiB) below
 * the compressed file: holding the file, or its CSV, would not fit in it. Each run is a
 * process of its own, measured by its peak resident memory.
 */
const CHILD = join(import.meta.dirname, 'support/extract-archive-child.ts');
const run = promisify(execFile);

let s3: TestObjectStore;
let source: TestDatabase;
const databases: TestDatabase[] = [];
const dir = mkdtempSync(join(tmpdir(), 'databridge-extract-rss-'));

before(async () => {
  s3 = await startObjectStore();
  source = await freshDatabase('postgres');
  databases.push(source);
  // Base64 of hashes hardly compresses: the archive of 1M rows stays large (over 100 MB gzip).
  for (const [table, rows] of [
    ['small', 100_000],
    ['big', 1_000_000],
  ] as const) {
    await rawExec(
      source,
      'postgres',
      `CREATE TABLE ${table} (id bigint PRIMARY KEY, label text, amount numeric(14,2), at timestamptz);
       INSERT INTO ${table}
         SELECT i, encode(decode(md5(i::text) || md5((i * 7)::text) || md5((i * 13)::text)
             || md5((i * 17)::text) || md5((i * 19)::text) || md5((i * 23)::text)
             || md5((i * 29)::text), 'hex'), 'base64'),
           CASE WHEN i % 10 = 0 THEN NULL ELSE i * 0.01 END,
           timestamptz '2020-01-01 00:00:00+00' + i * interval '1 second'
         FROM generate_series(1, ${rows}) i;`,
    );
  }
});
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Archives `table` in a child process into `store` (an object store URL, or `local`: the run's
 * reports folder); its peak memory, and the manifest's entry for the table.
 */
async function archive(table: string, store: string) {
  const target = await freshDatabase('postgres');
  databases.push(target);
  const stateDir = mkdtempSync(join(dir, `${table}-`));
  const specFile = join(stateDir, 'spec.yaml');
  writeFileSync(
    specFile,
    `name: archive_${table}
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true, parallelism: 1, extractArchive: csv_gz, validation: { checksum: false } }
mappings:
  - source: ${table}
    target: ${table}
    columns: [{ source: id, target: id }, { source: label, target: label }, { source: amount, target: amount },
      { source: at, target: at }]
`,
  );
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, specFile, stateDir, store], {
    maxBuffer: 1 << 20,
    timeout: 600_000,
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(result.status, 'completed', result.error ?? '');
  const [entry] = readManifest(join(stateDir, 'reports'), result.runId).mappings;
  return {
    maxRssBytes: result.maxRssBytes as number,
    runId: result.runId as string,
    reportsDir: join(stateDir, 'reports'),
    entry: entry!,
  };
}

async function sourceChecksum(table: string) {
  const [row] = (await rawExec(
    source,
    'postgres',
    `SELECT count(*)::int AS rows, sum(hashtextextended(concat(
       coalesce(id::text, chr(1)), chr(31), coalesce(label, chr(1)), chr(31),
       coalesce(trim_scale(amount)::text, chr(1)), chr(31),
       coalesce((extract(epoch FROM at) * 1000000)::numeric(30,0)::text, chr(1)), chr(31)), 0)::numeric)::text AS checksum
     FROM ${table}`,
  )) as { rows: number; checksum: string }[];
  return row!;
}

for (const where of ['local folder', 'object store']) {
  test(`archiving 1M rows in the ${where} keeps memory flat; its rows and checksum match the source`, async () => {
    const url = where === 'local folder' ? 'local' : `${s3.url}/rss`;
    const small = await archive('small', url);
    const big = await archive('big', url);
    const mb = (n: number) => Math.round(n / 2 ** 20);
    const archived = big.entry.parts.reduce((n, p) => n + p.bytes, 0);
    console.log(
      `${where}: peak RSS 100k rows ${mb(small.maxRssBytes)} MB, 1M rows ${mb(big.maxRssBytes)} MB; archive of 1M rows ${mb(archived)} MB gzip`,
    );
    assert.ok(archived > 100 * 2 ** 20, `the archive is larger than the margin (${mb(archived)} MB)`);
    assert.ok(
      big.maxRssBytes < small.maxRssBytes + 72 * 2 ** 20,
      `1M rows peaked at ${mb(big.maxRssBytes)} MB, 100k rows at ${mb(small.maxRssBytes)} MB`,
    );

    assert.deepEqual({ rows: big.entry.rows, checksum: big.entry.checksum }, await sourceChecksum('big'));
    assert.equal(big.entry.complete, true);
    // The stored object is the one the manifest describes (what sha256sum would print).
    const store =
      where === 'local folder'
        ? new LocalFolderStore(big.reportsDir)
        : new S3ArtefactStore(
            readObjectStoreConfig({ SAP_OBJECT_STORE_URL: url, SAP_OBJECT_STORE_API_KEY: S3RVER_KEY })!,
          );
    const [part] = big.entry.parts;
    assert.equal(sha256(await objectBytes(store, `${big.runId}/${part!.name}`)), part!.sha256);
  });
}
