import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  FAILED_RETENTION_DAYS,
  isArtefactStoreError,
  type ObjectStoreConfig,
  readObjectStoreConfig,
  type StagingDatabase,
  stagingDatabase,
} from '@databridge/engine';
import { z } from 'zod';
import { TrustedProxiesSchema } from './auth/client-address.ts';

/**
 * The environment DataBridge's server processes read, parsed once at start-up. A missing or malformed
 * value stops start-up with a message naming the variable. `.env.example` lists every one.
 */
const EnvSchema = z.object({
  DATABRIDGE_DATA_DIR: z.string().trim().min(1).optional(),
  DATABRIDGE_SQLITE_DIR: z.string().trim().min(1).optional(),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  STAGING_DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL: the staging database is PostgreSQL')
    .optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CRON_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  DATABRIDGE_BASE_URL: z.url('must be a URL such as http://localhost:3000').optional(),
  DATABRIDGE_ADMIN_EMAIL: z.email('must be an email address').optional(),
  DATABRIDGE_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  DATABRIDGE_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'may hold letters, digits, dots, dashes and underscores only')
    .optional(),
  DATABRIDGE_TRUSTED_PROXIES: TrustedProxiesSchema.optional(),
  // Read where webhooks are sent (alerts/webhook-address.ts); checked here so a typo stops start-up.
  DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS: z.enum(['0', '1'], { error: 'must be 1 (allow) or 0' }).optional(),
  AIRFLOW_DAGS_FOLDER: z.string().trim().min(1).optional(),
  DATABRIDGE_SHUTDOWN_GRACE_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 or more')
    .max(3600, 'must be at most 3600 (an hour)')
    .optional(),
  DATABRIDGE_ARTEFACT_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 (unset it to keep artefacts for ever)')
    .max(36_500, 'must be at most 36500 (a hundred years)')
    .optional(),
  DATABRIDGE_STAGING_FAILED_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(3650, 'must be at most 3650 (ten years)')
    .optional(),
});

export interface ServerEnv {
  /** Absolute path of the data folder (`.databridge/` in the working directory by default). */
  readonly dataDir: string;
  /**
   * Absolute path of the only folder whose SQLite files the server opens (`<dataDir>/files` by
   * default): web users cannot open the server's own files as a database.
   */
  readonly sqliteDir: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly sessionSecret: string;
  /** True when SESSION_SECRET was unset and a generated one kept in the data folder is used. */
  readonly sessionSecretGenerated: boolean;
  readonly cronSecret: string | undefined;
  readonly baseUrl: string;
  /** The first admin, created at start-up when no admin exists yet (else the setup page does it). */
  readonly firstAdmin: { readonly email: string; readonly password: string } | undefined;
  /** Namespace of DataBridge's keys in Redis: two deployments can share one Redis. */
  readonly queuePrefix: string;
  /** Reverse proxies whose X-Forwarded-For is believed (addresses and CIDR blocks); none by default. */
  readonly trustedProxies: readonly string[];
  /**
   * On SIGTERM, how long running tasks may take to reach their next batch boundary before their
   * statements are ended and they are left interrupted (DATABRIDGE_SHUTDOWN_GRACE_SECONDS, default 10).
   */
  readonly shutdownGraceMs: number;
  /** Where "Deploy to Airflow" writes a project's DAG file (AIRFLOW_DAGS_FOLDER); unset: download only. */
  readonly airflowDagsFolder?: string | undefined;
  /**
   * The S3-compatible bucket for reports, logs, rejects and DDL (SAP_OBJECT_STORE_URL and
   * SAP_OBJECT_STORE_API_KEY, or OBJECT_STORE_*); undefined: the local folder `<dataDir>/reports`.
   */
  readonly objectStore: ObjectStoreConfig | undefined;
  /** The staging database (STAGING_DATABASE_URL) for specs that say `pipeline.staging: database`. */
  readonly staging: StagingDatabase | undefined;
  /** Artefacts older than this many days are removed by the scheduler's tick; undefined: kept. */
  readonly artefactRetentionDays: number | undefined;
  /**
   * Days a failed, cancelled or paused staged run keeps its staging schema for a retry before the
   * scheduler's tick drops it (DATABRIDGE_STAGING_FAILED_RETENTION_DAYS, default 7).
   */
  readonly stagingFailedRetentionDays: number;
}

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/**
 * Parses the environment. Without SESSION_SECRET a random one is generated once and kept in
 * `<dataDir>/session-secret` (mode 0600), so that the embedded setup needs no configuration and
 * stored credentials stay readable across restarts; a deployment sets its own.
 */
