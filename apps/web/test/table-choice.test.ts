import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TableInfo } from '@databridge/engine';
import type { TableSuggestionView } from '@databridge/queue';
import {
  acceptConfident,
  addMapping,
  handPickedMapping,
  keyedRows,
  newMapping,
  suggestedMapping,
  tick,
  withSync,
} from '../app/(wizard)/projects/[id]/_wizard/table-choice.ts';

function suggestion(source: string, target: string, confident: boolean): TableSuggestionView {
  return {
    source,
    target,
    sourceQualified: `public.${source}`,
    targetQualified: `public.${target}`,
    score: confident ? 0.95 : 0.5,
    confident,
    columns: [
      { source: 'Id', target: 'id', score: 0.99 },
      { source: 'Nm', target: 'name', score: 0.4 },
    ],
    unmatchedSourceColumns: [],
    unmatchedTargetColumns: [],
  } as unknown as TableSuggestionView;
}

function table(schema: string, name: string, columns: string[]): TableInfo {
  return { schema, name, columns: columns.map((c) => ({ name: c })) } as unknown as TableInfo;
}

describe('choosing tables in step 1', () => {
  test('a new mapping appends and transforms nothing', () => {
    assert.deepEqual(newMapping('Album', 'album', [{ source: 'Title', target: 'title' }]), {
      source: 'Album',
      target: 'album',
      mode: 'append',
      columns: [{ source: 'Title', target: 'title', transform: [], onInvalid: 'reject' }],
      exclude: [],
    });
  });

  test('mapping a pair twice says so and changes nothing, whatever the case of the names', () => {
    const first = addMapping([], newMapping('Album', 'album', []));
    assert.equal(first.notice, 'Mapped Album → album (0 columns).');
    const again = addMapping(first.mappings, newMapping('ALBUM', 'Album', []));
    assert.equal(again.notice, 'ALBUM → Album is already mapped.');
    assert.equal(again.mappings, first.mappings);
  });

  test('an accepted suggestion keeps only its confident columns', () => {
    assert.deepEqual(
      suggestedMapping(suggestion('Artist', 'artist', true), 0.9).columns.map((c) => c.target),
      ['id'],
    );
  });

  test('a suggestion with no confident column keeps all its columns for the user to check', () => {
    assert.deepEqual(
      suggestedMapping(suggestion('Artist', 'artist', true), 0.999).columns.map((c) => c.target),
      ['id', 'name'],
    );
  });

  test('accept all takes the confident suggestions not mapped yet, and says when there is none', () => {
    const list = {
      confidentScore: 0.9,
      tables: [
        suggestion('Artist', 'artist', true),
        suggestion('Genre', 'genre', false),
        suggestion('Album', 'album', true),
      ],
    };
    const mapped = [newMapping('Album', 'album', [])];
    const once = acceptConfident(mapped, list);
    assert.deepEqual(
      once.mappings.map((m) => m.source),
      ['Album', 'Artist'],
    );
    assert.equal(once.notice, 'Accepted 1 suggestion(s).');
    assert.equal(
      acceptConfident(once.mappings, list).notice,
      'Every confident suggestion is already mapped.',
    );
  });

  test('picked by hand: same-named columns pair with an existing table, all columns go to a new one', () => {
    const source = table('public', 'Customer', ['CustomerId', 'Email', 'Fax']);
    const onto = handPickedMapping(
      'Customer',
      source,
      table('sales', 'customer', ['customerid', 'email']),
      'public',
    );
    assert.equal(onto.target, 'sales.customer', 'a table outside the default schema keeps its schema');
    assert.deepEqual(
      onto.columns.map((c) => `${c.source}→${c.target}`),
      ['CustomerId→customerid', 'Email→email'],
    );
    const fresh = handPickedMapping('Customer', source, 'customers', 'public');
    assert.deepEqual(
      fresh.columns.map((c) => c.target),
      ['CustomerId', 'Email', 'Fax'],
    );
  });

  test('rows keep their keys when the same pair is mapped twice', () => {
    const rows = keyedRows([newMapping('A', 'a', []), newMapping('A', 'a', []), newMapping('B', 'b', [])]);
    assert.deepEqual(
      rows.map((r) => r.key),
      ['A→a', 'A→a#1', 'B→b'],
    );
  });

  test('full sync removes the sync setting; ticking rows adds and removes them', () => {
    const incremental = {
      ...newMapping('A', 'a', []),
      sync: { mode: 'incremental', cursor: 'updated_at' },
    } as never;
    assert.equal('sync' in withSync(incremental, undefined), false);
    const ticked = tick(new Set([1]), 2, true);
    assert.deepEqual([...ticked], [1, 2]);
    assert.deepEqual([...tick(ticked, 1, false)], [2]);
  });
});
