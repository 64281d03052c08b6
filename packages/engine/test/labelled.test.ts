import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { fieldLabel, issueSentence, peopleError } from '../src/spec/labelled.ts';
import { PipelineSettings, TableMapping } from '../src/spec/spec-schema.ts';

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

describe('the one error map and its helpers', () => {
  it('word a path as the forms number it, never as the path', () => {
    assert.equal(fieldLabel(['mappings', 2, 'columns', 0, 'target']), 'Table mapping 3, column 1, target');
    assert.equal(fieldLabel(['schedule', 'alerts', 'emails', 1]), 'Alert e-mail 2');
    assert.equal(fieldLabel(['pipeline', 'hooks', 'post', 0, 'sql']), 'Hook after the load 1, SQL');
    assert.equal(fieldLabel(['schedule', 'retries', 'delayMinutes']), 'Retry delay');
    // A key with no label is still words.
    assert.equal(fieldLabel(['maxWidgetCount']), 'Max widget count');
  });

  it('word an issue from a parse that did not use the map, from its code', () => {
    const Form = z.object({ role: z.enum(['admin', 'viewer']), seats: z.number().int().min(1) }).strict();
    const plain = Form.safeParse({ role: 'owner', seats: 0, colour: 1 });
    assert.equal(plain.success, false);
    const sentences = plain.error!.issues.map(issueSentence);
    assert.deepEqual(sentences, [
      'Role must be one of admin or viewer.',
      'Seats must be at least 1.',
      'Unknown field “colour”: check the spelling, or remove it.',
    ]);
    // With the map the value given is named too.
    const mapped = Form.safeParse({ role: 'owner', seats: 1 }, { error: peopleError });
    assert.equal(
      issueSentence(mapped.error!.issues[0]!),
      'Role must be one of admin or viewer (not “owner”).',
    );
  });

  it('put the label before a schema’s own fragment', () => {
    const both = TableMapping.safeParse(
      { source: 'a', target: 'b', columns: [{ target: 'c', source: 'x', expression: 'y' }] },
      { error: peopleError },
    );
    assert.equal(
      issueSentence(both.error!.issues[0]!),
      'Column 1, SQL expression: give either source or expression, not both',
    );
    const parsed = TableMapping.safeParse(
      { source: 'a', target: 'b', columns: [{ target: 'c' }] },
      { error: peopleError },
    );
    assert.equal(
      issueSentence(parsed.error!.issues[0]!),
      'Column 1, target needs a source column, an expression or a default.',
    );
  });
});
