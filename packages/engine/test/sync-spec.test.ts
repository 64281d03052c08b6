import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataBridgeError } from '../src/errors.ts';
import { parseSpec } from '../src/spec/load-spec.ts';

const spec = (sync: string, extra = '') => `name: shop
source:
  url: sqlite:shop.sqlite
target:
  url: postgres://postgres@127.0.0.1/shop
mappings:
  - source: orders
    target: orders
${extra}    sync: ${sync}
    columns:
      - { source: id, target: id }
      - { source: updated_at, target: updated_at }
`;

function specError(text: string): string {
  try {
    parseSpec(text, 'spec.yaml', {});
  } catch (error) {
    assert.ok(error instanceof DataBridgeError, `expected a DataBridgeError, got ${error}`);
    assert.equal(error.code, 'bad_spec');
    return error.message;
  }
  assert.fail('the spec was accepted');
}

describe('sync settings of a table mapping', () => {
  test('a mapping without sync is a full load; incremental settings parse with their defaults', () => {
    const full = parseSpec(spec('{ mode: full }'), 'spec.yaml', {}).spec.mappings[0]!;
    assert.deepEqual(full.sync, { mode: 'full' });
    const upsert = parseSpec(
      spec(
        '{ mode: incremental_upsert, cursor: updated_at, lookbackSeconds: 600, deletes: { compareKeys: true } }',
      ),
      'spec.yaml',
      {},
    ).spec.mappings[0]!;
    assert.deepEqual(upsert.sync, {
      mode: 'incremental_upsert',
      cursor: 'updated_at',
      lookbackSeconds: 600,
      deletes: { compareKeys: true },
    });
  });

  test('an incremental mode without a cursor names the mapping and what to set', () => {
    const message = specError(spec('{ mode: incremental_append }'));
    assert.match(
      message,
      /spec\.yaml:9 mappings\[0\]\.sync\.cursor: Mapping orders → orders, sync: incremental_append needs a cursor/,
    );
    assert.match(message, /updated_at|growing id/);
  });

  test('the cursor must be a source column the mapping selects', () => {
    const message = specError(spec('{ mode: incremental_upsert, cursor: modified }'));
    assert.match(message, /cursor “modified” is not a source column of this mapping/);
    assert.match(message, /map it in columns/);
  });

  test('lookback re-reads rows, which only an upsert can take without duplicates', () => {
    const message = specError(spec('{ mode: incremental_append, cursor: updated_at, lookbackSeconds: 60 }'));
    assert.match(message, /lookback re-reads rows.*use incremental_upsert/);
  });

  test('an incremental mapping does not also replace its table', () => {
    const message = specError(
      spec('{ mode: incremental_upsert, cursor: updated_at }', '    mode: replace\n'),
    );
    assert.match(message, /replace empties the table.*remove “mode: replace”/);
  });

  test('a negative lookback and an unknown mode are refused in words', () => {
    assert.match(
      specError(spec('{ mode: incremental_upsert, cursor: updated_at, lookbackSeconds: -5 }')),
      /Lookback must be a whole number from 0 to 2,592,000 seconds \(not -5\)/,
    );
    assert.match(
      specError(spec('{ mode: cdc }')),
      /Sync mode must be one of full, incremental_append or incremental_upsert \(not “cdc”\)/,
    );
  });

  test('deletes take a soft-delete column the mapping selects, or a key comparison', () => {
    const soft = parseSpec(
      spec('{ mode: incremental_upsert, cursor: updated_at, deletes: { softDeleteColumn: updated_at } }'),
      'spec.yaml',
      {},
    ).spec.mappings[0]!;
    assert.deepEqual(soft.sync?.mode === 'full' ? undefined : soft.sync?.deletes, {
      softDeleteColumn: 'updated_at',
    });
    assert.match(
      specError(
        spec('{ mode: incremental_upsert, cursor: updated_at, deletes: { softDeleteColumn: gone } }'),
      ),
      /soft-delete column “gone” is not a source column of this mapping/,
    );
    assert.match(
      specError(spec('{ mode: incremental_append, cursor: updated_at, deletes: { compareKeys: true } }')),
      /deletes need incremental_upsert/,
    );
    assert.match(
      specError(spec('{ mode: incremental_append, cursor: updated_at, addColumns: true }')),
      /addColumns reloads the mapping when a column is added, which an append would load twice; use incremental_upsert/,
    );
  });
});
