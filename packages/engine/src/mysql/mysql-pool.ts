import mysql, { type Pool, type PoolOptions } from 'mysql2/promise';
import type { ConnectionSettings } from '../connectors/url.ts';

/**
 * Session settings of every pooled connection. The SQL mode is set whole rather than added to the
 * server's: strict for every table (a too-long string or an out-of-range number is an error, never
 * a silent truncation or a zero), no NO_BACKSLASH_ESCAPES or ANSI_QUOTES (values are escaped and
 * identifiers quoted MySQL's way), and NO_AUTO_VALUE_ON_ZERO so that a key of 0 is copied as 0
 * instead of drawing a new AUTO_INCREMENT value. A long net_write_timeout lets a streaming reader
 * wait for a slow target without the server dropping it.
 */
export const SESSION_SQL_MODE =
  'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO';
const SESSION_SETUP = `SET SESSION sql_mode = '${SESSION_SQL_MODE}', time_zone = '+00:00', net_write_timeout = 3600`;

/** TLS from the URL's query: `ssl=true` verifies the server, `sslmode=require` only encrypts. */
function tlsOptions(options: Readonly<Record<string, string>>): PoolOptions['ssl'] {
  const mode = (options.sslmode ?? options['ssl-mode'] ?? '').toLowerCase();
  if (options.ssl === 'true' || mode.startsWith('verify')) return { rejectUnauthorized: true };
  if (mode === 'require' || mode === 'required') return { rejectUnauthorized: false };
  return undefined;
}

/**
 * A mysql2 promise pool. Its values follow values.ts only through mysql-values.ts: each query passes
 * canonicalTypeCast, or, for a bulk stream, fixes whole batches with rowFixups (no typeCast here, since
 * mysql2 lets a pool-wide one override any query's choice).
 */
export function createMysqlPool(settings: ConnectionSettings, poolSize: number): Pool {
  const pool = mysql.createPool({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    connectionLimit: poolSize,
    maxIdle: poolSize,
    charset: 'UTF8MB4_UNICODE_CI',
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    multipleStatements: false,
    // A server that vanishes without closing the socket (a pulled cable, a killed VM) is found by the
    // operating system's keep-alive probes, starting after 30 s of silence instead of two hours.
    enableKeepAlive: true,
    keepAliveInitialDelay: 30_000,
    ssl: tlsOptions(settings.options),
  });
  // mysql2 queues commands per connection, so this runs before the first query of the borrower.
  // A connection whose setup fails is destroyed rather than used without strict mode.
  pool.pool.on('connection', (connection) => {
    connection.query(SESSION_SETUP, (error) => {
      if (error) connection.destroy();
    });
  });
  return pool;
}
