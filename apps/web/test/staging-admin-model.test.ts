import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ageOf, dropText } from '../app/(main)/admin/staging-model.ts';

const now = new Date('2026-12-10T12:00:00Z');

test('the admin page says how old a staged run is in its largest whole unit', () => {
  assert.equal(ageOf(null, now), '—');
  assert.equal(ageOf('2026-12-10T11:35:00Z', now), '25 min');
  assert.equal(ageOf('2026-12-09T09:00:00Z', now), '27 h');
  assert.equal(ageOf('2026-12-01T12:00:00Z', now), '9 d');
});

test('the admin page says when the retention drops a schema, or why it never will by itself', () => {
  assert.equal(
    dropText({ kind: 'at', at: '2026-12-10T11:00:00Z', why: 'x' }, now),
    'at the scheduler’s next tick',
  );
  assert.match(
    dropText({ kind: 'at', at: '2026-12-12T12:00:00Z', why: 'x' }, now),
    /^2026-12-1[12] \d\d:00$/,
  );
  assert.equal(
    dropText({ kind: 'after_runs', runs: 1, why: 'x' }, now),
    'after 1 more completed run of the project',
  );
  assert.equal(
    dropText({ kind: 'never', why: 'its run is running' }, now),
    'not by itself: its run is running',
  );
});
