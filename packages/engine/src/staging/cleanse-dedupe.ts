import { DataBridgeError } from '../errors.ts';
import type { Dedupe } from '../spec/spec-schema.ts';
import type { CleanseMapping } from './cleanse-mapping.ts';
import { rejectionSql, stagedIndexOf, stagedTypeOf } from './cleanse-mapping.ts';
import { sqlText, stagedJsonSql, stagedNullSql, stagedTextSql, stagedValueSql } from './staged-values-sql.ts';

/**
 * The de-duplication step (spec `dedupe`), over every staging table of the mapping at once: rows that
 * share the target key are ranked, first in source order (`keep: first`), or by the `by` column's
 * highest value, later rows winning a tie (`keep: last`); every row but the winner is taken out, or
 * every row of the key with `keep: none`. Keys are compared as the source gave them (exactly: case
 * and trailing spaces count); a row with a NULL in its key is never a duplicate, as in a unique index.
 * One statement, so that it sees every table as of one moment. Undefined when the mapping has no dedupe.
 */
export function dedupeStatement(c: CleanseMapping): string | undefined {
  const dedupe = c.spec.dedupe;
  if (!dedupe) return undefined;
  const { key, keyIndex, byIndex } = dedupeColumns(c, dedupe);
  const order =
    byIndex === undefined
      ? 'task, seq'
      : `${stagedValueSql('r', byIndex, stagedTypeOf(c, byIndex))} DESC NULLS LAST, task DESC, seq DESC`;
  const partition = keyIndex.map((i) => `r->${i}`).join(', ');
  const keyText = `concat_ws(', ', ${keyIndex.map((i) => stagedTextSql('r', i)).join(', ')})`;
  const keyWords = `${key.length > 1 ? 'key' : ''} ${key.join(', ')}`.trim();
  const kept =
    dedupe.keep === 'first' ? 'the first in source order' : `the one with the highest ${dedupe.by}`;
  const why =
    dedupe.keep === 'none'
      ? `count || ${sqlText(` rows share ${keyWords} = `)} || ${keyText} || ${sqlText(': dedupe keeps none of them (keep: none)')}`
      : `${sqlText(`another row has ${keyWords} = `)} || ${keyText} || ${sqlText(`: dedupe keeps ${kept} (keep: ${dedupe.keep})`)}`;
  const drop = dedupe.keep === 'none' ? 'count > 1' : 'n > 1';
  const candidates = c.tables
    .map((t, i) => `SELECT ${i} AS task, seq, ${stagedJsonSql('row')} AS r FROM ${t} WHERE rejected IS NULL`)
    .join('\n    UNION ALL ');
  const notNull = keyIndex.map((i) => `NOT ${stagedNullSql('r', i)}`).join(' AND ');
  const reject = rejectionSql('dedupe', {
    ...(key.length === 1 ? { column: key[0]! } : {}),
    value: keyText,
    reason: why,
    code: 'constraint_violation',
  });
  const updates = c.tables.map(
    (t, i) =>
      `u${i} AS (UPDATE ${t} AS staged SET rejected = d.rejection FROM dropped AS d WHERE d.task = ${i} AND staged.seq = d.seq RETURNING 1)`,
  );
  return `WITH candidates AS (
    ${candidates}
  ), ranked AS (
    SELECT task, seq, r,
           row_number() OVER (PARTITION BY ${partition} ORDER BY ${order}) AS n,
           count(*) OVER (PARTITION BY ${partition}) AS count
      FROM candidates WHERE ${notNull}
  ), dropped AS (
    SELECT task, seq, ${reject} AS rejection FROM ranked WHERE ${drop}
  ), ${updates.join(',\n  ')}
  SELECT ${c.tables.map((_, i) => `(SELECT count(*) FROM u${i})`).join(' + ')} AS dropped`;
}

/** Whether the rows the step takes out are what the spec asked for rather than faults. */
export function dedupeByDesign(c: CleanseMapping): boolean {
  return c.spec.dedupe !== undefined && c.spec.dedupe.keep !== 'none';
}

/**
 * Where the target key's values and the `by` column sit in a staged row; a key or column the staged
 * rows do not hold is bad input naming the fix (checked when a staged run opens, before any row moves).
 */
export function dedupeColumns(c: Pick<CleanseMapping, 'mapping' | 'layout'>, dedupe: Dedupe) {
  const where = `mappings[${c.mapping.index}].dedupe`;
  const name = `${c.mapping.source.name} -> ${c.mapping.target.name}`;
  const key = c.mapping.conflictKey;
  if (key.length === 0) {
    throw new DataBridgeError(
      'bad_spec',
      `${name}: dedupe needs a target key, and ${c.mapping.target.name} has no primary key: set "key" to the columns that identify a row`,
      { where },
    );
  }
  const keyIndex = key.map((k) => {
    const i = c.mapping.columns.findIndex((col) => col.target.name === k);
    const index = i < 0 ? -1 : c.layout.valueIndex[i]!;
    if (index < 0) {
      throw new DataBridgeError(
        'bad_spec',
        `${name}: dedupe compares the target key (${key.join(', ')}), and "${k}" is not filled from a source column or expression: map it, or set "key" to columns that are`,
        { where },
      );
    }
    return index;
  });
  const byIndex = dedupe.keep === 'last' ? stagedIndexOf(c, dedupe.by!) : undefined;
  if (byIndex !== undefined && byIndex < 0) {
    throw new DataBridgeError(
      'bad_spec',
      `${name}: dedupe keeps the last row by "${dedupe.by}", which is not a source column the mapping copies: map it, or name one that is`,
      { where: `${where}.by` },
    );
  }
  return { key, keyIndex, byIndex };
}
