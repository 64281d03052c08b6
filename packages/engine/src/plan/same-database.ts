import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { connectorOf } from '../connectors/registry.ts';
import { parseConnectionUrl } from '../connectors/url.ts';

/** Names every machine gives itself: a URL with one and a URL with another reach the same server. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0']);

/**
 * Whether two connection URLs reach the same database: the same kind, server (host, loopback names
 * alike, and port) and database name, or for SQLite the same file once links are followed. Source and
 * target in one database are allowed, but a table may not be both: see buildPlan.
 */
export function sameDatabase(sourceUrl: string, targetUrl: string): boolean {
  let a: ReturnType<typeof parseConnectionUrl>;
  let b: ReturnType<typeof parseConnectionUrl>;
  try {
    a = parseConnectionUrl(sourceUrl);
    b = parseConnectionUrl(targetUrl);
  } catch {
    return false; // a bad URL is reported where it is opened
  }
  if (a.dialect !== b.dialect) return false;
  // A database without a server is its file.
  if (!connectorOf(a.dialect).server)
    return a.database !== ':memory:' && filePath(a.database) === filePath(b.database);
  return host(a.host) === host(b.host) && a.port === b.port && a.database === b.database;
}

function host(name: string): string {
  const lower = name.toLowerCase();
  return LOOPBACK.has(lower) ? 'loopback' : lower;
}

function filePath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path); // not created yet
  }
}
