import { DataBridgeError, type ErrorCode } from '../errors.ts';

/** The server a connection talks to, named in connection errors. Never carries the password. */
export interface MysqlServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** MariaDB numbers some of its own errors where MySQL has others (4025 is a CHECK failure there). */
  readonly mariadb: boolean;
}

interface DriverError {
  readonly message: string;
  readonly code?: string;
  readonly errno?: number;
}

const BY_CODE: Readonly<Record<string, ErrorCode>> = {
  ...codes('connection_failed', 'ECONNREFUSED ENOTFOUND EAI_AGAIN EHOSTUNREACH ENETUNREACH ETIMEDOUT'),
  // A database that does not exist is a wrong URL, not a server to retry (as for PostgreSQL).
  ...codes('bad_url', 'ER_BAD_DB_ERROR'),
  ...codes(
    'auth_failed',
    'ER_ACCESS_DENIED_ERROR ER_DBACCESS_DENIED_ERROR ER_ACCESS_DENIED_NO_PASSWORD_ERROR ER_NOT_SUPPORTED_AUTH_MODE ' +
      'ER_TABLEACCESS_DENIED_ERROR ER_COLUMNACCESS_DENIED_ERROR ER_SPECIFIC_ACCESS_DENIED_ERROR',
  ),
  ...codes(
    'transient',
    'PROTOCOL_CONNECTION_LOST PROTOCOL_SEQUENCE_TIMEOUT ECONNRESET EPIPE ER_LOCK_DEADLOCK ER_LOCK_WAIT_TIMEOUT ' +
      'ER_CON_COUNT_ERROR ER_SERVER_SHUTDOWN ER_QUERY_INTERRUPTED ER_QUERY_TIMEOUT ER_NET_READ_INTERRUPTED ' +
      'ER_NET_WRITE_INTERRUPTED ER_CLIENT_INTERACTION_TIMEOUT ER_LOCK_NOWAIT ER_ABORTING_CONNECTION ER_NEW_ABORTING_CONNECTION ' +
      'PROTOCOL_PACKETS_OUT_OF_ORDER ECONNABORTED ' +
      // A table rebuilt (ALTER ... FORCE, most ALTERs) after a consistent snapshot began: the same read
      // in a new snapshot goes through.
      'ER_TABLE_DEF_CHANGED',
  ),
  ...codes(
    'constraint_violation',
    'ER_DUP_ENTRY ER_DUP_ENTRY_WITH_KEY_NAME ER_DUP_KEY ER_NO_REFERENCED_ROW ER_NO_REFERENCED_ROW_2 ' +
      'ER_ROW_IS_REFERENCED ER_ROW_IS_REFERENCED_2 ER_BAD_NULL_ERROR ER_WARN_NULL_TO_NOTNULL ER_NO_DEFAULT_FOR_FIELD ' +
      'ER_CHECK_CONSTRAINT_VIOLATED',
  ),
  ...codes(
    'bad_value',
    'ER_TRUNCATED_WRONG_VALUE ER_TRUNCATED_WRONG_VALUE_FOR_FIELD ER_DATA_TOO_LONG ER_WARN_DATA_OUT_OF_RANGE ' +
      'WARN_DATA_TRUNCATED ER_DATA_OUT_OF_RANGE ER_DIVISION_BY_ZERO ER_INVALID_JSON_TEXT ER_INVALID_JSON_TEXT_IN_PARAM ' +
      'ER_INVALID_CHARACTER_STRING ER_WRONG_VALUE ER_WRONG_VALUE_FOR_TYPE ER_NET_PACKET_TOO_LARGE ' +
      'ER_CANT_CREATE_GEOMETRY_OBJECT ER_WARN_INVALID_TIMESTAMP',
  ),
  ...codes('unknown_table', 'ER_NO_SUCH_TABLE ER_BAD_TABLE_ERROR'),
  ...codes('unknown_column', 'ER_BAD_FIELD_ERROR'),
  ...codes('already_exists', 'ER_TABLE_EXISTS_ERROR ER_DUP_KEYNAME ER_FK_DUP_NAME ER_DB_CREATE_EXISTS'),
  // Syntax errors come from SQL the spec's author wrote: a where, an expression, a hook.
  ...codes('bad_spec', 'ER_PARSE_ERROR ER_SYNTAX_ERROR ER_NON_UNIQ_ERROR ER_WRONG_DB_NAME'),
};

