import { z } from 'zod';
import { ArtefactStoreError } from './artefact-store-error.ts';

/** An S3-compatible bucket (SAP Object Store, MinIO, AWS S3), reached with path-style addressing. */
export interface ObjectStoreConfig {
  /** `https://host[:port]`: the S3 endpoint, without the bucket. */
  readonly endpoint: string;
  readonly bucket: string;
  /** Prepended to every key, without slashes at either end; '' for the bucket's root. */
  readonly prefix: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `https://host/bucket/prefix`: where the artefacts are, without credentials, for messages. */
  readonly location: string;
  /**
   * Downloads redirect to a presigned URL valid this many seconds instead of streaming through the
   * server (SAP_OBJECT_STORE_PRESIGN_SECONDS); undefined: the server streams them.
   */
  readonly presignSeconds?: number;
  /** The variables the URL and the key were read from (SAP_… or the generic names), for messages. */
  readonly variables: { readonly url: string; readonly key: string };
}

/** The settings, each under its SAP name and the generic alias. */
const NAMES = {
  url: ['SAP_OBJECT_STORE_URL', 'OBJECT_STORE_URL'],
  key: ['SAP_OBJECT_STORE_API_KEY', 'OBJECT_STORE_API_KEY'],
  region: ['SAP_OBJECT_STORE_REGION', 'OBJECT_STORE_REGION'],
  presign: ['SAP_OBJECT_STORE_PRESIGN_SECONDS', 'OBJECT_STORE_PRESIGN_SECONDS'],
} as const;

const DEFAULT_REGION = 'us-east-1';

// Each check stops the rest (`abort`): the later ones parse the URL, which text that is none would
// make throw, a stack trace instead of the sentence.
const BucketUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL', abort: true })
  .refine((u) => !new URL(u).username && !new URL(u).password, {
    error: 'must not hold credentials (put them in the API key variable)',
    abort: true,
  })
  // A query or fragment would be dropped without a word (a presigned URL pasted, `?region=`).
  .refine((u) => !new URL(u).search && !new URL(u).hash && !/[?#]/.test(u), {
    error: 'must not have a query (?…) or a fragment (#…): only https://host/bucket/prefix',
    abort: true,
  })
  .refine((u) => new URL(u).pathname.split('/').some(Boolean), {
    error: 'must name the bucket after the host, e.g. https://objectstore.example.com/my-bucket/databridge',
  });

/** `<access key id>:<secret access key>`; the message never repeats the value. */
const ApiKey = z.string().refine((k) => /^[^:\s]+:\S+$/.test(k), {
  error: 'must be <access key id>:<secret access key> (two parts separated by a colon, no spaces)',
});

const PresignSeconds = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of seconds')
  .refine((s) => Number(s) >= 1 && Number(s) <= 3600, { error: 'must be from 1 to 3600 seconds (an hour)' });

const Region = z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a region name such as us-east-1 or eu10');

/**
 * Reads the object store settings from the environment: `SAP_OBJECT_STORE_URL` (endpoint, bucket and
 * an optional key prefix: `https://host/bucket/prefix`), `SAP_OBJECT_STORE_API_KEY`
 * (`<access key id>:<secret access key>`) and `SAP_OBJECT_STORE_REGION` (default us-east-1), or the
 * same names without `SAP_`. Undefined when no URL is set: artefacts stay in the local folder.
 * Throws `bad_config` naming the variable and the fix; never a secret.
 */
export function readObjectStoreConfig(env: NodeJS.ProcessEnv = process.env): ObjectStoreConfig | undefined {
  const url = setting(env, NAMES.url);
  const key = setting(env, NAMES.key);
  const region = setting(env, NAMES.region);
  const presign = setting(env, NAMES.presign);
  if (!url) {
    if (key)
      throw bad(`${key.name} is set but ${NAMES.url[0]} is not: set the bucket's URL too, or unset the key`);
    return undefined;
  }
  if (!key) {
    throw bad(`${url.name} is set but ${NAMES.key[0]} is not: set it to <access key id>:<secret access key>`);
  }
  check(BucketUrl, url);
  check(ApiKey, key);
  if (region) check(Region, region);
  if (presign) check(PresignSeconds, presign);
  const parsed = new URL(url.value);
  const [bucket, ...rest] = parsed.pathname.split('/').filter(Boolean);
  const colon = key.value.indexOf(':');
  const prefix = rest.join('/');
  return {
    endpoint: parsed.origin,
    bucket: bucket!,
    prefix,
    region: region?.value ?? DEFAULT_REGION,
    accessKeyId: key.value.slice(0, colon),
    secretAccessKey: key.value.slice(colon + 1),
    location: `${parsed.origin}/${bucket}${prefix ? `/${prefix}` : ''}`,
    ...(presign ? { presignSeconds: Number(presign.value) } : {}),
    variables: { url: url.name, key: key.name },
  };
}

interface Setting {
  readonly name: string;
  readonly value: string;
}

/** The SAP name wins; both set to different values is a mistake worth a word. */
function setting(env: NodeJS.ProcessEnv, [sap, generic]: readonly [string, string]): Setting | undefined {
  const a = env[sap]?.trim();
  const b = env[generic]?.trim();
  if (a && b && a !== b) throw bad(`${sap} and ${generic} are both set, to different values: keep one`);
  if (a) return { name: sap, value: a };
  if (b) return { name: generic, value: b };
  return undefined;
}

function check(schema: z.ZodType, { name, value }: Setting): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw bad(`${name} ${parsed.error.issues[0]!.message}`);
}

function bad(sentence: string): ArtefactStoreError {
  return new ArtefactStoreError('bad_config', `environment variable ${sentence}`);
}
