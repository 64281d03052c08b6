import type { DialectName } from '../schema/model.ts';
import type { Connection, ConnectOptions } from './connection.ts';
import { type ConnectionSettings, parseConnectionUrl } from './url.ts';

type Opener = (settings: ConnectionSettings, options: ConnectOptions) => Promise<Connection>;

/**
 * The connection class of each registered database, loaded on first use so that a run against one
 * database loads no other driver. Kept out of the descriptors, which the browser reads; keyed by the
 * registry's names, so the compiler asks for a line here when a connector is added.
 */
const OPENERS: Record<DialectName, Opener> = {
  postgres: async (settings, options) =>
    (await import('../postgres/postgres-connection.ts')).PostgresConnection.open(settings, options),
  mysql: async (settings, options) =>
    (await import('../mysql/mysql-connection.ts')).MysqlConnection.open(settings, options),
  sqlite: async (settings, options) =>
    (await import('../sqlite/sqlite-connection.ts')).SqliteConnection.open(settings, options),
};

/**
 * Opens a pooled connection to the database a URL names and checks that it answers, so that a wrong
 * host or password fails here with a clear message rather than in the middle of a run.
 */
export async function openConnection(url: string, options: ConnectOptions = {}): Promise<Connection> {
  const settings = parseConnectionUrl(url);
  return OPENERS[settings.dialect](settings, options);
}
