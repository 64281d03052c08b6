import { ServiceError, toServiceError } from './service-error.ts';

/** Runs `work` (a store call) so that whatever it throws reaches the caller as a ServiceError. */
export async function withServiceErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toServiceError(error);
  }
}

/** The 404 of a record that is not there: `notFound('project', 'p1')` says `There is no project p1`. */
export function notFound(kind: string, id: string): ServiceError {
  return new ServiceError('not_found', `There is no ${kind} ${id}`);
}
