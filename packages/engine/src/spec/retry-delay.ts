import type { RetrySettings } from './schedule-schema.ts';

type RetryDelay = Pick<RetrySettings, 'delayMinutes' | 'exponentialBackoff' | 'maxDelayMinutes'>;

/**
 * How long to wait before retry number `attempt` (1 for the first retry) of a run that failed with a
 * transient error: `delayMinutes`, doubled for each earlier retry with `exponentialBackoff` and
 * capped at `maxDelayMinutes`. Whether to retry at all (`attempt <= maxRetries`) is the caller's call.
 * One function for the queue's executors and the CLI, so both wait alike.
 */
export function retryDelayMs(attempt: number, retries: RetryDelay): number {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`retry attempt must be 1 or more, not ${attempt}`);
  const factor = retries.exponentialBackoff ? 2 ** (attempt - 1) : 1;
  const minutes = Math.min(
    retries.delayMinutes * factor,
    Math.max(retries.maxDelayMinutes, retries.delayMinutes),
  );
  return Math.round(minutes * 60_000);
}
