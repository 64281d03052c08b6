import { connectorForScheme } from '../connectors/registry.ts';
import { maskPassword, parseConnectionUrl } from '../connectors/url.ts';
import { DataBridgeError } from '../errors.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';

/** Where a staging URL came from, so that every message names the setting to fix. */
export type StagingSetting = 'STAGING_DATABASE_URL' | '--staging';

/** A configured staging database (always PostgreSQL). */
export interface StagingDatabase {
  readonly url: string;
  readonly from: StagingSetting;
}

/**
 * Checks a staging URL. Staging needs PostgreSQL (COPY in and out, a schema per run, SQL to cleanse
 * with), so any other database is refused here, before a run starts, naming the setting.
 */
export function stagingDatabase(url: string, from: StagingSetting): StagingDatabase {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (!scheme || connectorForScheme(scheme)?.name !== 'postgres') {
    throw new DataBridgeError(
      'bad_url',
      `${from} "${maskPassword(url)}" is not a PostgreSQL URL: the staging database must be PostgreSQL, e.g. postgres://user@host:5432/staging`,
    );
  }
  try {
    parseConnectionUrl(url);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataBridgeError('bad_url', `${from}: ${reason}`, { cause: error });
  }
  return { url, from };
}

/**
 * The staging database the process is configured with: `--staging <url>` when given, else
 * STAGING_DATABASE_URL (empty means unset), else none.
 */
export function stagingFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  flag?: string,
): StagingDatabase | undefined {
  if (flag !== undefined) return stagingDatabase(flag, '--staging');
  const url = env.STAGING_DATABASE_URL?.trim();
  return url ? stagingDatabase(url, 'STAGING_DATABASE_URL') : undefined;
}

/**
 * Whether a run of `spec` stages, and where: `pipeline.staging: database` needs a staging database;
 * a spec that does not say streams directly, unless `--staging` asks for staging on this run; an
 * environment variable alone changes nothing, so that a shared machine's setting stages only the
 * projects that ask for it. Throws `bad_spec` at plan time when the two disagree.
 */
export function resolveStaging(
  spec: MigrationSpec,
  configured: StagingDatabase | undefined,
): StagingDatabase | undefined {
  const mode = spec.pipeline.staging;
  if (mode === 'database') {
    if (configured) return configured;
    throw new DataBridgeError(
      'bad_spec',
      'pipeline.staging is "database" but no staging database is configured: set STAGING_DATABASE_URL to a PostgreSQL URL (or pass --staging <url> to databridge run), or set pipeline.staging to "direct"',
      { where: 'pipeline.staging' },
    );
  }
  if (configured?.from !== '--staging') return undefined;
  if (mode === 'direct') {
    throw new DataBridgeError(
      'bad_spec',
      'the spec says pipeline.staging: direct but --staging was given: remove --staging, or set pipeline.staging to "database"',
      { where: 'pipeline.staging' },
    );
  }
  return configured;
}
