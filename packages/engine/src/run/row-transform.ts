import type { PlannedColumn, PlannedMapping } from '../plan/plan-types.ts';
import type { StringOperation } from '../spec/spec-schema.ts';
import type { Row, Value } from '../values.ts';
import type { ReadLayout } from './read-layout.ts';
import { ColumnRejection } from './rejected-row.ts';

/** Maps a source row to a target row, or throws ColumnRejection for a value the target cannot take. */
export type RowTransform = (source: Row) => Row;

/** The transform of a plain copy: rows go to the loader as the reader made them, with no copy. */
export const identity: RowTransform = (row) => row;

/** Converts one value to the target column's type, or throws an error with a `reason`. */
export type ValueConverter = (value: Value) => Value;

export interface TransformOptions {
  /** The converter a column needs, or null when its values go through as they are. */
  readonly converterFor: (column: PlannedColumn) => ValueConverter | null;
  /** Reject NULL headed for a NOT NULL column before the database does (row-level validation). */
  readonly checkNotNull: boolean;
}

/**
 * Compiles a mapping into one function from a source row to a target row: read the value (or the
 * default), apply the string operations in order, convert to the target type, check NOT NULL. Plain
 * copies of same-typed columns that cannot fail are a straight pass of the source row.
 */
export function compileRowTransform(
  mapping: PlannedMapping,
  layout: ReadLayout,
  options: TransformOptions,
): RowTransform {
  const converters = mapping.columns.map((c) => (c.deferred ? null : options.converterFor(c)));
  const notNull = mapping.columns.map(
    (c) => options.checkNotNull && !c.target.nullable && !c.deferred && mayBeNull(c),
  );
  const straight =
    layout.select.length === mapping.columns.length &&
    mapping.columns.every(
      (c, i) =>
        layout.valueIndex[i] === i &&
        c.transform.length === 0 &&
        c.defaultValue === undefined &&
        !c.deferred &&
        converters[i] === null &&
        !notNull[i],
    );
  if (straight) return identity;
  const steps = mapping.columns.map((column, i) =>
    columnStep(column, layout.valueIndex[i]!, converters[i] ?? null, notNull[i]!),
  );
  return (source) => {
    const out: Row = new Array(steps.length);
    for (let i = 0; i < steps.length; i++) out[i] = steps[i]!(source);
    return out;
  };
}

function mayBeNull(c: PlannedColumn): boolean {
  if (c.onInvalid === 'null') return true; // the rule turns a value that does not fit into NULL
  if (c.defaultValue !== undefined && c.defaultValue !== null) return false;
  return c.source ? c.source.nullable : true;
}

function columnStep(
  column: PlannedColumn,
  index: number,
  convert: ValueConverter | null,
  notNull: boolean,
): (row: Row) => Value {
  const name = column.target.name;
  const fallback = column.defaultValue ?? null;
  const ops = column.transform.map(stringOperation);
  return (row) => {
    if (column.deferred) return null;
    let value: Value = index < 0 ? fallback : (row[index] ?? null);
    if (value === null) value = fallback;
    if (value !== null && ops.length > 0) {
      let text =
        typeof value === 'string'
          ? value
          : value instanceof Uint8Array
            ? Buffer.from(value).toString('utf8')
            : String(value);
      for (const op of ops) text = op(text);
      value = text;
    }
    if (value !== null && convert) {
      try {
        value = convert(value);
      } catch (error) {
        const reason = (error as { reason?: unknown }).reason;
        if (typeof reason !== 'string') throw error;
        throw new ColumnRejection(name, value, reason);
      }
    }
    if (value === null && notNull)
      throw new ColumnRejection(name, null, `NULL cannot go into NOT NULL column ${name}`);
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
  // Padding counts characters (code points) as substring does.
  if ('padLeft' in op) return (s) => padTo(s, op.padLeft.length, op.padLeft.with, true);
  if ('padRight' in op) return (s) => padTo(s, op.padRight.length, op.padRight.with, false);
  if ('prefix' in op) return (s) => op.prefix + s;
  return (s) => s + op.suffix;
}

function padTo(s: string, length: number, fill: string, left: boolean): string {
  const missing = length - Array.from(s).length;
  if (missing <= 0) return s;
  const pad = fill.repeat(missing);
  return left ? pad + s : s + pad;
}
