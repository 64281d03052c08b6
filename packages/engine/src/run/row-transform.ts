import { producedCharsLimit } from '../plan/check-transform-fits.ts';
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
  const sameLayout =
    layout.select.length === mapping.columns.length &&
    mapping.columns.every((_, i) => layout.valueIndex[i] === i);
  if (!sameLayout) {
    return (source) => {
      const out: Row = new Array(steps.length);
      for (let i = 0; i < steps.length; i++) out[i] = steps[i]!(source);
      return out;
    };
  }
  // Converters hand back the very value they were given when it already fits (the common case):
  // then the source row itself is the target row, and a new one is made only from the first value
  // that changes. The source row is never written to: the checksum and the rejects file read it.
  return (source) => {
    let out: Row | undefined;
    for (let i = 0; i < steps.length; i++) {
      const value = steps[i]!(source);
      if (out) out[i] = value;
      else if (value !== source[i]) {
        out = source.slice(0, i);
        out[i] = value;
      }
    }
    return out ?? source;
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
  const limit = producedCharsLimit(column.target);
  const tooLarge = (original: Value, operation: string, size: number) =>
    new ColumnRejection(
      name,
      original,
      `${operation} would make a value of ${size.toLocaleString('en-US')} characters, over the limit of ${limit.toLocaleString('en-US')} for a transformed value of ${name}; shorten the transformation`,
    );
  return (row) => {
    if (column.deferred) return null;
    let value: Value = index < 0 ? fallback : (row[index] ?? null);
    if (value === null) value = fallback;
    if (value !== null && ops.length > 0) {
      const input =
        typeof value === 'string'
          ? value
          : value instanceof Uint8Array
            ? Buffer.from(value).toString('utf8')
            : String(value);
      // A value may grow up to the limit (or keep the size it came with), never beyond. Each
      // operation checks, before building anything, that it stays within twice that in UTF-16
      // units (a character takes at most two), so memory stays bounded; characters are then
      // counted exactly once, only for a value longer than the limit.
      const units = 2 * Math.max(limit, input.length);
      let text = input;
      try {
        for (const op of ops) text = op(text, units);
      } catch (error) {
        if (!(error instanceof TooLarge)) throw error;
        throw tooLarge(value, error.operation, error.size);
      }
      if (text.length > limit && text.length > input.length) {
        const chars = Array.from(text).length;
        if (chars > Math.max(limit, Array.from(input).length))
          throw tooLarge(value, 'the transformations', chars);
      }
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

/** An operation would make a value over its cap; nothing that size was built. */
class TooLarge extends Error {
  constructor(
    readonly operation: string,
    readonly size: number,
  ) {
    super(`${operation} would make ${size} characters`);
  }
}

function within(operation: string, size: number, cap: number): void {
  if (size > cap) throw new TooLarge(operation, size);
}

/** One string operation as the row transform applies it; `cap` bounds the UTF-16 units it may build. */
export function stringOperation(op: StringOperation): (s: string, cap: number) => string {
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
  if ('replace' in op) {
    const { from, to } = op.replace;
    return (s, cap) => {
      const parts = s.split(from);
      within('replace', s.length + (parts.length - 1) * (to.length - from.length), cap);
      return parts.join(to);
    };
  }
  // Padding counts characters (code points) as substring does.
  if ('padLeft' in op) return (s, cap) => padTo(s, op.padLeft.length, op.padLeft.with, true, cap);
  if ('padRight' in op) return (s, cap) => padTo(s, op.padRight.length, op.padRight.with, false, cap);
  if ('prefix' in op)
    return (s, cap) => {
      within('prefix', op.prefix.length + s.length, cap);
      return op.prefix + s;
    };
  return (s, cap) => {
    within('suffix', s.length + op.suffix.length, cap);
    return s + op.suffix;
  };
}

function padTo(s: string, length: number, fill: string, left: boolean, cap: number): string {
  const missing = length - Array.from(s).length;
  if (missing <= 0) return s;
  within(left ? 'padLeft' : 'padRight', s.length + missing * fill.length, cap);
  const pad = fill.repeat(missing);
  return left ? pad + s : s + pad;
}
