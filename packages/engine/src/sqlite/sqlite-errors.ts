import { DataBridgeError, type ErrorCode, messageOf } from '../errors.ts';

export interface SqliteErrorContext {
  /** The database file, named in errors about opening it. */
  readonly file?: string;
  /** What was being done, e.g. `Loading main.Invoice`; prefixes the message. */
  readonly action?: string;
}

/**
 * The result code of a better-sqlite3 error, '' for any other error. Recognised by its name, not by
 * `instanceof`, so that the connector's descriptor stays free of the native driver (the browser's
 * connection form reads it).
 */
function codeOf(error: unknown): string {
  return isSqliteError(error) ? error.code : '';
}

/** True for the errors better-sqlite3 throws (`SqliteError`, with a `SQLITE_*` result code). */
export function isSqliteError(error: unknown): error is Error & { code: string } {
  return (
    error instanceof Error &&
    error.name === 'SqliteError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/** What should happen next for a better-sqlite3 error, by SQLite result code where there is one. */
export function classify(error: unknown, message: string): ErrorCode {
  const code = codeOf(error);
  if (code.startsWith('SQLITE_CONSTRAINT')) return 'constraint_violation';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'transient';
  // A file that is no database stays so: the URL is wrong, there is nothing to retry.
  if (code === 'SQLITE_NOTADB') return 'bad_url';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'connection_failed';
  // A file the process may not write: retrying will not help, fixing its permissions will.
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_AUTH')) return 'auth_failed';
  if (code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG') return 'bad_value';
  if (code === 'SQLITE_INTERRUPT') return 'cancelled';
  // SQLite has no code of its own for these (SQLITE_ERROR): its fixed text is all there is.
  if (code === 'SQLITE_ERROR' && /already exists/.test(message)) return 'already_exists';
  if (/no such table/i.test(message)) return 'unknown_table';
  if (/no such column|has no column named/i.test(message)) return 'unknown_column';
  // SQL the spec's author wrote (a filter, an expression, a hook) or an upsert key without a unique index.
  if (
    /syntax error|incomplete input|no such function|ON CONFLICT clause|more than one statement/i.test(message)
  ) {
    return 'bad_spec';
  }
  // better-sqlite3 refuses to bind a value (wrong JavaScript type, bigint out of 64-bit range).
  if (!code && /bind|too big/i.test(message)) return 'bad_value';
  return 'internal';
}

function describe(error: unknown, message: string, file: string | undefined): string {
  const code = codeOf(error);
  if (code === 'SQLITE_NOTADB') return `${file ?? 'The file'} is not an SQLite database`;
  if (code.startsWith('SQLITE_CANTOPEN')) return `Cannot open SQLite file ${file ?? ''}: ${message}`;
  if (code.startsWith('SQLITE_READONLY')) {
    return `${message} (is ${file ?? 'the file'} writable by this process?)`;
  }
  if (code.startsWith('SQLITE_BUSY')) return `${message} (another process holds the write lock)`;
  if (code === 'SQLITE_FULL')
    return `${file ?? 'the database'} is full: the disk holding it has no space left (or its size limit was reached); free some space, then resume the run`;
  return message;
}

/**
 * Maps an error thrown by better-sqlite3 to the engine's error, by SQLite result code where there is
 * one (message text only where SQLite gives nothing better), keeping the original as `cause`.
 * DataBridgeErrors pass through unchanged.
 */
export function toDataBridgeError(error: unknown, context: SqliteErrorContext = {}): DataBridgeError {
  if (error instanceof DataBridgeError) return error;
  const message = messageOf(error);
  const text = describe(error, message, context.file);
  return new DataBridgeError(classify(error, message), context.action ? `${context.action}: ${text}` : text, {
    cause: error,
  });
}
