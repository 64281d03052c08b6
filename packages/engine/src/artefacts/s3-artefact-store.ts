import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { artefactContentType, assertArtefactKey } from './artefact-keys.ts';
import type { ArtefactBody, ArtefactInfo, ArtefactStore, PutOptions } from './artefact-store.ts';
import { ArtefactStoreError, isArtefactStoreError } from './artefact-store-error.ts';
import type { ObjectStoreConfig } from './object-store-config.ts';

/** S3's smallest part: a file up to this size goes in one request, a larger one in parts. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface S3StoreOptions {
  /** Bytes per part of a multipart upload (at least 5 MiB, the default). */
  readonly partSize?: number;
  /** Parts in flight at once per upload. Default 4. */
  readonly queueSize?: number;
}

/**
 * Artefacts in an S3-compatible bucket (SAP Object Store hands out such buckets), through the AWS
 * SDK v3 with path-style addressing. Uploads stream through lib-storage: a body of unknown length
 * goes up in parts and is never held whole in memory. Keys live below the configured prefix.
 */
// The SDK is loaded on first use: every CLI command imports the engine, and only servers and workers
// with an object store need the SDK's tens of megabytes.
type Sdk = typeof import('@aws-sdk/client-s3') & { Upload: typeof import('@aws-sdk/lib-storage').Upload };
let sdkLoading: Promise<Sdk> | undefined;
function loadSdk(): Promise<Sdk> {
  // On Node 20 the SDK prints nine lines about its releases after January 2027 at the first client,
  // on stderr of every `serve` and `worker`, burying the one line a start-up error is. A user who wants
  // it sets the variable to false.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  sdkLoading ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(
    ([s3, storage]) => ({ ...s3, Upload: storage.Upload }),
  );
  return sdkLoading;
}

export class S3ArtefactStore implements ArtefactStore {
  readonly isLocalFolder = false;
  private connecting: Promise<{ sdk: Sdk; client: S3Client }> | undefined;

  constructor(
    private readonly config: ObjectStoreConfig,
    private readonly options: S3StoreOptions = {},
  ) {}

  private connect(): Promise<{ sdk: Sdk; client: S3Client }> {
    this.connecting ??= loadSdk().then((sdk) => ({ sdk, client: this.newClient(sdk) }));
    return this.connecting;
  }

  private newClient(sdk: Sdk): S3Client {
    const config = this.config;
    return new sdk.S3Client({
      endpoint: config.endpoint,
      region: config.region,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      forcePathStyle: true,
      // Checksums the SDK adds by default are not understood by every S3-compatible server.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // One more try at once, for a kept-alive connection the store (or a load balancer before it)
      // closed while idle just as a request went out on it: the first read after a quiet minute
      // failed with ECONNRESET. Longer retries with backoff belong to the caller (publish-artefacts.ts),
      // which can keep a local copy.
      maxAttempts: 2,
    });
  }

  get description(): string {
    return `object store ${this.config.location}`;
  }

  async put(key: string, body: ArtefactBody, options: PutOptions = {}): Promise<void> {
    const { sdk, client } = await this.connect();
    const upload = new sdk.Upload({
      client,
      params: {
        Bucket: this.config.bucket,
        Key: this.fullKey(key),
        Body: body,
        ContentType: options.contentType ?? artefactContentType(key),
      },
      partSize: Math.max(MIN_PART_SIZE, this.options.partSize ?? MIN_PART_SIZE),
      queueSize: options.partsInFlight ?? this.options.queueSize ?? 4,
      leavePartsOnError: false,
    });
    await this.call(`upload ${key}`, () => upload.done());
  }

  async putFile(key: string, path: string, options: { contentType?: string } = {}): Promise<void> {
    await this.put(key, createReadStream(path), options);
  }

  async get(key: string): Promise<Readable | null> {
    const { sdk, client } = await this.connect();
    try {
      const out = await client.send(
        new sdk.GetObjectCommand({ Bucket: this.config.bucket, Key: this.fullKey(key) }),
      );
      return (out.Body as Readable | undefined) ?? null;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw this.failure(`read ${key}`, error);
    }
  }

