import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DataBridgeError } from '@databridge/engine';
import { isTransientError } from '../src/run/transient-errors.ts';

it('lost connections, deadlocks and timeouts are transient; bad specs, credentials and constraints are not', () => {
  const wrapped = (cause: unknown) => new DataBridgeError('internal', 'Writing the checkpoint', { cause });
  assert.equal(isTransientError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), true);
  assert.equal(
    isTransientError(wrapped(new Error('Client has encountered a connection error and is not queryable'))),
    true,
  );
  assert.equal(
    isTransientError(wrapped(Object.assign(new Error('deadlock detected'), { code: '40P01' }))),
    true,
  );
  assert.equal(
    isTransientError(Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK' })),
    true,
  );
  assert.equal(isTransientError(new DataBridgeError('connection_failed', 'no answer')), true);
  assert.equal(isTransientError(new DataBridgeError('bad_spec', 'unknown table')), false);
  assert.equal(isTransientError(new DataBridgeError('auth_failed', 'password authentication failed')), false);
  assert.equal(
    isTransientError(wrapped(Object.assign(new Error('violates check constraint'), { code: '23514' }))),
    false,
  );
  assert.equal(isTransientError(new Error('syntax error at or near "FORM"')), false);
});
