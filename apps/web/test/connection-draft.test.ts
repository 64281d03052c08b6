import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConnectionView } from '@databridge/queue';
import {
  checkConnectionDraft,
  connectionBodyOf,
  connectionDraftOf,
  lastTests,
  savedMessage,
  withConnection,
} from '../app/(main)/connections/connection-draft.ts';

function saved(over: Partial<ConnectionView> = {}): ConnectionView {
  return {
    id: 'c1',
    name: 'shop',
    kind: 'postgres',
    dialect: 'postgres',
    url: 'postgres://app:***@db:5432/shop',
    host: 'db',
    port: 5432,
    user: 'app',
    database: 'shop',
    file: null,
    sslmode: null,
    hasPassword: true,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    lastTest: null,
    ...over,
  };
}

describe('the connection form’s model', () => {
  test('a new connection starts empty, on PostgreSQL', () => {
    const draft = connectionDraftOf(null);
    assert.equal(draft.kind, 'postgres');
    assert.equal(draft.name, '');
  });

  test('editing keeps the stored password by leaving it out of the body', () => {
    const draft = connectionDraftOf(saved());
    assert.equal(draft.password, '', 'a stored password never comes back into the form');
    assert.deepEqual(connectionBodyOf(draft, true), {
      name: 'shop',
      kind: 'postgres',
      host: 'db',
      database: 'shop',
      port: '5432',
      user: 'app',
    });
    assert.equal(connectionBodyOf({ ...draft, clearPassword: true }, true).clearPassword, true);
  });

  test('a SQLite connection sends only its file', () => {
    const draft = {
      ...connectionDraftOf(null),
      name: 'local',
      kind: 'sqlite' as const,
      host: 'ignored',
      file: '/data/a.sqlite',
    };
    assert.deepEqual(connectionBodyOf(draft, false), {
      name: 'local',
      kind: 'sqlite',
      file: '/data/a.sqlite',
    });
  });

  test('a new connection without a name or host is refused field by field, before any request', () => {
    const result = checkConnectionDraft(connectionDraftOf(null), false);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.ok(result.errors.name, JSON.stringify(result.errors));
    assert.ok(result.errors.host, JSON.stringify(result.errors));
  });

  test('a port that is not a number is reported on the port', () => {
    const draft = { ...connectionDraftOf(saved()), port: 'fivefour' };
    const result = checkConnectionDraft(draft, true);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.ok(result.errors.port, JSON.stringify(result.errors));
  });

  test('a connection saved although its test failed is reported as an error, naming why', () => {
    assert.deepEqual(savedMessage('shop', true, null), { tone: 'success', text: 'Added connection “shop”.' });
    assert.deepEqual(savedMessage('shop', false, 'connection refused'), {
      tone: 'error',
      text: 'Saved connection “shop”, but it does not work yet: connection refused',
    });
  });

  test('a saved connection replaces its old row and the list stays in name order', () => {
    const list = [saved({ id: 'a', name: 'alpha' }), saved({ id: 'c1', name: 'shop' })];
    assert.deepEqual(
      withConnection(list, saved({ id: 'c1', name: 'archive' })).map((c) => c.name),
      ['alpha', 'archive'],
    );
  });

  test('the last tests kept by the server show after a reload', () => {
    const tested = saved({
      lastTest: { ok: true, latencyMs: 3, message: 'ok', testedAt: '2026-01-02T00:00:00Z' },
    });
    assert.deepEqual(Object.keys(lastTests([tested, saved({ id: 'c2' })])), ['c1']);
  });
});
