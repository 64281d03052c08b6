import { DataBridgeError } from '../errors.ts';
import type { DialectName } from '../schema/model.ts';

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

const DEFAULT_PORTS: Record<Exclude<DialectName, 'sqlite'>, number> = { postgres: 5432, mysql: 3306 };

const SCHEMES: Record<string, DialectName> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'sqlite:': 'sqlite',
};

/**
 * Parses `postgres://user:pass@host:5432/db`, `mysql://…`, `mariadb://…` or `sqlite:path/to/file.db`
 * (also `sqlite:///absolute/path.db` and `sqlite::memory:`). Throws `bad_url` naming what is wrong.
 */
export function parseConnectionUrl(url: string): ConnectionSettings {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0]?.toLowerCase();
  const dialect = scheme ? SCHEMES[scheme] : undefined;
  if (!dialect) {
    throw new DataBridgeError(
      'bad_url',
      `Unsupported connection URL "${maskPassword(url)}": it must start with postgres://, postgresql://, mysql://, mariadb:// or sqlite:`,
    );
  }
  if (dialect === 'sqlite') return parseSqliteUrl(url, scheme!);

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
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[dialect];
  return {
    dialect,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    user: decodeURIComponent(parsed.username) || (dialect === 'postgres' ? 'postgres' : 'root'),
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    options: Object.fromEntries(parsed.searchParams),
  };
}

function parseSqliteUrl(url: string, scheme: string): ConnectionSettings {
  let path = url.slice(scheme.length);
  if (path.startsWith('//')) path = path.slice(2); // sqlite:///abs/path -> /abs/path
  if (!path) throw new DataBridgeError('bad_url', 'SQLite URL names no file: use sqlite:path/to/file.db');
  return { dialect: 'sqlite', host: '', port: 0, user: '', password: undefined, database: path, options: {} };
}

/** Replaces the password of a URL (if any) with `***`, for messages and logs. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)([^@]*)@/i, '$1***@');
}
