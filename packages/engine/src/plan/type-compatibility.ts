import type { ColumnInfo, NormalisedType } from '../schema/model.ts';

export type Compatibility = 'same' | 'widening' | 'narrowing' | 'incompatible';

export interface CompatibilityVerdict {
  readonly level: Compatibility;
  /** Why, in words a user acts on; empty for `same`. */
  readonly reason: string;
}

const INT_WIDTH: Partial<Record<NormalisedType, number>> = { int16: 16, int32: 32, int64: 64 };
const TEXTUAL: ReadonlySet<NormalisedType> = new Set(['string', 'text', 'uuid', 'json']);
const NUMERIC: ReadonlySet<NormalisedType> = new Set([
  'int16',
  'int32',
  'int64',
  'decimal',
  'float32',
  'float64',
]);

type Col = Pick<ColumnInfo, 'type' | 'length' | 'precision' | 'scale' | 'unsigned'>;

/**
 * How safely values of a source column fit a target column. `narrowing` means some values may not fit
 * and will be rejected row by row; `incompatible` means no value is expected to fit.
 */
export function compareTypes(source: Col, target: Col): CompatibilityVerdict {
  const s = source.type;
  const t = target.type;
  const ok = (level: Compatibility, reason = ''): CompatibilityVerdict => ({ level, reason });
  if (s === 'unknown' || t === 'unknown')
    return ok('narrowing', 'the type of one side is not known; values are passed as text');

  const sw = INT_WIDTH[s];
  const tw = INT_WIDTH[t];
  if (sw && tw) {
    // An unsigned source is already normalised one size up (MySQL's smallint unsigned is int32, see
    // mysql-column-types.ts): its values fit a signed column of its width. A signed source may hold
    // negatives an unsigned target refuses.
    if (sw <= tw && !(target.unsigned && !source.unsigned))
      return ok(s === t && !source.unsigned === !target.unsigned ? 'same' : 'widening');
    return ok('narrowing', `${describe(source)} values may overflow ${describe(target)}`);
  }
  if (sw && t === 'decimal') {
    const digits = sw === 16 ? 5 : sw === 32 ? 10 : 19;
    const room = (target.precision ?? 1000) - (target.scale ?? 0);
    return room >= digits
      ? ok('widening')
      : ok('narrowing', `${describe(source)} values may not fit ${describe(target)}`);
  }
  if (sw && (t === 'float64' || t === 'float32')) {
    return sw <= (t === 'float64' ? 32 : 16)
      ? ok('widening')
      : ok('narrowing', `large ${describe(source)} values lose precision as ${t}`);
  }
  if (s === 'decimal' && t === 'decimal') return compareDecimals(source, target);
  if ((s === 'decimal' || s === 'float32' || s === 'float64') && tw) {
    return ok('narrowing', `fractional ${s} values cannot be stored in ${describe(target)}`);
  }
  if (s === 'float32' && t === 'float64') return ok('widening');
  if (s === 'float64' && t === 'float32') return ok('narrowing', 'float64 values lose precision as float32');
  if (NUMERIC.has(s) && NUMERIC.has(t)) {
    return s === t ? ok('same') : ok('narrowing', `${s} values may lose precision as ${describe(target)}`);
  }
  if (TEXTUAL.has(s) && (t === 'string' || t === 'text')) return compareLengths(source, target);
  if (t === 'string' || t === 'text') return compareLengths(source, target); // anything prints as text
  if (s === 'bit' && t === 'bit') {
    if (target.length !== undefined && (source.length ?? Infinity) > target.length)
      return ok('narrowing', `values with more than ${target.length} significant bits will be rejected`);
    return ok(source.length === target.length ? 'same' : 'widening');
  }
  if ((s === 'binary' || s === 'boolean' || (sw && !source.unsigned)) && t === 'bit')
    return ok('narrowing', `${describe(source)} values are stored as their bits; more than fit are rejected`);
  if (s === t) {
    if (s === 'binary' && target.length && (source.length ?? Infinity) > target.length) {
      return ok('narrowing', `values longer than ${target.length} bytes will be rejected`);
    }
    return ok('same');
  }
  if (s === 'timestamptz' && t === 'timestamp')
    return ok('narrowing', 'the time zone is dropped (values are kept in UTC)');
  if (s === 'timestamp' && t === 'timestamptz')
    return ok('widening', 'values without a zone are read as UTC');
  if (s === 'date' && (t === 'timestamp' || t === 'timestamptz')) return ok('widening');
  if ((s === 'timestamp' || s === 'timestamptz') && t === 'date')
    return ok('narrowing', 'the time of day is dropped');
  if (s === 'boolean' && tw) return ok('widening', 'true and false become 1 and 0');
  if (sw && t === 'boolean') return ok('narrowing', 'only 0 and 1 convert to boolean');
  if (TEXTUAL.has(s)) return ok('narrowing', `text must parse as ${t}; values that do not are rejected`);
  return ok('incompatible', `${s} values cannot be converted to ${t}`);
}

function compareDecimals(source: Col, target: Col): CompatibilityVerdict {
  if (target.precision === undefined) return { level: 'widening', reason: '' };
  if (source.precision === undefined) {
    return {
      level: 'narrowing',
      reason: `unbounded numeric values may not fit numeric(${target.precision},${target.scale ?? 0})`,
    };
  }
  const sInt = source.precision - (source.scale ?? 0);
  const tInt = target.precision - (target.scale ?? 0);
  if ((source.scale ?? 0) > (target.scale ?? 0)) {
    return {
      level: 'narrowing',
      reason: `values with more than ${target.scale ?? 0} decimals are rejected, not rounded`,
    };
  }
  if (sInt > tInt)
    return { level: 'narrowing', reason: `values with more than ${tInt} integer digits will be rejected` };
  const same = source.precision === target.precision && source.scale === target.scale;
  return { level: same ? 'same' : 'widening', reason: '' };
}

function compareLengths(source: Col, target: Col): CompatibilityVerdict {
  const sameKind = source.type === target.type;
  if (target.type === 'text' || target.length === undefined)
    return { level: sameKind ? 'same' : 'widening', reason: '' };
  const sourceMax = source.type === 'string' ? source.length : undefined;
  if (sourceMax !== undefined && sourceMax <= target.length) {
    return { level: sameKind && sourceMax === target.length ? 'same' : 'widening', reason: '' };
  }
  return { level: 'narrowing', reason: `values longer than ${target.length} characters will be rejected` };
}

function describe(c: Col): string {
  if (c.type === 'decimal' && c.precision !== undefined) return `numeric(${c.precision},${c.scale ?? 0})`;
  return `${c.unsigned ? 'unsigned ' : ''}${c.type}`;
}
