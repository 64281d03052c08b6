import { DataBridgeError, type ErrorCode } from '../errors.ts';

/** The server a connection talks to, named in connection errors. Never carries the password. */
export interface ServerLabel {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

interface DriverError {
  readonly message: string;
  readonly code?: string;
  readonly detail?: string;
  readonly errors?: readonly { code?: string }[];
}

const NETWORK_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const LOST_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '57014', '53300', '55P03']);

/** The SQLSTATE (or socket error code) of a driver error; AggregateErrors carry it on their parts. */
function codeOf(error: DriverError): string | undefined {
  return error.code ?? error.errors?.find((e) => e.code)?.code;
}

/** What should happen next for a SQLSTATE or socket code; `undefined` leaves it as `internal`. */
export function classify(code: string | undefined, message: string): ErrorCode | undefined {
  if (code === undefined) {
    // pg's own errors carry no code and pg exposes no state to read instead: a connect timeout, a
    // connection lost mid-query ("Connection terminated unexpectedly"), or a query sent on a client
    // whose connection already failed ("… is not queryable").
    if (/trying to connect|connection timeout/i.test(message)) return 'connection_failed';
    return /timeout|terminated|not queryable/i.test(message) ? 'transient' : undefined;
  }
  if (NETWORK_FAILURES.has(code)) return 'connection_failed';
  if (LOST_CONNECTION.has(code) || TRANSIENT_SQLSTATES.has(code) || code.startsWith('08')) return 'transient';
  // 42501: a privilege missing or revoked; granting it (then resuming) is the fix, not the spec.
  if (code === '28P01' || code === '28000' || code === '42501') return 'auth_failed';
  if (code === '3D000') return 'bad_url';
  if (code === '42P01') return 'unknown_table';
  if (code === '42703') return 'unknown_column';
  // duplicate_table, duplicate_object (a constraint), duplicate_schema.
  if (code === '42P07' || code === '42710' || code === '42P06') return 'already_exists';
  if (code.startsWith('23')) return 'constraint_violation';
  if (code.startsWith('22')) return 'bad_value';
  // Other syntax and access-rule errors come from SQL the spec's author wrote: a where, an expression, a hook.
  if (code.startsWith('42')) return 'bad_spec';
  return undefined;
}

/**
 * The class of a pg error or a socket error by its SQLSTATE or code (pg's own errors, which carry
 * none, by their few fixed texts); undefined when nothing says.
 */
export function classifyPgError(error: Error): ErrorCode | undefined {
  const code = (error as DriverError).code;
  return classify(typeof code === 'string' ? code : undefined, error.message);
}

function serverMessage(code: ErrorCode, server: ServerLabel, error: DriverError): string {
  const at = `PostgreSQL at ${server.host}:${server.port}`;
  switch (code) {
    case 'connection_failed':
      return `Cannot connect to ${at} as "${server.user}": ${error.message || codeOf(error)}`;
    case 'auth_failed':
      return `${at} refused user "${server.user}": ${error.message}`;
    case 'bad_url':
      return `Database "${server.database}" does not exist on ${at}`;
    default:
      return `${at}: ${error.message}`;
  }
}

/**
 * Turns any pg error into a DataBridgeError whose code says what to do next, keeping the original as
 * `cause`. `action` says what was being done ("Reading public.invoice"). Messages come from the
 * server or name host, port, user and database: the password is never part of them.
 */
export function toDataBridgeError(error: unknown, action: string, server?: ServerLabel): DataBridgeError {
  if (error instanceof DataBridgeError) return error;
  const driver: DriverError =
    error instanceof Error ? (error as DriverError) : { message: String(error), code: undefined };
  const code = classify(codeOf(driver), driver.message) ?? 'internal';
  const connecting = code === 'connection_failed' || code === 'auth_failed' || code === 'bad_url';
  let message = server && connecting ? serverMessage(code, server, driver) : `${action}: ${driver.message}`;
  // 3D000 after the connection was made: the database was dropped under the run.
  if (codeOf(driver) === '3D000' && !server)
    message = `${action}: the database is gone (dropped while the run was using it?): ${driver.message}`;
  if (driver.detail) message += ` (${driver.detail})`;
  return new DataBridgeError(code, message, { cause: error });
}

/** Runs `work`, rethrowing any failure as a DataBridgeError. */
export async function mapPgErrors<T>(
  action: string,
  work: () => Promise<T>,
  server?: ServerLabel,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toDataBridgeError(error, action, server);
  }
}
