import { availableParallelism, cpus, totalmem } from 'node:os';
import Database from 'better-sqlite3';
import { PG_TARGET_DB, REPO_DIR } from './config.ts';
import { mysql, mysqlVersion } from './mysql.ts';
import { pgVersion, psql } from './postgres.ts';
import { run } from './sh.ts';

/** The machine and versions a result belongs to. */
export interface Environment {
  readonly date: string;
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly postgres: string;
  readonly postgresSettings: string;
  readonly mariadb: string | null;
  readonly mariadbSettings: string | null;
  readonly pgloader: string | null;
  readonly sqlite: string;
  readonly commit: string;
}

export async function describeEnvironment(options: {
  mysql: boolean;
  pgloader: string | null;
}): Promise<Environment> {
  const settings = await psql(
    PG_TARGET_DB,
    `SELECT name, current_setting(name) FROM pg_settings
      WHERE name IN ('shared_buffers', 'max_wal_size', 'synchronous_commit', 'wal_level') ORDER BY name`,
  );
  const sqlite = new Database(':memory:');
  const sqliteVersion = (sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  sqlite.close();
  const myBuffer = options.mysql
    ? await mysql('mysql', 'SELECT @@innodb_buffer_pool_size / 1048576, @@innodb_flush_log_at_trx_commit')
    : null;
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: await pgVersion(),
    postgresSettings: settings.map(([name, value]) => `${name}=${value}`).join(', '),
    mariadb: options.mysql ? await mysqlVersion() : null,
    mariadbSettings: myBuffer
      ? `innodb_buffer_pool_size=${Math.round(Number(myBuffer[0]?.[0]))}MB, innodb_flush_log_at_trx_commit=${myBuffer[0]?.[1]}`
      : null,
    pgloader: options.pgloader,
    sqlite: sqliteVersion,
    commit: await commit(),
  };
}

/** The commit measured (read-only git); "+ local changes" when the engine or CLI differ from it. */
async function commit(): Promise<string> {
  const head = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR }).catch(() => null);
  if (head?.code !== 0) return 'unknown';
  const status = await run('git', ['status', '--porcelain', '--', 'packages', 'apps'], { cwd: REPO_DIR });
  return `${head.stdout.trim()}${status.stdout.trim() ? ' + local changes' : ''}`;
}
