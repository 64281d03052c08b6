import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkTransformDraft,
  moveUp,
  newOperation,
  parameterCount,
  transformDraftOf,
} from '../app/(wizard)/projects/[id]/_wizard/transform-draft.ts';
import { ColumnMapping } from '../lib/client-safe.ts';

const email = ColumnMapping.parse({
  target: 'email',
  source: 'Email',
  transform: ['trim', { padLeft: { length: 12, with: '0' } }],
  default: 0,
});

describe('the column transformation editor’s draft', () => {
  test('a saved column comes back unchanged when nothing is edited', () => {
    const draft = transformDraftOf(email);
    assert.equal(draft.valueFrom, 'source');
    assert.equal(draft.defaultKind, 'number');
    assert.deepEqual(checkTransformDraft('email', draft), { value: email, errors: {} });
  });

  test('choosing a source column without picking one says so', () => {
    const draft = { ...transformDraftOf(email), source: '' };
    assert.equal(checkTransformDraft('email', draft).errors.source, 'choose a source column');
  });

  test('a number default that is not a number is reported on the default', () => {
    const draft = { ...transformDraftOf(email), defaultValue: 'twelve' };
    const result = checkTransformDraft('email', draft);
    assert.equal(result.errors.default, 'must be a number');
    assert.equal(result.value, undefined, 'the spec keeps its last valid column');
  });

  test('an unbalanced expression is reported, yet the column is applied for the step to flag', () => {
    const draft = {
      ...transformDraftOf(email),
      valueFrom: 'expression' as const,
      expression: 'UPPER(FirstName',
    };
    const result = checkTransformDraft('email', draft);
    assert.ok(result.errors.expression);
    assert.equal(result.value?.expression, 'UPPER(FirstName');
  });

  test('an operation with a blank length is reported under its own position', () => {
    const draft = {
      ...transformDraftOf(email),
      ops: [newOperation('trim'), { kind: 'padRight' as const, a: '', b: '' }],
    };
    const result = checkTransformDraft('email', draft);
    assert.ok(result.errors['transform.1'], JSON.stringify(result.errors));
    assert.equal(result.errors['transform.0'], undefined);
  });

  test('a new operation starts from a useful value, and padding blank pads with spaces', () => {
    assert.deepEqual(newOperation('substring'), { kind: 'substring', a: '1', b: '' });
    assert.deepEqual(newOperation('padLeft'), { kind: 'padLeft', a: '10', b: '0' });
    const draft = { ...transformDraftOf(email), ops: [newOperation('padRight')] };
    assert.deepEqual(checkTransformDraft('email', draft).value?.transform, [
      { padRight: { length: 10, with: ' ' } },
    ]);
  });

  test('operations keep their order, and move up one place at a time', () => {
    const ops = [newOperation('trim'), newOperation('upper'), newOperation('prefix')];
    assert.deepEqual(
      moveUp(ops, 2).map((o) => o.kind),
      ['trim', 'prefix', 'upper'],
    );
    assert.deepEqual(
      moveUp(ops, 0).map((o) => o.kind),
      ['trim', 'upper', 'prefix'],
    );
    assert.deepEqual(
      ['trim', 'prefix', 'replace'].map((k) => parameterCount(k as never)),
      [0, 1, 2],
    );
  });
});
