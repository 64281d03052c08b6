import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import type { ConnectOptions } from '../connectors/connection.ts';
import type { ConnectionSettings } from '../connectors/url.ts';
import { canonicalTypes } from './postgres-type-parsers.ts';

/**
 * Session settings every pooled connection gets, so that values do not depend on the server's
 * configuration: ISO dates, timestamptz printed in UTC, floats printed exactly (PostgreSQL 12+ prints
 * the shortest exact form for any value above 0; older servers need 3), bytea as hex.
 */
const SESSION_SETUP =
  "SET DateStyle = 'ISO, MDY'; SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET bytea_output = 'hex'; SET standard_conforming_strings = on";

const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/** `sslmode` as libpq spells it: require encrypts, verify-ca and verify-full also check the certificate. */
function sslFrom(options: Readonly<Record<string, string>>): boolean | ConnectionOptions | undefined {
  switch (options.sslmode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return options.ssl === 'true' ? { rejectUnauthorized: false } : undefined;
  }
}

/**
 * A pool for one database: `options.poolSize` connections at most (default 4), canonical type parsers,
 * and a connect timeout from `?connect_timeout=` seconds (default 10).
 */
export function createPool(settings: ConnectionSettings, options: ConnectOptions): pg.Pool {
  const timeoutSeconds = Number(settings.options.connect_timeout) || DEFAULT_CONNECT_TIMEOUT_SECONDS;
  const pool = new pg.Pool({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    ssl: sslFrom(settings.options),
    application_name: settings.options.application_name ?? 'databridge',
    max: options.poolSize ?? 4,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: timeoutSeconds * 1000,
    // A server that vanishes without closing the socket is found by keep-alive probes after 30 s
    // of silence, instead of the operating system's two hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
    types: canonicalTypes,
    verify: (client, done) => {
      client.query(SESSION_SETUP).then(
        () => done(),
        (error: Error) => done(error),
      );
    },
  });
  // An idle connection the server closes (restart, DROP DATABASE ... WITH FORCE) must not crash the
  // process; the next checkout simply opens a new one.
  pool.on('error', () => {});
  // The same for a connection in use: a terminated backend rejects the query in flight, which is how
  // the loader learns of it; the client's 'error' event, with nobody listening, would crash the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
