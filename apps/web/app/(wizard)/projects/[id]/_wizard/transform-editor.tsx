'use client';

import type { ColumnInfo } from '@databridge/engine';
import { useEffect, useId, useState } from 'react';
import type { ColumnMappingValue } from '../../../../../lib/client-safe.ts';
import { buttonClass } from '../../../../_components/ui.tsx';
import { checkTransformDraft, type TransformDraft, transformDraftOf } from './transform-draft.ts';
import { OperationList } from './transform-operations.tsx';
import { ValueFields, ValueSourceChoice } from './transform-sections.tsx';
import { useWizard } from './wizard-context.tsx';

/**
 * The transformation of one target column: where its value comes from (a source column, a SQL
 * expression or a constant), string operations, a default for NULLs and what to do with a value the
 * target type cannot take. Checked as you type; each valid state is applied to the spec at once.
 */
export function TransformEditor(props: {
  /** Which table mapping the column belongs to (for the draft's key). */
  mappingKey: string;
  column: ColumnMappingValue;
  sourceColumns: readonly ColumnInfo[];
  targetColumn: ColumnInfo | undefined;
  onChange: (column: ColumnMappingValue) => void;
  onExclude: () => void;
  onClose: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<TransformDraft>(() => transformDraftOf(props.column));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { reportDraft } = useWizard();
  const draftKey = `column:${props.mappingKey}:${props.column.target}`;
  useEffect(() => () => reportDraft(draftKey, null), [reportDraft, draftKey]);

  const update = (next: TransformDraft) => {
    setDraft(next);
    const result = checkTransformDraft(props.column.target, next);
    setErrors(result.errors);
    if (result.value) {
      props.onChange(result.value);
      reportDraft(draftKey, null);
    } else {
      const message = Object.values(result.errors)[0] ?? 'This value is not valid.';
      reportDraft(draftKey, {
        step: 'columns',
        severity: 'error',
        message: `${props.column.target}: ${message}`,
      });
    }
  };
  const form = {
    draft,
    errors,
    update,
    set: <K extends keyof TransformDraft>(key: K, value: TransformDraft[K]) =>
      update({ ...draft, [key]: value }),
    f: (name: string) => `${id}-${name}`,
  };
  const targetType = props.targetColumn
    ? `${props.targetColumn.nativeType}${props.targetColumn.nullable ? '' : ', NOT NULL'}`
    : 'a new column';

  return (
    <div className="space-y-4 rounded-md border border-brand bg-brand-soft/40 p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-semibold">
          Transformation of <span className="font-mono">{props.column.target}</span>{' '}
          <span className="text-sm font-normal text-slate-600">({targetType})</span>
        </h3>
        <div className="flex gap-2">
          <button type="button" className={buttonClass('danger', 'sm')} onClick={props.onExclude}>
            Exclude this column
          </button>
          <button type="button" className={buttonClass('secondary', 'sm')} onClick={props.onClose}>
            Done
          </button>
        </div>
      </div>
      <ValueSourceChoice {...form} />
      <ValueFields {...form} sourceColumns={props.sourceColumns} targetType={targetType} />
      <OperationList {...form} />
      {errors.form || (errors.target && draft.valueFrom !== 'default') ? (
        <p role="alert" className="text-sm font-medium text-red-700">
          {errors.form ?? errors.target}
        </p>
      ) : null}
    </div>
  );
}
