import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PipelineSettings } from '../src/spec/spec-schema.ts';

/** The message a person sees for `pipeline`, and where programs find it. */
function problem(pipeline: Record<string, unknown>) {
  const parsed = PipelineSettings.safeParse(pipeline);
  assert.equal(parsed.success, false);
  const issue = parsed.error!.issues[0]!;
  return { message: issue.message, path: issue.path.join('.'), code: issue.code };
}

describe('messages of the spec’s number fields', () => {
  it('name the field, its range and the value given, and keep the code and path for programs', () => {
    assert.deepEqual(problem({ batchSize: 50 }), {
      message: 'Batch size must be a whole number from 100 to 10,000 rows (not 50).',
      path: 'batchSize',
      code: 'too_small',
    });
    assert.deepEqual(problem({ parallelism: 17 }), {
      message: 'Parallelism must be a whole number from 1 to 16 tasks at once (not 17).',
      path: 'parallelism',
      code: 'too_big',
    });
    assert.equal(
      problem({ batchSize: 250.5 }).message,
      'Batch size must be a whole number from 100 to 10,000 rows (not 250.5).',
    );
    // An empty box reaches the schema as NaN: no "(not NaN)".
    assert.equal(
      problem({ batchSize: Number.NaN }).message,
      'Batch size must be a whole number from 100 to 10,000 rows.',
    );
    assert.equal(
      problem({ stallTimeoutSeconds: 5 }).message,
      'Stall timeout must be a whole number from 10 to 86,400 seconds (not 5).',
    );
  });

  it('never shows zod’s own wording', () => {
    for (const pipeline of [
      { batchSize: 1 },
      { batchSize: 'many' },
      { parallelism: 0 },
      { parallelism: null },
    ]) {
      assert.doesNotMatch(problem(pipeline).message, /Too small|Too big|expected|received|Invalid input/);
    }
  });
});
