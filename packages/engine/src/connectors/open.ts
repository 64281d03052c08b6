import type { Connection, ConnectOptions } from './connection.ts';
import { parseConnectionUrl } from './url.ts';

/**
 * Opens a pooled connection to the database a URL names and checks that it answers, so that a wrong
 * host or password fails here with a clear message rather than in the middle of a run.
 */
export async function openConnection(url: string, options: ConnectOptions = {}): Promise<Connection> {
  const settings = parseConnectionUrl(url);
  switch (settings.dialect) {
    case 'postgres': {
      const { PostgresConnection } = await import('../postgres/postgres-connection.ts');
      return PostgresConnection.open(settings, options);
    }
    case 'mysql': {
      const { MysqlConnection } = await import('../mysql/mysql-connection.ts');
      return MysqlConnection.open(settings, options);
    }
    case 'sqlite': {
      const { SqliteConnection } = await import('../sqlite/sqlite-connection.ts');
      return SqliteConnection.open(settings, options);
    }
  }
}
