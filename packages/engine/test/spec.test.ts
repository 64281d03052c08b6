import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataBridgeError } from '../src/errors.ts';
import { parseSpec } from '../src/spec/load-spec.ts';

const valid = `name: chinook
source:
  url: sqlite:chinook.sqlite
target:
  url: postgres://app:\${TARGET_PASSWORD}@127.0.0.1/chinook
pipeline:
  batchSize: 1000
  parallelism: 2
mappings:
  - source: Artist
    target: artist
    columns:
      - { source: ArtistId, target: artist_id }
      - { source: Name, target: name, transform: [trim] }
`;

function specError(text: string, env: NodeJS.ProcessEnv = { TARGET_PASSWORD: 'pw' }): DataBridgeError {
  try {
    parseSpec(text, 'spec.yaml', env);
  } catch (error) {
    assert.ok(error instanceof DataBridgeError, `expected a DataBridgeError, got ${error}`);
    assert.equal(error.code, 'bad_spec');
    return error;
  }
  assert.fail('the spec was accepted');
}

describe('migration spec', () => {
  test('parses a valid spec, fills defaults and reads ${VARIABLES} from the environment', () => {
    const { spec } = parseSpec(valid, 'spec.yaml', { TARGET_PASSWORD: 's3cret' });
    assert.equal(spec.target.url, 'postgres://app:s3cret@127.0.0.1/chinook');
    assert.equal(spec.pipeline.batchSize, 1000);
    assert.equal(spec.pipeline.errorPolicy, 'fail_fast');
    assert.deepEqual(spec.pipeline.validation, {
      rowCount: true,
      checksum: true,
      rows: true,
      types: true,
      schema: true,
    });
    assert.equal(spec.mappings[0]!.mode, 'append');
    assert.deepEqual(spec.mappings[0]!.columns[1]!.transform, ['trim']);
  });

  test('${NAME:-default} falls back when the variable is unset', () => {
    const text = valid.replace('${TARGET_PASSWORD}', '${TARGET_PASSWORD:-fallback}');
    assert.equal(
      parseSpec(text, 'spec.yaml', {}).spec.target.url,
      'postgres://app:fallback@127.0.0.1/chinook',
    );
    assert.equal(
      parseSpec(text, 'spec.yaml', { TARGET_PASSWORD: 'set' }).spec.target.url,
      'postgres://app:set@127.0.0.1/chinook',
    );
  });

  test('JSON is accepted as well', () => {
    const json = JSON.stringify({
      source: { url: 'sqlite:a.db' },
      target: { url: 'sqlite:b.db' },
      mappings: [{ source: 'a', target: 'b', columns: [{ source: 'x', target: 'y' }] }],
    });
    assert.equal(parseSpec(json).spec.mappings[0]!.target, 'b');
  });

  test('batch size and parallelism out of range name the field and the line', () => {
    assert.match(
      specError(valid.replace('batchSize: 1000', 'batchSize: 50')).message,
      /^spec\.yaml:7 pipeline\.batchSize: .*100/,
    );
    assert.match(
      specError(valid.replace('batchSize: 1000', 'batchSize: 10001')).message,
      /spec\.yaml:7 pipeline\.batchSize: .*10,000/,
    );
    assert.match(
      specError(valid.replace('parallelism: 2', 'parallelism: 17')).message,
      /spec\.yaml:8 pipeline\.parallelism: .*16/,
    );
    assert.match(
      specError(valid.replace('parallelism: 2', 'parallelism: 0')).message,
      /pipeline\.parallelism/,
    );
  });

  test('a value of the wrong type says what was expected and what came', () => {
    assert.match(
      specError(valid.replace('batchSize: 1000', 'batchSize: "1000"')).message,
      /pipeline\.batchSize: Batch size must be a whole number from 100 to 10,000 rows \(not “1000”\)\./,
    );
  });

  test('a missing environment variable is named, and its value is never needed in the message', () => {
    assert.match(
      specError(valid, {}).message,
      /spec\.yaml:5 target\.url: environment variable TARGET_PASSWORD is not set/,
    );
  });

  test('unknown fields, missing fields and unknown operations are named with their line', () => {
    assert.match(
      specError(valid.replace('target: artist', 'tagret: artist')).message,
      /spec\.yaml:10 mappings\[0\]/,
    );
    assert.match(
      specError(valid.replace('{ source: Name,', '{ sorce: Name,')).message,
      /spec\.yaml:14 mappings\[0\]\.columns\[1\]: Table mapping 1, column 2 has unknown field “sorce”: check the spelling/,
    );
    assert.match(
      specError(valid.replace('transform: [trim]', 'transform: [trimm]')).message,
      /spec\.yaml:14 .*unknown string operation/,
    );
    assert.match(
      specError(valid.replace(/mappings:[\s\S]*/, 'mappings: []\n')).message,
      /mappings: Map at least one table\./,
    );
  });

  test('a column needs a source, an expression or a default, and not both a source and an expression', () => {
    assert.match(
      specError(valid.replace('{ source: ArtistId, target: artist_id }', '{ target: artist_id }')).message,
      /needs a source column/,
    );
    assert.match(
      specError(
        valid.replace(
          '{ source: ArtistId, target: artist_id }',
          '{ source: ArtistId, expression: "1", target: artist_id }',
        ),
      ).message,
      /either source or expression/,
    );
  });

  test('broken YAML is reported with its line, not a stack trace', () => {
    const error = specError('name: x\nsource: [\n');
    assert.match(error.message, /^spec\.yaml:\d+ is not valid YAML or JSON/);
  });
});
