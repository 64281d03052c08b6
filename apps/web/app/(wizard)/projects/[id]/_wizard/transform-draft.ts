import type { StringOperation } from '@databridge/engine';
import { ColumnMapping, type ColumnMappingValue, peopleError } from '../../../../../lib/client-safe.ts';
import { numberOf } from './draft-check.ts';
import { issueSentence } from './field-names.ts';
import { sqlExpressionIssue } from './validation.ts';

/**
 * The column transformation editor's model, without React: the draft of one target column's value
 * source, default, string operations and invalid-value choice, and its check against the spec schema.
 */
export type ValueFrom = 'source' | 'expression' | 'default';
export type DefaultKind = 'none' | 'text' | 'number' | 'true' | 'false' | 'null';
export type OpKind =
  | 'trim'
  | 'upper'
  | 'lower'
  | 'substring'
  | 'replace'
  | 'padLeft'
  | 'padRight'
  | 'prefix'
  | 'suffix';

/** A string operation as the form holds it: every parameter as typed. */
export interface OpDraft {
  kind: OpKind;
  a: string;
  b: string;
}

export interface TransformDraft {
  valueFrom: ValueFrom;
  source: string;
  expression: string;
  defaultKind: DefaultKind;
  defaultValue: string;
  ops: OpDraft[];
  onInvalid: ColumnMappingValue['onInvalid'];
}

export const OP_LABELS: Record<OpKind, string> = {
  trim: 'Trim spaces',
  upper: 'Upper case',
  lower: 'Lower case',
  substring: 'Substring',
  replace: 'Replace text',
  padLeft: 'Pad left',
  padRight: 'Pad right',
  prefix: 'Add prefix',
  suffix: 'Add suffix',
};

/** A saved operation as the form holds it. */
function opDraft(op: StringOperation): OpDraft {
  if (typeof op === 'string') return { kind: op, a: '', b: '' };
  if ('substring' in op)
    return { kind: 'substring', a: String(op.substring.start), b: op.substring.length?.toString() ?? '' };
  if ('replace' in op) return { kind: 'replace', a: op.replace.from, b: op.replace.to };
  if ('padLeft' in op) return { kind: 'padLeft', a: String(op.padLeft.length), b: op.padLeft.with };
  if ('padRight' in op) return { kind: 'padRight', a: String(op.padRight.length), b: op.padRight.with };
  if ('prefix' in op) return { kind: 'prefix', a: op.prefix, b: '' };
  return { kind: 'suffix', a: op.suffix, b: '' };
}

/** A typed operation as the spec has it; numbers left blank stay NaN so the schema names them. */
function opValue(op: OpDraft): unknown {
  switch (op.kind) {
    case 'trim':
    case 'upper':
    case 'lower':
      return op.kind;
    case 'substring':
      return { substring: { start: numberOf(op.a), ...(op.b.trim() ? { length: numberOf(op.b) } : {}) } };
    case 'replace':
      return { replace: { from: op.a, to: op.b } };
    case 'padLeft':
      return { padLeft: { length: numberOf(op.a), with: op.b || ' ' } };
    case 'padRight':
      return { padRight: { length: numberOf(op.a), with: op.b || ' ' } };
    case 'prefix':
      return { prefix: op.a };
    case 'suffix':
      return { suffix: op.a };
  }
}

/** The form's state for a mapped column: where its value comes from, its default and operations. */
export function transformDraftOf(column: ColumnMappingValue): TransformDraft {
  const d = column.default;
  return {
    valueFrom:
      column.expression !== undefined ? 'expression' : column.source !== undefined ? 'source' : 'default',
    source: column.source ?? '',
    expression: column.expression ?? '',
    defaultKind:
      d === undefined
        ? 'none'
        : d === null
          ? 'null'
          : typeof d === 'boolean'
            ? d
              ? 'true'
              : 'false'
            : typeof d === 'number'
              ? 'number'
              : 'text',
    defaultValue: typeof d === 'string' || typeof d === 'number' ? String(d) : '',
    ops: column.transform.map(opDraft),
    onInvalid: column.onInvalid,
  };
}

/** What the draft would put in the spec, before the schema's check. */
function candidate(target: string, draft: TransformDraft): Record<string, unknown> {
  const value: Record<string, unknown> = {
    target,
    transform: draft.ops.map(opValue),
    onInvalid: draft.onInvalid,
  };
  if (draft.valueFrom === 'source') value.source = draft.source;
  if (draft.valueFrom === 'expression') value.expression = draft.expression;
  switch (draft.defaultKind) {
    case 'text':
      value.default = draft.defaultValue;
      break;
    case 'number':
      value.default = numberOf(draft.defaultValue);
      break;
    case 'true':
      value.default = true;
      break;
    case 'false':
      value.default = false;
      break;
    case 'null':
      value.default = null;
      break;
    case 'none':
      break;
  }
  return value;
}

/** Validates a draft the way the API will: the spec's ColumnMapping schema plus an expression check. */
export function checkTransformDraft(
  target: string,
  draft: TransformDraft,
): { value?: ColumnMappingValue; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (draft.valueFrom === 'expression') {
    const problem = sqlExpressionIssue(draft.expression);
    if (problem) errors.expression = problem;
  }
  if (draft.valueFrom === 'source' && !draft.source) errors.source = 'choose a source column';
  if (draft.defaultKind === 'number' && Number.isNaN(numberOf(draft.defaultValue)))
    errors.default = 'must be a number';
  const parsed = ColumnMapping.safeParse(candidate(target, draft), { error: peopleError });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, index] = issue.path;
      const key =
        first === 'transform' && typeof index === 'number' ? `transform.${index}` : String(first ?? 'form');
      errors[key] ??= issueSentence(issue);
    }
  }
  // A value the spec schema accepts is applied even with an expression problem: the step's checks show
  // that one, and it blocks a run. Anything else stays a draft.
  return parsed.success ? { value: parsed.data, errors } : { errors };
}

/** The labels of an operation's two parameters ('' where it has none). */
export const OP_PARAMETERS: Record<OpKind, readonly [string, string]> = {
  trim: ['', ''],
  upper: ['', ''],
  lower: ['', ''],
  substring: ['Start (1 = first character)', 'Length (blank = to the end)'],
  replace: ['Find', 'Replace with'],
  padLeft: ['Length', 'Pad character'],
  padRight: ['Length', 'Pad character'],
  prefix: ['Prefix', ''],
  suffix: ['Suffix', ''],
};

/** How many parameters an operation takes: trim none, prefix one, replace two. */
export function parameterCount(kind: OpKind): 0 | 1 | 2 {
  if (kind === 'substring' || kind === 'replace' || kind === 'padLeft' || kind === 'padRight') return 2;
  return kind === 'prefix' || kind === 'suffix' ? 1 : 0;
}

/** A new operation with a useful start: a substring from the first character, padding to 10 (zeros on the left). */
export function newOperation(kind: OpKind): OpDraft {
  return {
    kind,
    a: kind === 'substring' ? '1' : kind === 'padLeft' || kind === 'padRight' ? '10' : '',
    b: kind === 'padLeft' ? '0' : '',
  };
}

/** The operations with the one at `index` moved one place earlier. */
export function moveUp(ops: readonly OpDraft[], index: number): OpDraft[] {
  const moved = [...ops];
  if (index <= 0 || index >= ops.length) return moved;
  [moved[index - 1], moved[index]] = [moved[index]!, moved[index - 1]!];
  return moved;
}
