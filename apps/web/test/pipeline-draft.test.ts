import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkPipelineDraft,
  expectValue,
  keepStagingError,
  newHook,
  newRule,
  pipelineDraftOf,
} from '../app/(wizard)/projects/[id]/_wizard/pipeline-draft.ts';
import { PipelineSettings } from '../lib/client-safe.ts';

// The schema's defaults fill in what a saved spec carries besides these.
const pipeline = PipelineSettings.parse({
  batchSize: 1000,
  parallelism: 4,
  errorPolicy: 'fail_fast',
  logLevel: 'info',
  createTables: false,
  foreignKeyCheck: 'after_load',
  validation: { rowCount: true, checksum: false, rows: true, types: true, schema: false },
  hooks: { pre: [{ name: 'warm', sql: 'SELECT 1', on: 'target' }], post: [] },
  rules: [
    { name: 'no negatives', sql: 'SELECT count(*) FROM invoice WHERE total < 0', expect: 0, on: 'target' },
  ],
});

describe('the pipeline step’s draft', () => {
  test('the saved settings come back unchanged when nothing is edited', () => {
    const verdict = checkPipelineDraft(pipelineDraftOf(pipeline));
    assert.ok(verdict.ok);
    assert.equal(verdict.value.batchSize, 1000);
    assert.deepEqual(verdict.value.hooks.pre, [{ name: 'warm', sql: 'SELECT 1', on: 'target' }]);
    assert.deepEqual(verdict.value.rules[0]?.expect, 0);
  });

  test('staging: unset stays unset, database is saved, and keepStaging is kept to the report, for hours or for runs', () => {
    const draft = pipelineDraftOf(pipeline);
    assert.equal(draft.staging, 'direct');
    assert.deepEqual(draft.keepStaging, { kind: 'report', amount: '24' });
    const untouched = checkPipelineDraft(draft);
    assert.ok(untouched.ok);
    assert.equal(untouched.value.staging, undefined, 'a spec that never chose stays silent');
    assert.equal(untouched.value.keepStaging, undefined);

    const staged = checkPipelineDraft({
      ...draft,
      staging: 'database',
      keepStaging: { kind: 'hours', amount: '48' },
    });
    assert.ok(staged.ok);
    assert.equal(staged.value.staging, 'database');
    assert.deepEqual(staged.value.keepStaging, { hours: 48 });
    // Saved and opened again, the step shows what was saved.
    const again = pipelineDraftOf(staged.value);
    assert.equal(again.staging, 'database');
    assert.deepEqual(again.keepStaging, { kind: 'hours', amount: '48' });

    const runs = checkPipelineDraft({ ...again, keepStaging: { kind: 'runs', amount: '3' } });
    assert.ok(runs.ok);
    assert.deepEqual(runs.value.keepStaging, { runs: 3 });
    assert.deepEqual(pipelineDraftOf(runs.value).keepStaging, { kind: 'runs', amount: '3' });

    // An explicit direct is kept as written.
    const direct = checkPipelineDraft(
      pipelineDraftOf(PipelineSettings.parse({ ...pipeline, staging: 'direct' })),
    );
    assert.ok(direct.ok);
    assert.equal(direct.value.staging, 'direct');
  });

  test('keepStaging out of range is refused on its field, with the range', () => {
    const draft = { ...pipelineDraftOf(pipeline), staging: 'database' as const };
    for (const [kind, amount, range] of [
      ['hours', '0', /from 1 to 8,760 hours/],
      ['runs', '500', /from 1 to 100 runs/],
      ['runs', '', /Keep staging: give a number of hours \(\{ hours: 1 to 8760 \}\) or of runs/],
    ] as const) {
      const verdict = checkPipelineDraft({ ...draft, keepStaging: { kind, amount } });
      assert.equal(verdict.ok, false, `${kind} ${amount}`);
      if (!verdict.ok)
        assert.match(keepStagingError(verdict.errors) ?? '', range, JSON.stringify(verdict.errors));
    }
  });

  test('settings the step does not show (staging, stall timeout) survive an edit of the ones it does', () => {
    const saved = PipelineSettings.parse({ ...pipeline, staging: 'database', stallTimeoutSeconds: 900 });
    const verdict = checkPipelineDraft({ ...pipelineDraftOf(saved), batchSize: '500' });
    assert.ok(verdict.ok);
    assert.equal(verdict.value.batchSize, 500);
    assert.equal(verdict.value.staging, 'database');
    assert.equal(verdict.value.stallTimeoutSeconds, 900);
  });

  test('the extract archive is off unless chosen, and chosen it is saved', () => {
    const draft = pipelineDraftOf(pipeline);
    assert.equal(draft.extractArchive, 'none');
    const off = checkPipelineDraft(draft);
    assert.ok(off.ok);
    assert.equal(off.value.extractArchive, undefined);
    const on = checkPipelineDraft({ ...draft, extractArchive: 'csv_gz' });
    assert.ok(on.ok);
    assert.equal(on.value.extractArchive, 'csv_gz');
  });

  test('a blank batch size is reported on its field, not read as zero', () => {
    const verdict = checkPipelineDraft({ ...pipelineDraftOf(pipeline), batchSize: '' });
    assert.equal(verdict.ok, false);
    if (verdict.ok) return;
    assert.ok(verdict.errors.batchSize, 'the batch size field has its own sentence');
    assert.equal(verdict.message, verdict.errors.batchSize);
  });

  test('a batch size out of range names the field and keeps the other fields quiet', () => {
    const verdict = checkPipelineDraft({ ...pipelineDraftOf(pipeline), batchSize: '5' });
    assert.equal(verdict.ok, false);
    if (verdict.ok) return;
    assert.deepEqual(Object.keys(verdict.errors), ['batchSize']);
    assert.doesNotMatch(verdict.errors.batchSize!, /batchSize/, 'the sentence uses words, not the path');
  });

  test('an added hook left without SQL is reported under its own row', () => {
    const draft = pipelineDraftOf(pipeline);
    const verdict = checkPipelineDraft({ ...draft, post: [newHook()] });
    assert.equal(verdict.ok, false);
    if (verdict.ok) return;
    assert.ok(verdict.errors['hooks.post.0.sql'], JSON.stringify(verdict.errors));
  });

  test('a hook without a name is saved without one, not with an empty name', () => {
    const draft = pipelineDraftOf(pipeline);
    const verdict = checkPipelineDraft({ ...draft, pre: [{ ...newHook(), sql: 'ANALYZE' }] });
    assert.ok(verdict.ok);
    assert.deepEqual(verdict.value.hooks.pre, [{ sql: 'ANALYZE', on: 'target' }]);
  });

  test('a new rule expects 0 on the target, and typed expected values keep their kind', () => {
    const rule = newRule();
    assert.equal(rule.expect, '0');
    assert.equal(rule.on, 'target');
    assert.equal(expectValue('0'), 0);
    assert.equal(expectValue('null'), null);
    assert.equal(expectValue('true'), true);
    assert.equal(expectValue('ok'), 'ok');
    assert.equal(expectValue(''), '');
  });

  test('rows added one after another get keys of their own', () => {
    assert.notEqual(newHook().uid, newHook().uid);
  });
});
