import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { auditTarget, auditUrl, keyState, toggleDisabled } from '../app/(main)/admin/admin-model.ts';

describe('the admin console’s model', () => {
  test('the audit filter goes into the URL escaped, and no filter asks for everything', () => {
    assert.equal(auditUrl(''), '/api/audit');
    assert.equal(auditUrl('execution.start'), '/api/audit?action=execution.start');
    assert.equal(auditUrl('a&b=c'), '/api/audit?action=a%26b%3Dc');
  });

  test('a key reads as revoked, expiring or without expiry', () => {
    assert.equal(keyState({ revokedAt: '2026-01-02', expiresAt: '2026-02-01' }), 'revoked');
    assert.equal(keyState({ revokedAt: null, expiresAt: '2026-02-01' }), 'expires 2026-02-01');
    assert.equal(keyState({ revokedAt: null, expiresAt: null }), 'no expiry');
  });

  test('an audit entry names its target as kind:id, or nothing', () => {
    assert.equal(auditTarget({ target: { kind: 'project', id: 'p1' } }), 'project:p1');
    assert.equal(auditTarget({ target: null }), '');
  });

  test('the state button enables a disabled user and disables an enabled one', () => {
    assert.deepEqual(toggleDisabled({ disabledAt: '2026-01-01' }), { disabled: false });
    assert.deepEqual(toggleDisabled({ disabledAt: null }), { disabled: true });
  });
});
