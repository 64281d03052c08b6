import { isDataBridgeError, issueSentence } from '@databridge/engine';
import { isStoreError } from '@databridge/store';
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
    const code: ServiceErrorCode =
      error.code === 'not_found'
        ? 'not_found'
        : error.code === 'conflict' || error.code === 'in_use'
          ? 'conflict'
          : error.code === 'bad_input'
            ? 'bad_input'
            : error.code === 'unavailable'
              ? 'unavailable'
              : 'internal';
    return new ServiceError(code, error.message, { cause: error });
  }
  if (isDataBridgeError(error)) {
    const code: ServiceErrorCode = error.isBadInput
      ? 'bad_input'
      : error.code === 'connection_failed'
        ? 'unavailable'
        : error.code === 'auth_failed'
          ? 'connection_failed'
          : 'internal';
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
