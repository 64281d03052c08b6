import assert from 'node:assert/strict';
import { it } from 'node:test';
import { readJobData } from '../src/executor/job-catalogue.ts';

const retries = { maxRetries: 2, delayMinutes: 1, exponentialBackoff: false, maxDelayMinutes: 5 };

it('reads the jobs the executor writes back with their schema', () => {
  assert.deepEqual(readJobData('advance', { executionId: 'e1', attempt: 2 }), {
    executionId: 'e1',
    attempt: 2,
  });
  const task = { executionId: 'e1', taskId: 'm1.p2', parallelism: 4, retries };
  assert.deepEqual(readJobData('task', task), task);
});

it('refuses a job whose data does not fit, naming the job and the field', () => {
  assert.throws(
    () => readJobData('task', { executionId: 'e1', taskId: 'm1', parallelism: 0, retries }),
    /BullMQ job "task" has malformed data \(parallelism: .*\); it was not run/,
  );
  assert.throws(
    () => readJobData('advance', { executionId: 'e1', password: 'secret' }),
    /BullMQ job "advance" has malformed data/,
  );
});
