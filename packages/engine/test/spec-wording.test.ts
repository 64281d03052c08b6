import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpec } from '../src/spec/load-spec.ts';

const base = 'source: { url: "sqlite:a.db" }\ntarget: { url: "sqlite:b.db" }\n';

function problem(text: string): string {
  try {
    parseSpec(text, 'spec.yaml', {});
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('the spec was accepted');
}

test('a value of the wrong type is named in words: "a list", "a whole number", never "a array" or "a int"', () => {
  const list = problem(`${base}mappings: { source: a, target: b }\n`);
  assert.match(list, /mappings: must be a list, not a mapping \(key: value\)/);
  const whole = problem(`${base}pipeline: { batchSize: 1000.5 }\nmappings: [{ source: a, target: b }]\n`);
  assert.match(whole, /batchSize: .*whole number/);
  const text = problem(`${base}pipeline: { batchSize: "lots" }\nmappings: [{ source: a, target: b }]\n`);
  assert.match(text, /batchSize: Batch size must be a whole number from 100 to 10,000 rows \(not “lots”\)/);
  for (const message of [list, whole, text]) assert.doesNotMatch(message, /\ba (array|int|object)\b/);
});
