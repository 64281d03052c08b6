import { type ErrorCode, isDataBridgeError, issueSentence } from '@databridge/engine';
import { isStoreError, type StoreErrorCode } from '@databridge/store';
import { ZodError } from 'zod';

/** What a service call can fail with, each code one HTTP status. */
export type ServiceErrorCode =
  | 'bad_input' // 400: the request is malformed; the message names the field
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'invalid_state' // 409: e.g. resume a completed execution
  | 'conflict' // 409: a name is taken, a row is still referenced
  | 'unsupported_media_type' // 415: a body that is not JSON
  | 'connection_failed' // 422: a database refused the stored credentials: fix the connection
  | 'rate_limited' // 429: too many attempts
  | 'unavailable' // 503: a database or Redis does not answer
  | 'internal'; // 500

const STATUS: Record<ServiceErrorCode, number> = {
  bad_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid_state: 409,
  conflict: 409,
  unsupported_media_type: 415,
  connection_failed: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly status: number;
  /** The input field at fault, as a path for programs (`pipeline.batchSize`, `emails.1`); the message says it in words. */
  readonly field: string | undefined;

  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    options: { cause?: unknown; field?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = STATUS[code];
    this.field = options.field;
  }
}

/**
 * The status of each engine code: the user's input (spec, URL, names) is a 400, refused credentials a
 * 422 (fix the connection), a database that does not answer a 503; the rest is the server's to log.
 * A Record, so that a new engine code does not compile until it is placed here.
 */
const FROM_ENGINE: Record<ErrorCode, ServiceErrorCode> = {
  bad_spec: 'bad_input',
  bad_url: 'bad_input',
  unknown_table: 'bad_input',
  unknown_column: 'bad_input',
  already_exists: 'bad_input',
  connection_failed: 'unavailable',
  auth_failed: 'connection_failed',
  bad_value: 'internal',
  constraint_violation: 'internal',
  transient: 'internal',
  validation_failed: 'internal',
  hook_failed: 'internal',
  cancelled: 'internal',
  staging_gone: 'invalid_state',
  internal: 'internal',
};

/** The status of each store code; a transition the state machine refuses is a bug, so `internal`. */
const FROM_STORE: Record<StoreErrorCode, ServiceErrorCode> = {
  not_found: 'not_found',
  conflict: 'conflict',
  in_use: 'conflict',
  bad_input: 'bad_input',
  unavailable: 'unavailable',
  invalid_transition: 'internal',
  secret_mismatch: 'internal',
  migration_failed: 'internal',
};

/**
 * Any error as a ServiceError: zod issues name the field, store and engine codes map to their status,
 * anything else is `internal` with a message that leaks nothing (the cause stays on the error for
 * the server log).
 */
export function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof ZodError) {
    const issue = error.issues[0]!;
    // A stray key is the field at fault; elsewhere the issue's path is.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const field = path.length > 0 ? path.map(String).join('.') : undefined;
    return new ServiceError('bad_input', issueSentence(issue), { cause: error, ...(field ? { field } : {}) });
  }
  if (isStoreError(error)) {
    return new ServiceError(FROM_STORE[error.code], error.message, { cause: error });
  }
  if (isDataBridgeError(error)) {
    const code = FROM_ENGINE[error.code];
    // A spec's `where` is the field's path (a spec file's is `file:line`, no field).
    const field =
      error.isBadInput && error.where && !/:\d+$/.test(error.where)
        ? error.where.replace(/\[(\d+)\]/g, '.$1')
        : undefined;
    return new ServiceError(code, error.message, { cause: error, ...(field ? { field } : {}) });
  }
  return new ServiceError('internal', 'an unexpected error occurred; the server log has the details', {
    cause: error,
  });
}