export function readServerEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  // An empty value (`SESSION_SECRET=` copied from .env.example) means unset.
  const given = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(`environment variable ${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  if (Boolean(e.DATABRIDGE_ADMIN_EMAIL) !== Boolean(e.DATABRIDGE_ADMIN_PASSWORD)) {
    throw new EnvError(
      'environment variables DATABRIDGE_ADMIN_EMAIL and DATABRIDGE_ADMIN_PASSWORD go together: set both or neither',
    );
  }
  // The comment keeps Next's file tracing from taking this for a path into the project.
  const dataDir = resolve(/*turbopackIgnore: true*/ e.DATABRIDGE_DATA_DIR ?? '.databridge');
  const sqliteDir = sqliteFolder(e.DATABRIDGE_SQLITE_DIR, dataDir);
  const objectStore = objectStoreOf(env);
  const secret = e.SESSION_SECRET ?? generatedSecret(dataDir);
  return {
    dataDir,
    sqliteDir,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    sessionSecret: secret,
    sessionSecretGenerated: e.SESSION_SECRET === undefined,
    cronSecret: e.CRON_SECRET,
    baseUrl: e.DATABRIDGE_BASE_URL ?? 'http://localhost:3000',
    queuePrefix: e.DATABRIDGE_QUEUE_PREFIX ?? 'databridge',
    trustedProxies: e.DATABRIDGE_TRUSTED_PROXIES ?? [],
    shutdownGraceMs: (e.DATABRIDGE_SHUTDOWN_GRACE_SECONDS ?? 10) * 1000,
    airflowDagsFolder: e.AIRFLOW_DAGS_FOLDER
      ? resolve(/*turbopackIgnore: true*/ e.AIRFLOW_DAGS_FOLDER)
      : undefined,
    objectStore,
    artefactRetentionDays: e.DATABRIDGE_ARTEFACT_RETENTION_DAYS,
    stagingFailedRetentionDays: e.DATABRIDGE_STAGING_FAILED_RETENTION_DAYS ?? FAILED_RETENTION_DAYS,
    staging: e.STAGING_DATABASE_URL
      ? stagingDatabase(e.STAGING_DATABASE_URL, 'STAGING_DATABASE_URL')
      : undefined,
    firstAdmin:
      e.DATABRIDGE_ADMIN_EMAIL && e.DATABRIDGE_ADMIN_PASSWORD
        ? { email: e.DATABRIDGE_ADMIN_EMAIL, password: e.DATABRIDGE_ADMIN_PASSWORD }
        : undefined,
  };
}

function objectStoreOf(env: NodeJS.ProcessEnv): ObjectStoreConfig | undefined {
  try {
    return readObjectStoreConfig(env);
  } catch (error) {
    if (isArtefactStoreError(error)) throw new EnvError(error.message);
    throw error;
  }
}

/**
 * DATABRIDGE_SQLITE_DIR, resolved; inside the data folder only as `files` or below it, so that the
 * store, the secret and the reports never become reachable as SQLite files.
 */
function sqliteFolder(given: string | undefined, dataDir: string): string {
  const files = join(dataDir, 'files');
  if (given === undefined) return files;
  const folder = resolve(/*turbopackIgnore: true*/ given);
  const inData = relative(dataDir, folder);
  const inFiles = relative(files, folder);
  const within = (rel: string) => !rel.startsWith('..') && !isAbsolute(rel);
  if (within(inData) && !within(inFiles)) {
    throw new EnvError(
      `environment variable DATABRIDGE_SQLITE_DIR must not be the data folder ${dataDir} or a folder of its own (use ${files} or a folder outside it)`,
    );
  }
  return folder;
}

function generatedSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
