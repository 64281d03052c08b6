import { DataBridgeError } from '../errors.ts';
import type { ColumnInfo } from '../schema/model.ts';
import { MAX_TRANSFORM_CHARS } from '../spec/size-limits.ts';
import type { StringOperation } from '../spec/spec-schema.ts';

/**
 * The most characters a transformed value of `target` may have: the column's declared length for a
 * bounded string column, else MAX_TRANSFORM_CHARS.
 */
export function producedCharsLimit(target: ColumnInfo): number {
  return target.type === 'string' && target.length !== undefined && target.length > 0
    ? Math.min(target.length, MAX_TRANSFORM_CHARS)
    : MAX_TRANSFORM_CHARS;
}

/**
 * At plan time, where the target column is known: a pad to more characters than the column holds
 * would make every row's value too long, so it is refused here, naming the mapping, the column, the
 * limit and the fix, before any row is read.
 */
export function checkTransformFits(
  transform: readonly StringOperation[],
  target: ColumnInfo,
  where: (...path: (string | number)[]) => string,
  mapping: string,
): void {
  const limit = producedCharsLimit(target);
  for (const [i, op] of transform.entries()) {
    if (typeof op !== 'object') continue;
    const pad = 'padLeft' in op ? op.padLeft : 'padRight' in op ? op.padRight : undefined;
    if (pad === undefined || pad.length <= limit) continue;
    const name = 'padLeft' in op ? 'padLeft' : 'padRight';
    throw new DataBridgeError(
      'bad_spec',
      `${where('transform', i, name, 'length')}: mapping ${mapping}, column ${target.name}: ${name} length ${pad.length.toLocaleString('en-US')} is over the ${limit.toLocaleString('en-US')} characters the column takes; pad to at most ${limit.toLocaleString('en-US')}`,
    );
  }
}
