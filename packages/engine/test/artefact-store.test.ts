import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ArtefactStore } from '../src/artefacts/artefact-store.ts';
import { LocalFolderStore } from '../src/artefacts/local-folder-store.ts';
import { readObjectStoreConfig } from '../src/artefacts/object-store-config.ts';
import { storeFailureInWords } from '../src/artefacts/publish-artefacts.ts';
import { S3ArtefactStore } from '../src/artefacts/s3-artefact-store.ts';
import { startDroppingProxy } from './support/dropping-proxy.ts';
import { S3RVER_KEY, startObjectStore, type TestObjectStore } from './support/object-store.ts';

async function text(stream: Readable | null): Promise<string | null> {
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

let s3: TestObjectStore;
const folders: string[] = [];
const tempFolder = () => {
  const f = mkdtempSync(join(tmpdir(), 'databridge-artefacts-'));
  folders.push(f);
  return f;
};

before(async () => {
  s3 = await startObjectStore();
});
after(async () => {
  await s3.close();
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

function s3Store(env: Record<string, string> = {}): S3ArtefactStore {
  const config = readObjectStoreConfig({
    SAP_OBJECT_STORE_URL: `${s3.url}/team-a`,
    SAP_OBJECT_STORE_API_KEY: S3RVER_KEY,
    ...env,
  });
  return new S3ArtefactStore(config!);
}

const stores: [string, () => ArtefactStore][] = [
  ['local folder', () => new LocalFolderStore(tempFolder())],
  ['object store', () => s3Store()],
];

for (const [kind, open] of stores) {
  describe(`artefact store: ${kind}`, () => {
    test('puts, reads, lists, sizes and deletes an execution’s artefacts', async () => {
      const store = open();
      await store.check();
      await store.put('run-1/report.json', '{"ok":true}\n');
      const file = join(tempFolder(), 'run.log');
      writeFileSync(file, 'line 1\nline 2\n');
      await store.putFile('run-1/run.log', file);
      await store.put('run-2/report.json', '{}');
      assert.equal(await text(await store.get('run-1/report.json')), '{"ok":true}\n');
      assert.equal(await text(await store.get('run-1/run.log')), 'line 1\nline 2\n');
      assert.equal(await store.get('run-1/missing.json'), null);
      assert.equal((await store.head('run-1/run.log'))?.size, 14);
      assert.deepEqual(
        (await store.list('run-1/')).map((o) => [o.key, o.size]),
        [
          ['run-1/report.json', 12],
          ['run-1/run.log', 14],
        ],
      );
      await store.delete(['run-1/report.json', 'run-1/run.log']);
      assert.deepEqual(
        (await store.list('')).map((o) => o.key),
        ['run-2/report.json'],
      );
    });

    test('refuses keys that would climb out of the store', async () => {
      const store = open();
      for (const key of [
        '../secret',
        'run-1/../../x',
        '/etc/passwd',
        'run-1/./report.json',
        'a\\..\\b',
        'run-1/%2e%2e/x',
        '',
      ]) {
        await assert.rejects(store.get(key), { name: 'ArtefactStoreError', code: 'bad_key' }, key);
        await assert.rejects(store.put(key, 'x'), { name: 'ArtefactStoreError', code: 'bad_key' }, key);
      }
    });
  });
}

test('local folder: a file replaced by a link out of the folder is as good as absent', async () => {
  const root = tempFolder();
  const outside = join(tempFolder(), 'session-secret');
  writeFileSync(outside, 'secret');
  mkdirSync(join(root, 'run-1'));
  symlinkSync(outside, join(root, 'run-1', 'report.json'));
  assert.equal(await new LocalFolderStore(root).get('run-1/report.json'), null);
  assert.equal(await new LocalFolderStore(root).head('run-1/report.json'), null);
});

test('object store: a file larger than the part size goes up in parts and comes back whole', async () => {
  const file = join(tempFolder(), 'big.bin');
  const bytes = randomBytes(12 * 1024 * 1024);
  writeFileSync(file, bytes);
  const store = s3Store();
  await store.putFile('run-9/rejects/big.bin', file);
  const back: Buffer[] = [];
  for await (const c of (await store.get('run-9/rejects/big.bin'))!) back.push(Buffer.from(c));
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  assert.equal(sha(Buffer.concat(back)), sha(bytes));
  // 12 MiB in 5 MiB parts: three part uploads.
  assert.equal(s3.requests().filter((r) => /^PUT .*partNumber=/.test(r)).length, 3);
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${s3.port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const head = await client.send(
    new HeadObjectCommand({ Bucket: s3.bucket, Key: 'team-a/run-9/rejects/big.bin' }),
  );
  assert.equal(head.ContentLength, bytes.length);
});

test('object store: a connection the store drops as a request goes out (one it closed while idle) is tried again', async () => {
  const proxy = await startDroppingProxy(s3.port);
  try {
    const store = s3Store({ SAP_OBJECT_STORE_URL: `${proxy.origin}/${s3.bucket}/team-a` });
    await store.put('run-d/run.log', 'line\n');
    proxy.dropNext();
    assert.equal((await store.head('run-d/run.log'))?.size, 5);
    proxy.dropNext();
    assert.equal(await text(await store.get('run-d/run.log')), 'line\n');
    proxy.dropNext();
    assert.deepEqual(
      (await store.list('run-d/')).map((o) => o.key),
      ['run-d/run.log'],
    );
    proxy.dropNext();
    await store.check();
  } finally {
    await proxy.close();
  }
});

test('object store: a wrong key and a missing bucket fail the check with one sentence naming the fix', async () => {
  // s3rver checks the access key id (it does not verify version 4 signatures).
  const wrong = s3Store({ SAP_OBJECT_STORE_API_KEY: 'NOBODY:not-the-secret' });
  await assert.rejects(wrong.check(), (error: Error & { code: string }) => {
    assert.equal(error.code, 'auth_failed');
    assert.match(error.message, /refused the key in SAP_OBJECT_STORE_API_KEY/);
    assert.doesNotMatch(error.message, /not-the-secret/);
    return true;
  });
  const missing = s3Store({ SAP_OBJECT_STORE_URL: `http://127.0.0.1:${s3.port}/no-such-bucket` });
  await assert.rejects(missing.check(), (error: Error & { code: string }) => {
    assert.equal(error.code, 'no_bucket');
    assert.match(
      error.message,
      /has no bucket "no-such-bucket".*create it, or fix the bucket in SAP_OBJECT_STORE_URL/,
    );
    return true;
  });
  // Set under the generic names, the sentences name those (the user has no SAP_ variable to fix).
  const generic = (url: string, key: string) =>
    new S3ArtefactStore(readObjectStoreConfig({ OBJECT_STORE_URL: url, OBJECT_STORE_API_KEY: key })!);
  await assert.rejects(generic(`${s3.url}/team-a`, 'NOBODY:not-the-secret').check(), (error: Error) => {
    assert.match(error.message, /refused the key in OBJECT_STORE_API_KEY \(/);
    assert.equal(storeFailureInWords(error), 'it refused the key in OBJECT_STORE_API_KEY');
    return true;
  });
  await assert.rejects(generic(`http://127.0.0.1:${s3.port}/nope`, S3RVER_KEY).check(), (error: Error) => {
    assert.match(error.message, /fix the bucket in OBJECT_STORE_URL$/);
    assert.equal(storeFailureInWords(error), 'the bucket in OBJECT_STORE_URL does not exist');
    return true;
  });
  const nobody = s3Store({ SAP_OBJECT_STORE_URL: 'http://127.0.0.1:9/artefacts' });
  await assert.rejects(nobody.check(), {
    code: 'unreachable',
    message: /did not answer.*check SAP_OBJECT_STORE_URL/,
  });
});

describe('object store settings', () => {
  test('URL gives endpoint, bucket and prefix; the API key the credentials; region optional', () => {
    const config = readObjectStoreConfig({
      SAP_OBJECT_STORE_URL: 'https://objectstore.example.com:8443/bucket-1/databridge/prod/',
      SAP_OBJECT_STORE_API_KEY: 'AKIA123:se/cr+et:with-colon',
      SAP_OBJECT_STORE_REGION: 'eu10',
    });
    assert.deepEqual(config, {
      endpoint: 'https://objectstore.example.com:8443',
      bucket: 'bucket-1',
      prefix: 'databridge/prod',
      region: 'eu10',
      accessKeyId: 'AKIA123',
      secretAccessKey: 'se/cr+et:with-colon',
      location: 'https://objectstore.example.com:8443/bucket-1/databridge/prod',
      variables: { url: 'SAP_OBJECT_STORE_URL', key: 'SAP_OBJECT_STORE_API_KEY' },
    });
  });

  test('requests are signed for the configured region', async () => {
    const store = s3Store({ SAP_OBJECT_STORE_REGION: 'eu10', SAP_OBJECT_STORE_PRESIGN_SECONDS: '60' });
    await store.put('run-r/run.log', 'x');
    const url = new URL((await store.downloadUrl('run-r/run.log', 'run.log'))!);
    assert.match(url.searchParams.get('X-Amz-Credential') ?? '', /^S3RVER\/\d{8}\/eu10\/s3\/aws4_request$/);
    assert.equal(url.pathname, `/${s3.bucket}/team-a/run-r/run.log`, 'path-style: the bucket in the path');
    assert.equal(await (await fetch(url)).text(), 'x');
  });

  test('the generic OBJECT_STORE_* names work too; nothing set is the local folder', () => {
    const config = readObjectStoreConfig({
      OBJECT_STORE_URL: 'http://127.0.0.1:9000/b',
      OBJECT_STORE_API_KEY: 'k:s',
    });
    assert.equal(config?.bucket, 'b');
    assert.equal(config?.region, 'us-east-1');
    assert.equal(readObjectStoreConfig({}), undefined);
  });

  test('SAP_OBJECT_STORE_PRESIGN_SECONDS turns downloads into presigned URLs valid that long', () => {
    const env = { SAP_OBJECT_STORE_URL: 'https://host/b', SAP_OBJECT_STORE_API_KEY: 'k:s' };
    assert.equal(
      readObjectStoreConfig({ ...env, SAP_OBJECT_STORE_PRESIGN_SECONDS: '300' })?.presignSeconds,
      300,
    );
    assert.equal(readObjectStoreConfig(env)?.presignSeconds, undefined);
    assert.throws(() => readObjectStoreConfig({ ...env, OBJECT_STORE_PRESIGN_SECONDS: '7200' }), {
      message: 'environment variable OBJECT_STORE_PRESIGN_SECONDS must be from 1 to 3600 seconds (an hour)',
    });
  });

  const cases: [Record<string, string>, RegExp][] = [
    [
      { SAP_OBJECT_STORE_URL: 'https://host/b' },
      /SAP_OBJECT_STORE_URL is set but SAP_OBJECT_STORE_API_KEY is not/,
    ],
    [
      { SAP_OBJECT_STORE_API_KEY: 'k:s3cr3t' },
      /SAP_OBJECT_STORE_API_KEY is set but SAP_OBJECT_STORE_URL is not/,
    ],
    [
      { SAP_OBJECT_STORE_URL: 'https://host', SAP_OBJECT_STORE_API_KEY: 'k:s3cr3t' },
      /SAP_OBJECT_STORE_URL must name the bucket/,
    ],
    [
      { SAP_OBJECT_STORE_URL: 'ftp://host/b', SAP_OBJECT_STORE_API_KEY: 'k:s3cr3t' },
      /SAP_OBJECT_STORE_URL must be an http/,
    ],
    [
      { SAP_OBJECT_STORE_URL: 'https://k:s3cr3t@host/b', SAP_OBJECT_STORE_API_KEY: 'k:s3cr3t' },
      /SAP_OBJECT_STORE_URL must not hold credentials/,
    ],
    [
      { SAP_OBJECT_STORE_URL: 's3cr3t', SAP_OBJECT_STORE_API_KEY: 'k:s3cr3t' },
      /^environment variable SAP_OBJECT_STORE_URL must be an http:\/\/ or https:\/\/ URL$/,
    ],
    [
      {
        SAP_OBJECT_STORE_URL: 'https://host/b?X-Amz-Credential=s3cr3t',
        SAP_OBJECT_STORE_API_KEY: 'k:s3cr3t',
      },
      /SAP_OBJECT_STORE_URL must not have a query \(\?…\) or a fragment \(#…\)/,
    ],
    [
      { OBJECT_STORE_URL: 'https://host/b#s3cr3t', OBJECT_STORE_API_KEY: 'k:s3cr3t' },
      /OBJECT_STORE_URL must not have a query \(\?…\) or a fragment \(#…\)/,
    ],
    [
      { SAP_OBJECT_STORE_URL: 'https://host/b', SAP_OBJECT_STORE_API_KEY: 's3cr3t' },
      /SAP_OBJECT_STORE_API_KEY must be <access key id>:<secret access key>/,
    ],
    [
      { OBJECT_STORE_URL: 'https://host/b', OBJECT_STORE_API_KEY: 's3cr3t' },
      /OBJECT_STORE_API_KEY must be <access key id>/,
    ],
    [
      {
        SAP_OBJECT_STORE_URL: 'https://host/b',
        OBJECT_STORE_URL: 'https://other/b',
        SAP_OBJECT_STORE_API_KEY: 'k:s3cr3t',
      },
      /SAP_OBJECT_STORE_URL and OBJECT_STORE_URL are both set, to different values/,
    ],
    [
      {
        SAP_OBJECT_STORE_URL: 'https://host/b',
        SAP_OBJECT_STORE_API_KEY: 'k:s3cr3t',
        SAP_OBJECT_STORE_REGION: 'EU 10',
      },
      /SAP_OBJECT_STORE_REGION must be a region/,
    ],
  ];
  for (const [env, message] of cases) {
    test(`refused: ${message.source}`, () => {
      assert.throws(
        () => readObjectStoreConfig(env),
        (error: Error & { code: string }) => {
          assert.equal(error.code, 'bad_config');
          assert.match(error.message, /^environment variable /);
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /s3cr3t/);
          return true;
        },
      );
    });
  }
});
