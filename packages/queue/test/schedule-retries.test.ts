import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelayMs } from '../src/schedule/index.ts';

const minutes = (ms: number) => ms / 60_000;

describe('retry delays', () => {
  it('waits the same delay before every retry without backoff', () => {
    const retries = { delayMinutes: 5, exponentialBackoff: false, maxDelayMinutes: 60 };
    assert.deepEqual(
      [1, 2, 3].map((attempt) => minutes(retryDelayMs(attempt, retries))),
      [5, 5, 5],
    );
  });

  it('doubles the delay with exponential backoff, up to the cap', () => {
    const retries = { delayMinutes: 5, exponentialBackoff: true, maxDelayMinutes: 30 };
    assert.deepEqual(
      [1, 2, 3, 4, 10].map((attempt) => minutes(retryDelayMs(attempt, retries))),
      [5, 10, 20, 30, 30],
    );
  });

  it('takes fractions of a minute and zero', () => {
    assert.equal(
      retryDelayMs(1, { delayMinutes: 0.5, exponentialBackoff: false, maxDelayMinutes: 1 }),
      30_000,
    );
    assert.equal(retryDelayMs(3, { delayMinutes: 0, exponentialBackoff: true, maxDelayMinutes: 0 }), 0);
  });

  it('refuses an attempt number below 1', () => {
    assert.throws(
      () => retryDelayMs(0, { delayMinutes: 5, exponentialBackoff: false, maxDelayMinutes: 5 }),
      RangeError,
    );
  });
});
