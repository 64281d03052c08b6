import { producedCharsLimit } from '../plan/check-transform-fits.ts';
import type { PlannedColumn, PlannedMapping } from '../plan/plan-types.ts';
import type { ReadLayout } from '../run/read-layout.ts';
import { shorten } from '../run/rejected-row.ts';
import { stringOperation } from '../run/row-transform.ts';
import type { StringOperation } from '../spec/spec-schema.ts';
import type { Value } from '../values.ts';
import type { CleanseMapping } from './cleanse-mapping.ts';
import { rejectionSql, stagedValue } from './cleanse-mapping.ts';
import { decodeStagedRow, encodeStagedRow } from './staged-rows.ts';
import { sqlText } from './staged-values-sql.ts';

/**
 * What String.prototype.trim removes (WhiteSpace and LineTerminator), so that `btrim` in the staging
 * database trims exactly what the row transform would: PostgreSQL's own `trim` takes only spaces.
 */
const JS_WHITESPACE =
  '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/**
 * The string operations that have an exact PostgreSQL equivalent, character for character: `upper`
 * and `lower` do not (PostgreSQL's follow the database's locale, JavaScript's the Unicode tables:
 * `ß` upper-cases to `SS` in one and stays `ß` in the other), so they stay in the row transform.
 */
function sqlOperation(op: StringOperation, s: string): string | undefined {
  if (op === 'trim') return `btrim(${s}, ${sqlText(JS_WHITESPACE)})`;
  if (op === 'upper' || op === 'lower') return undefined;
  if ('substring' in op) {
    const { start, length } = op.substring;
    return length === undefined ? `substr(${s}, ${start})` : `substr(${s}, ${start}, ${length})`;
  }
  if ('replace' in op) return `replace(${s}, ${sqlText(op.replace.from)}, ${sqlText(op.replace.to)})`;
  // lpad and rpad cut a longer value down; the row transform leaves it as it is.
  if ('padLeft' in op)
    return `CASE WHEN char_length(${s}) >= ${op.padLeft.length} THEN ${s} ELSE lpad(${s}, ${op.padLeft.length}, ${sqlText(op.padLeft.with)}) END`;
  if ('padRight' in op)
    return `CASE WHEN char_length(${s}) >= ${op.padRight.length} THEN ${s} ELSE rpad(${s}, ${op.padRight.length}, ${sqlText(op.padRight.with)}) END`;
  if ('prefix' in op) return `${sqlText(op.prefix)} || ${s}`;
  return `${s} || ${sqlText(op.suffix)}`;
}

/**
 * The planned columns whose string operations a staged run applies in SQL at cleanse, by index: those
 * copied from a text source column that no other column and no key reads, without a default (which
 * would be transformed too), every operation with an SQL equivalent. The others keep theirs in the
 * row transform at load. Decided from the plan alone, so that every worker decides the same.
 */
export function sqlTransformedColumns(mapping: PlannedMapping, layout: ReadLayout): number[] {
  const readers = new Map<number, number>();
  for (const i of layout.valueIndex) if (i >= 0) readers.set(i, (readers.get(i) ?? 0) + 1);
  return mapping.columns.flatMap((c, i) => {
    const index = layout.valueIndex[i]!;
    const ok =
      c.transform.length > 0 &&
      c.source !== undefined &&
      (c.source.type === 'string' || c.source.type === 'text') &&
      !c.deferred &&
      c.defaultValue === undefined &&
      index >= 0 &&
      readers.get(index) === 1 &&
      !layout.keyIndex.includes(index) &&
      c.transform.every((op) => sqlOperation(op, 's') !== undefined);
    return ok ? [i] : [];
  });
}

/** The mapping as the load of a staged run transforms it: without the operations the cleanse did. */
export function withoutSqlTransforms(mapping: PlannedMapping, layout: ReadLayout): PlannedMapping {
  const done = new Set(sqlTransformedColumns(mapping, layout));
  if (done.size === 0) return mapping;
  return { ...mapping, columns: mapping.columns.map((c, i) => (done.has(i) ? { ...c, transform: [] } : c)) };
}

/**
 * The transforms step, one statement per staging table (one pass over its rows): each SQL-able
 * column's operations rewrite its staged value, unless a result would outgrow its limit (the row
 * transform's rule: longer than both the column's limit and the value it came from); such a row is
 * taken out, with the first column at fault, and keeps its values. Rows holding NUL, which PostgreSQL
 * text cannot, are left to `transformRowsHoldingNul`.
 */
