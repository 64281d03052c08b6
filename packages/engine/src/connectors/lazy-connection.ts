import type { DialectName } from '../schema/model.ts';
import type { Connection, ConnectOptions, Dialect, Reader } from './connection.ts';
import { openConnection } from './open.ts';
import { connectorForScheme } from './registry.ts';
import { maskPassword, parseConnectionUrl } from './url.ts';

/** The dialect of a URL's database without connecting to it (quoting and naming need no server). */
const DIALECTS: Record<DialectName, (database: string) => Promise<Dialect>> = {
  postgres: async () => new (await import('../postgres/postgres-dialect.ts')).PostgresDialect(),
  mysql: async (database) => new (await import('../mysql/mysql-dialect.ts')).MysqlDialect(database),
  sqlite: async () => (await import('../sqlite/sqlite-dialect.ts')).sqliteDialect,
};

/**
 * A connection opened on first use. A staged run's source: a retry or resume after the extract reads
 * only the staging database, so the source may be down, busy or gone and the run still goes on.
 */
export async function lazyConnection(url: string, options: ConnectOptions): Promise<Connection> {
  const settings = parseConnectionUrl(url);
  const dialect = await DIALECTS[settings.dialect](settings.database);
  const descriptor = connectorForScheme(url.slice(0, url.indexOf(':')))!;
  let opening: Promise<Connection> | undefined;
  const open = () => {
    opening ??= openConnection(url, options);
    return opening;
  };
  const reader: Reader = {
    fetch: async (request, signal) => (await open()).reader.fetch(request, signal),
    async *stream(request, batchSize, signal) {
      yield* (await open()).reader.stream(request, batchSize, signal);
    },
    bounds: async (table, column) => (await open()).reader.bounds(table, column),
    count: async (table, where) => (await open()).reader.count(table, where),
  };
  return {
    dialect,
    capabilities: descriptor.capabilities,
    displayUrl: maskPassword(url),
    reader,
    get loader() {
      return { begin: async () => (await open()).loader.begin() };
    },
    introspect: async (o) => (await open()).introspect(o),
    query: async (sql, params) => (await open()).query(sql, params),
    ensureCheckpointTable: async () => (await open()).ensureCheckpointTable(),
    readCheckpoints: async (runId) => (await open()).readCheckpoints(runId),
    openSnapshot: async (o) => (await open()).openSnapshot?.(o),
    cancelInFlight: async (graceMs) => {
      if (opening) await (await opening).cancelInFlight?.(graceMs);
    },
    close: async () => {
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}
