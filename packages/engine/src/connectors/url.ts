import { DataBridgeError } from '../errors.ts';
import type { DialectName } from '../schema/model.ts';
import { CONNECTORS, connectorForScheme } from './registry.ts';

/** A parsed connection URL. `password` is kept out of every printed form. */
export interface ConnectionSettings {
  readonly dialect: DialectName;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  /** Database name (PostgreSQL, MySQL) or file path (SQLite). */
  readonly database: string;
  /** Query-string options, e.g. `sslmode=require`. */
  readonly options: Readonly<Record<string, string>>;
}

/** `postgres://, postgresql://, mysql://, mariadb:// or sqlite:`, as the registry lists them. */
const SCHEME_LIST = CONNECTORS.flatMap((c) => c.schemes.map((s) => (c.server ? `${s}://` : `${s}:`)));
const KNOWN_SCHEMES = `${SCHEME_LIST.slice(0, -1).join(', ')} or ${SCHEME_LIST.at(-1)}`;

/**
 * Parses `postgres://user:pass@host:5432/db`, `mysql://…`, `mariadb://…` or `sqlite:path/to/file.db`
 * (also `sqlite:///absolute/path.db` and `sqlite::memory:`). Throws `bad_url` naming what is wrong.
 */
export function parseConnectionUrl(url: string): ConnectionSettings {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0]?.toLowerCase();
  const connector = scheme ? connectorForScheme(scheme.slice(0, -1)) : undefined;
  if (!connector) {
    throw new DataBridgeError(
      'bad_url',
      `Unsupported connection URL "${maskPassword(url)}": it must start with ${KNOWN_SCHEMES}`,
    );
  }
  const dialect = connector.name as DialectName;
  // A database without a server is a file: everything after the scheme is its path.
  if (!connector.server) return parseFileUrl(url, scheme!, dialect);

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DataBridgeError('bad_url', `Malformed connection URL "${maskPassword(url)}"`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!parsed.hostname)
    throw new DataBridgeError('bad_url', `Connection URL "${maskPassword(url)}" has no host`);
  if (!database) {
    throw new DataBridgeError(
      'bad_url',
      `Connection URL "${maskPassword(url)}" names no database (…/dbname)`,
    );
  }
  const port = parsed.port ? Number(parsed.port) : connector.server.defaultPort;
  return {
    dialect,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    user: decodeURIComponent(parsed.username) || connector.server.defaultUser,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    options: Object.fromEntries(parsed.searchParams),
  };
}

function parseFileUrl(url: string, scheme: string, dialect: DialectName): ConnectionSettings {
  let path = url.slice(scheme.length);
  if (path.startsWith('//')) path = path.slice(2); // sqlite:///abs/path -> /abs/path
  if (!path) {
    const label = connectorForScheme(scheme.slice(0, -1))!.label;
    throw new DataBridgeError('bad_url', `${label} URL names no file: use ${scheme}path/to/file.db`);
  }
  return { dialect, host: '', port: 0, user: '', password: undefined, database: path, options: {} };
}

/** Replaces the password of a URL (if any) with `***`, for messages and logs. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)([^@]*)@/i, '$1***@');
}
