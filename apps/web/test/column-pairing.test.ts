import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ColumnInfo } from '@databridge/engine';
import {
  clickColumn,
  describeColumn,
  describeTransform,
  mappingIndexOf,
  pairColumns,
  sourceMark,
  type TableMappingValue,
  targetMark,
  unmapColumn,
} from '../app/(wizard)/projects/[id]/_wizard/column-pairing.ts';
import { TableMapping } from '../lib/client-safe.ts';

const customer = (): TableMappingValue =>
  TableMapping.parse({
    source: 'customer',
    target: 'clients',
    columns: [{ target: 'email', source: 'Email', transform: ['trim', 'lower'], default: 'n/a' }],
    exclude: ['Fax'],
  });

function column(name: string, nullable: boolean, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    name,
    nullable,
    defaultValue: null,
    autoIncrement: false,
    nativeType: 'text',
    ...extra,
  } as ColumnInfo;
}

describe('pairing columns in step 2', () => {
  test('a source click then a target click makes a pair, in either order', () => {
    const first = clickColumn(null, 'source', 'FirstName', false);
    assert.deepEqual(first, { picked: { side: 'source', name: 'FirstName' } });
    assert.deepEqual(clickColumn(first.picked, 'target', 'first_name', false), {
      picked: null,
      pair: { source: 'FirstName', target: 'first_name' },
    });
    const targetFirst = clickColumn(null, 'target', 'first_name', false);
    assert.deepEqual(clickColumn(targetFirst.picked, 'source', 'FirstName', false).pair, {
      source: 'FirstName',
      target: 'first_name',
    });
  });

  test('clicking the picked column again unselects it; another on the same side moves the pick', () => {
    const picked = { side: 'source', name: 'Phone' } as const;
    assert.equal(clickColumn(picked, 'source', 'Phone', false).picked, null);
    assert.deepEqual(clickColumn(picked, 'source', 'Fax', false).picked, { side: 'source', name: 'Fax' });
  });

  test('into a table the run creates, a source column maps to a column of its own name at once', () => {
    assert.deepEqual(clickColumn(null, 'source', 'Phone', true), {
      picked: null,
      pair: { source: 'Phone', target: 'Phone' },
    });
  });

  test('re-pairing a mapped target keeps its transformation and default', () => {
    const m = pairColumns(customer(), 'AltEmail', 'email');
    assert.deepEqual(m.columns, [
      {
        target: 'email',
        source: 'AltEmail',
        transform: ['trim', 'lower'],
        onInvalid: 'reject',
        default: 'n/a',
      },
    ]);
  });

  test('pairing an excluded source column includes it again', () => {
    const m = pairColumns(customer(), 'Fax', 'fax');
    assert.deepEqual(m.exclude, []);
    assert.equal(m.columns.length, 2);
  });

  test('unmapping drops the pair; unmapping with exclude also leaves the source column out', () => {
    assert.deepEqual(unmapColumn(customer(), 'email', false).exclude, ['Fax']);
    const excluded = unmapColumn(customer(), 'email', true);
    assert.deepEqual(excluded.columns, []);
    assert.deepEqual(excluded.exclude, ['Fax', 'Email']);
  });

  test('the lists mark mapped, excluded and required columns', () => {
    const m = customer();
    assert.equal(sourceMark(m, column('Email', true)), 'mapped');
    assert.equal(sourceMark(m, column('Fax', true)), 'excluded');
    assert.equal(sourceMark(m, column('Phone', true)), undefined);
    assert.equal(targetMark(m, column('EMAIL', false)), 'mapped', 'names compare as the database folds them');
    assert.equal(targetMark(m, column('name', false)), 'required');
    assert.equal(targetMark(m, column('id', false, { autoIncrement: true })), undefined);
    assert.equal(targetMark(m, column('note', false, { defaultValue: "''" })), undefined);
    assert.equal(targetMark(m, { name: 'created' }), undefined);
  });

  test('the pairs table describes where a column comes from and what is done to it', () => {
    const [email] = customer().columns;
    assert.equal(describeColumn(email!), 'Email, default "n/a"');
    assert.equal(describeTransform(email!), 'trim, lower');
    assert.equal(describeTransform({ ...email!, transform: [], onInvalid: 'null' }), 'invalid → null');
  });

  test('a link from the graph opens its mapping by id', () => {
    assert.equal(mappingIndexOf('?mapping=m3'), 2);
    assert.equal(mappingIndexOf('?mapping=x'), null);
    assert.equal(mappingIndexOf(''), null);
  });
});