  async head(key: string): Promise<ArtefactInfo | null> {
    const { sdk, client } = await this.connect();
    try {
      const out = await client.send(
        new sdk.HeadObjectCommand({ Bucket: this.config.bucket, Key: this.fullKey(key) }),
      );
      return { key, size: out.ContentLength ?? 0, modified: out.LastModified ?? new Date(0) };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw this.failure(`look up ${key}`, error);
    }
  }

  async list(prefix: string): Promise<ArtefactInfo[]> {
    if (prefix !== '') assertArtefactKey(prefix.replace(/\/$/, ''));
    const { sdk, client } = await this.connect();
    const found: ArtefactInfo[] = [];
    const root = this.config.prefix ? `${this.config.prefix}/` : '';
    let token: string | undefined;
    do {
      const page = await this.call('list artefacts', () =>
        client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.config.bucket,
            Prefix: `${root}${prefix}`,
            ContinuationToken: token,
          }),
        ),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        found.push({
          key: o.Key.slice(root.length),
          size: o.Size ?? 0,
          modified: o.LastModified ?? new Date(0),
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async delete(keys: readonly string[]): Promise<void> {
    // One request per object, in turn: the batch call (DeleteObjects) needs a Content-MD5 the SDK no
    // longer sends by default, and s3rver fails deletes in one folder side by side.
    const { sdk, client } = await this.connect();
    for (const key of keys) {
      const Key = this.fullKey(key);
      await this.call('delete artefacts', () =>
        client.send(new sdk.DeleteObjectCommand({ Bucket: this.config.bucket, Key })),
      );
    }
  }

  async downloadUrl(key: string, fileName: string): Promise<string | null> {
    const seconds = this.config.presignSeconds;
    if (!seconds) return null;
    const { sdk, client } = await this.connect();
    const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
    const command = new sdk.GetObjectCommand({
      Bucket: this.config.bucket,
      Key: this.fullKey(key),
      ResponseContentDisposition: `attachment; filename="${fileName}"`,
    });
    return this.call(`sign a download of ${key}`, () =>
      getSignedUrl(client, command, { expiresIn: seconds }),
    );
  }

  async check(): Promise<void> {
    const { sdk, client } = await this.connect();
    await this.call('reach the bucket', () =>
      client.send(new sdk.HeadBucketCommand({ Bucket: this.config.bucket })),
    );
    // Reading needs the key's own permission as well as the bucket: look up an object that is not
    // there (404 is the answer wanted; a refused key is 403). A one-key listing would do, but s3rver
    // fails a truncated listing.
    try {
      await client.send(
        new sdk.HeadObjectCommand({ Bucket: this.config.bucket, Key: this.fullKey('.databridge-check') }),
      );
    } catch (error) {
      if (statusOf(error) !== 404) throw this.failure('read the bucket', error);
    }
  }

  private fullKey(key: string): string {
    assertArtefactKey(key);
    return this.config.prefix ? `${this.config.prefix}/${key}` : key;
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.failure(what, error);
    }
  }

  /** The SDK's error in words naming the setting to fix; never the secret. */
  private failure(what: string, error: unknown): ArtefactStoreError {
    if (isArtefactStoreError(error)) return error;
    const { location, bucket, endpoint, variables } = this.config;
    const status = statusOf(error);
    const name = error instanceof Error ? error.name : '';
    if (
      status === 403 ||
      status === 401 ||
      /InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied/.test(name)
    ) {
      return new ArtefactStoreError(
        'auth_failed',
        `The object store at ${location} refused the key in ${variables.key} (could not ${what}): check the access key id and secret, and that the key may read and write the bucket`,
        { cause: error, setting: variables.key },
      );
    }
    if (status === 404 || name === 'NoSuchBucket') {
      return new ArtefactStoreError(
        'no_bucket',
        `The object store at ${endpoint} has no bucket "${bucket}" (could not ${what}): create it, or fix the bucket in ${variables.url}`,
        { cause: error, setting: variables.url },
      );
    }
    if (status === undefined) {
      const code = (error as { code?: string }).code ?? name;
      return new ArtefactStoreError(
        'unreachable',
        `The object store at ${endpoint} did not answer (could not ${what}: ${code || 'no response'}): check ${variables.url} and the network`,
        { cause: error, setting: variables.url },
      );
    }
    return new ArtefactStoreError(
      'failed',
      `The object store at ${location} could not ${what}: ${(error as Error).message || name}`,
      { cause: error },
    );
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}
