import type { PlannedColumn, PlannedMapping } from '../plan/plan-types.ts';
import type { StringOperation } from '../spec/spec-schema.ts';
import type { Row, Value } from '../values.ts';
import type { ReadLayout } from './read-layout.ts';

export type RowTransform = (source: Row) => Row;

/** The transform of a plain copy: rows go to the loader as the reader made them, with no copy. */
export const identity: RowTransform = (row) => row;

/**
 * Compiles a mapping into one function from a source row to a target row. Plain copies are a
 * straight gather of values; only columns with defaults or string operations do more work.
 */
export function compileRowTransform(mapping: PlannedMapping, layout: ReadLayout): RowTransform {
  // The common case: every target column is the source column at the same position, nothing added.
  const straight =
    layout.select.length === mapping.columns.length &&
    mapping.columns.every(
      (c, i) =>
        layout.valueIndex[i] === i && c.transform.length === 0 && c.defaultValue === undefined && !c.deferred,
    );
  if (straight) return identity;
  const steps = mapping.columns.map((column, i) => columnStep(column, layout.valueIndex[i]!));
  return (source) => {
    const out: Row = new Array(steps.length);
    for (let i = 0; i < steps.length; i++) out[i] = steps[i]!(source);
    return out;
  };
}

function columnStep(column: PlannedColumn, index: number): (row: Row) => Value {
  const fallback = column.defaultValue ?? null;
  if (index < 0) return () => (column.deferred ? null : fallback);
  const ops = column.transform.map(stringOperation);
  const hasDefault = column.defaultValue !== undefined;
  if (ops.length === 0 && !hasDefault) return (row) => row[index] ?? null;
  return (row) => {
    let value = row[index] ?? null;
    if (value === null) return fallback;
    if (ops.length > 0) {
      let text =
        typeof value === 'string'
          ? value
          : value instanceof Uint8Array
            ? Buffer.from(value).toString('utf8')
            : String(value);
      for (const op of ops) text = op(text);
      value = text;
    }
    return value;
  };
}

function stringOperation(op: StringOperation): (s: string) => string {
  if (op === 'trim') return (s) => s.trim();
  if (op === 'upper') return (s) => s.toUpperCase();
  if (op === 'lower') return (s) => s.toLowerCase();
  if ('substring' in op) {
    const { start, length } = op.substring;
    // 1-based like SQL SUBSTRING, counted in characters (code points), not UTF-16 units.
    return (s) => {
      const chars = Array.from(s);
      return chars.slice(start - 1, length === undefined ? undefined : start - 1 + length).join('');
    };
  }
  if ('replace' in op) return (s) => s.split(op.replace.from).join(op.replace.to);
  if ('padLeft' in op) return (s) => s.padStart(op.padLeft.length, op.padLeft.with);
  if ('padRight' in op) return (s) => s.padEnd(op.padRight.length, op.padRight.with);
  if ('prefix' in op) return (s) => op.prefix + s;
  return (s) => s + op.suffix;
}
