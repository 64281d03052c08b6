/**
 * One error class for everything the engine reports to a user. The `code` says what should happen
 * next (fix the input, fix the credentials, retry, give up); callers match on `code`, never on text.
 */
export type ErrorCode =
  | 'bad_spec' // the migration spec is malformed or refers to something that does not exist
  | 'bad_url' // a connection URL cannot be parsed
  | 'unknown_table'
  | 'unknown_column'
  | 'connection_failed' // the server did not answer
  | 'auth_failed' // the server refused the credentials
  | 'bad_value' // a row value the target cannot take
  | 'constraint_violation'
  | 'already_exists' // a CREATE found its table, constraint or index there already
  | 'transient' // lost connection, deadlock, timeout: worth a retry
  | 'validation_failed' // counts, checksums or a custom rule differ after load
  | 'hook_failed' // a pre- or post-migration SQL hook failed
  | 'cancelled'
  | 'staging_gone' // a staged run's rows were dropped from the staging database: it cannot be retried
  | 'internal';

// A table the spec would create that is there already is the spec's to fix (another name, or replace).
const BAD_INPUT: ReadonlySet<ErrorCode> = new Set([
  'bad_spec',
  'bad_url',
  'unknown_table',
  'unknown_column',
  'already_exists',
]);

export class DataBridgeError extends Error {
  readonly code: ErrorCode;
  /** Where in the user's input the problem is, e.g. `mappings[2].columns.Email` or `spec.yaml:14`. */
  readonly where: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; where?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = 'DataBridgeError';
    this.code = code;
    this.where = options.where;
  }

  /** True when the user's input (spec, URL, names) is at fault: the CLI exits with 2. */
  get isBadInput(): boolean {
    return BAD_INPUT.has(this.code);
  }

  get isTransient(): boolean {
    return this.code === 'transient' || this.code === 'connection_failed';
  }
}

export function isDataBridgeError(error: unknown): error is DataBridgeError {
  return error instanceof DataBridgeError;
}

/** The message of any thrown value, without a stack. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
