import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ColumnInfo, NormalisedType, TableInfo } from '@databridge/engine';
import { cursorCandidates, suggestCursor } from '../app/(wizard)/projects/[id]/_wizard/cursor-suggestion.ts';

function column(name: string, type: NormalisedType, autoIncrement = false): ColumnInfo {
  return {
    name,
    type,
    nativeType: type,
    nullable: false,
    defaultValue: null,
    autoIncrement,
  } as unknown as ColumnInfo;
}

function table(columns: ColumnInfo[], primaryKey: string[] = ['id']): TableInfo {
  return { schema: 'public', name: 'orders', columns, primaryKey } as unknown as TableInfo;
}

describe('the wizard’s cursor suggestion', () => {
  test('an updated_at-like timestamp wins over a growing id', () => {
    const orders = table([
      column('id', 'int32', true),
      column('name', 'string'),
      column('Last_Modified', 'timestamp'),
    ]);
    assert.deepEqual(suggestCursor(orders, ['id', 'name', 'Last_Modified']), {
      column: 'Last_Modified',
      why: 'it looks like the time each row last changed',
    });
  });

  test('without one, a single auto-incremented integer key: new rows only', () => {
    const events = table([column('id', 'int64', true), column('created', 'timestamp')]);
    assert.equal(suggestCursor(events, ['id', 'created'])?.column, 'id');
    assert.match(suggestCursor(events, ['id', 'created'])!.why, /updates are not seen/);
  });

  test('nothing obvious, nothing suggested; only mapped columns of orderable types are offered', () => {
    const notes = table(
      [column('code', 'string'), column('n', 'int32'), column('seen', 'date'), column('body', 'text')],
      ['code'],
    );
    assert.equal(suggestCursor(notes, ['code', 'n', 'seen', 'body']), undefined);
    assert.deepEqual(
      cursorCandidates(notes, ['code', 'n', 'body']).map((c) => c.name),
      ['n'],
      'seen is not mapped; code and body do not order changes',
    );
    assert.equal(suggestCursor(undefined, ['id']), undefined);
  });
});