export function transformStatements(c: CleanseMapping): string[] {
  const columns = sqlTransformedColumns(c.mapping, c.layout);
  if (columns.length === 0) return [];
  // Parsing a staged row's text again where it is used costs less than joining the table to itself.
  const r = '(row::jsonb)';
  let json = r;
  const faults: string[] = [];
  for (const i of columns) {
    const column = c.mapping.columns[i]!;
    const index = c.layout.valueIndex[i]!;
    const input = `(${r}->>${index})`;
    const result = applied(column, input);
    const isText = `jsonb_typeof(${r}->${index}) = 'string'`;
    json = `jsonb_set(${json}, '{${index}}', CASE WHEN ${isText} THEN to_jsonb(${result}) ELSE ${r}->${index} END)`;
    const limit = producedCharsLimit(column.target);
    const reject = rejectionSql('transforms', {
      column: column.target.name,
      value: `CASE WHEN char_length(${input}) > 80 THEN left(${input}, 77) || '…' ELSE ${input} END`,
      reason: `${sqlText('the transformations would make a value of ')} || to_char(char_length(${result}), 'FM999,999,999,999') || ${sqlText(` characters, over the limit of ${limit.toLocaleString('en-US')} for a transformed value of ${column.target.name}; shorten the transformation`)}`,
      code: 'bad_value',
    });
    faults.push(
      `CASE WHEN ${isText} AND char_length(${result}) > greatest(${limit}, char_length(${input})) THEN ${reject} END`,
    );
  }
  const fault = faults.length === 1 ? faults[0]! : `coalesce(${faults.join(', ')})`;
  // One pass: a row at fault keeps its values and gets its reason; the others get theirs transformed.
  return c.tables.map(
    (table) => `UPDATE ${table}
   SET row = CASE WHEN (${fault}) IS NULL THEN (${json})::text ELSE row END, rejected = ${fault}
 WHERE rejected IS NULL AND strpos(row, '\\u0000') = 0`,
  );
}

function applied(column: PlannedColumn, input: string): string {
  return column.transform.reduce((s, op) => sqlOperation(op, s)!, input);
}

/** A statement with its parameters, run in the cleanse's transaction. */
export interface ParamStatement {
  readonly sql: string;
  readonly params: readonly Value[];
}

/**
 * The transforms step for the few rows whose values hold NUL: read out of the staging database and
 * transformed by the row transform's own operations, then written back (or marked rejected) by seq.
 */
export async function transformRowsHoldingNul(
  c: CleanseMapping,
  query: (sql: string, params?: readonly Value[]) => Promise<Record<string, unknown>[]>,
): Promise<ParamStatement[]> {
  const columns = sqlTransformedColumns(c.mapping, c.layout);
  if (columns.length === 0) return [];
  const out: ParamStatement[] = [];
  for (const table of c.tables) {
    const rows = await query(
      `SELECT seq, row FROM ${table} WHERE rejected IS NULL AND strpos(row, '\\u0000') > 0 ORDER BY seq`,
    );
    for (const r of rows) {
      const values = decodeStagedRow(String(r.row));
      let rejection: Record<string, unknown> | undefined;
      for (const i of columns) {
        const column = c.mapping.columns[i]!;
        const index = c.layout.valueIndex[i]!;
        const input = values[index];
        if (typeof input !== 'string') continue;
        const text = column.transform.reduce(
          (s, op) => stringOperation(op)(s, Number.POSITIVE_INFINITY),
          input,
        );
        const limit = producedCharsLimit(column.target);
        const chars = Array.from(text).length;
        if (chars > Math.max(limit, Array.from(input).length)) {
          rejection = {
            step: 'transforms',
            column: column.target.name,
            ...stagedValue(shorten(input)),
            reason: `the transformations would make a value of ${chars.toLocaleString('en-US')} characters, over the limit of ${limit.toLocaleString('en-US')} for a transformed value of ${column.target.name}; shorten the transformation`,
            code: 'bad_value',
          };
          break;
        }
        values[index] = text;
      }
      out.push(
        rejection
          ? {
              sql: `UPDATE ${table} SET rejected = $1::jsonb WHERE seq = $2`,
              params: [JSON.stringify(rejection), Number(r.seq)],
            }
          : {
              sql: `UPDATE ${table} SET row = $1 WHERE seq = $2`,
              params: [encodeStagedRow(values), Number(r.seq)],
            },
      );
    }
  }
  return out;
}
