import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the benchmark lives, and the repository around it. */
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = resolve(BENCH_DIR, '..');
/** Scratch space (gitignored): SQLite sources, specs, DataBridge state, pgloader logs. */
export const DATA_DIR = resolve(BENCH_DIR, '.data');
export const DATABRIDGE_BIN = resolve(REPO_DIR, 'apps/cli/bin/databridge.js');
export const DEFAULT_REPORT = resolve(REPO_DIR, 'docs/benchmarks.md');

/** The local servers (README: trust auth for postgres, root without a password for MariaDB). */
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
export const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root' } as const;

/**
 * Appended to every database name below (`DATABRIDGE_BENCH_DB_SUFFIX`, letters, digits and `_`), so
 * that two benchmarks on one machine, say a `--quick` smoke run beside a full one, never reload or
 * reset each other's databases.
 */
const SUFFIX = dbSuffix(process.env.DATABRIDGE_BENCH_DB_SUFFIX ?? '');

/** Source database for N rows; the memory check's 5N source lives in its own database. */
export const PG_SOURCE_DB = `databridge_bench_src${SUFFIX}`;
export const PG_SOURCE_5N_DB = `databridge_bench_src_x5${SUFFIX}`;
export const PG_SOURCE_SCHEMA = 'dbo';
export const PG_TARGET_DB = `databridge_bench_dst${SUFFIX}`;
export const MYSQL_DB = `databridge_bench${SUFFIX}`;

function dbSuffix(text: string): string {
  if (!/^\w{0,20}$/.test(text))
    throw new Error(
      `DATABRIDGE_BENCH_DB_SUFFIX takes up to 20 letters, digits or underscores; got "${text}"`,
    );
  return text;
}

export function pgUrl(database: string): string {
  return `postgres://${PG.user}@${PG.host}:${PG.port}/${database}`;
}

export function mysqlUrl(database: string): string {
  return `mysql://${MYSQL.user}@${MYSQL.host}:${MYSQL.port}/${database}`;
}