/** MariaDB-only error numbers, which mysql2 names after unrelated MySQL errors. */
const MARIADB_BY_ERRNO: Readonly<Record<number, ErrorCode>> = {
  4025: 'constraint_violation', // ER_CONSTRAINT_FAILED: a CHECK, e.g. json_valid() of a JSON column
  1969: 'transient', // ER_STATEMENT_TIMEOUT
  1927: 'transient', // ER_CONNECTION_KILLED: KILL <connection id>
};

function codes(code: ErrorCode, names: string): Record<string, ErrorCode> {
  return Object.fromEntries(names.split(' ').map((name) => [name, code]));
}

/** What should happen next for a mysql2 error; `internal` when nothing says otherwise. */
export function classify(error: DriverError, mariadb: boolean): ErrorCode {
  if (mariadb && error.errno !== undefined && MARIADB_BY_ERRNO[error.errno])
    return MARIADB_BY_ERRNO[error.errno]!;
  // MariaDB refuses a foreign key whose name is taken with "Can't create table" and InnoDB's own
  // code, 121 (a duplicate key in its dictionary), which travels only inside the message.
  if (error.code === 'ER_CANT_CREATE_TABLE' && /\(errno: 121\b/.test(error.message)) return 'already_exists';
  return (error.code && BY_CODE[error.code]) || 'internal';
}

/**
 * The class of a mysql2 error, which names every error: server errors carry errno and sqlState, its
 * own ones PROTOCOL_*. Undefined for any other error, or when the code says nothing.
 */
export function classifyMysql2Error(error: Error): ErrorCode | undefined {
  const { code, errno, sqlState } = error as { code?: unknown; errno?: unknown; sqlState?: unknown };
  const mysql =
    typeof code === 'string' &&
    (code.startsWith('ER_') || code.startsWith('PROTOCOL_') || code.startsWith('WARN_'));
  if (!mysql && !(typeof errno === 'number' && typeof sqlState === 'string')) return undefined;
  const found = classify(error as DriverError, false);
  return found === 'internal' ? undefined : found;
}

function serverMessage(code: ErrorCode, server: MysqlServer, error: DriverError): string | undefined {
  const at = `${server.mariadb ? 'MariaDB' : 'MySQL'} at ${server.host}:${server.port}`;
  if (error.code === 'ER_BAD_DB_ERROR') return `Database "${server.database}" does not exist on ${at}`;
  if (code === 'connection_failed') {
    return `Cannot connect to ${at} as "${server.user}": ${error.message || error.code}`;
  }
  if (code === 'auth_failed')
    return `${at} refused user "${server.user}" (database "${server.database}"): ${error.message}`;
  return undefined;
}

/**
 * Turns any mysql2 error into a DataBridgeError whose code says what to do next, keeping the original
 * as `cause`. `action` says what was being done ("Reading shop.Invoice"). Messages come from the
 * server or name host, port, user and database: the password is never part of them.
 */
export function toDataBridgeError(error: unknown, action: string, server: MysqlServer): DataBridgeError {
  if (error instanceof DataBridgeError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new DataBridgeError('cancelled', `${action}: cancelled`, { cause: error });
  }
  const driver: DriverError = error instanceof Error ? (error as DriverError) : { message: String(error) };
  const code = classify(driver, server.mariadb);
  const message = serverMessage(code, server, driver) ?? `${action}: ${driver.message || driver.code}`;
  return new DataBridgeError(code, message, { cause: error });
}

/** Runs `work`, rethrowing any failure as a DataBridgeError. */
export async function mapMysqlErrors<T>(
  action: string,
  server: MysqlServer,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toDataBridgeError(error, action, server);
  }
}

/** The error a cancelled operation throws. */
export function cancelled(action: string): DataBridgeError {
  return new DataBridgeError('cancelled', `${action}: cancelled`);
}
