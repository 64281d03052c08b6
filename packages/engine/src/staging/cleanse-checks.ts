import type { CleanseMapping } from './cleanse-mapping.ts';
import { rejectionSql, stagedTypeOf } from './cleanse-mapping.ts';
import { sqlText, stagedJsonSql, stagedNullSql, stagedValueSql } from './staged-values-sql.ts';

/** One statement of the checks step, and the spec entry a failure of it points at. */
export interface CheckStatement {
  readonly sql: string;
  /** The spec path of a row check, so that a check whose SQL fails is named; absent for NULL checks. */
  readonly where?: string;
  readonly name?: string;
}

/**
 * The checks step: NULL headed for a NOT NULL target column (as the load would reject it, when
 * `pipeline.validation.rows`), then each of the mapping's `checks` in order. A row is taken out by
 * the first that fails, with that reason; a check whose condition is NULL passes, as a CHECK
 * constraint does.
 */
export function checkStatements(c: CleanseMapping): CheckStatement[] {
  const out: CheckStatement[] = [];
  const json = stagedJsonSql('row');
  for (const table of c.tables) {
    // One pass over the rows for every column: a row is taken out for the first NULL, as the load would.
    const nulls = c.mapping.columns.flatMap((column, i) => {
      const index = c.layout.valueIndex[i]!;
      const hasDefault = column.defaultValue !== undefined && column.defaultValue !== null;
      // A NOT NULL source column never gives NULL: nothing to look for.
      const neverNull = column.source !== undefined && !column.source.nullable;
      const skip =
        !c.checkNotNull || column.deferred || column.target.nullable || hasDefault || neverNull || index < 0;
      if (skip) return [];
      const name = column.target.name;
      const reject = rejectionSql('checks', {
        column: name,
        reason: sqlText(`NULL cannot go into NOT NULL column ${name}`),
        code: 'bad_value',
      });
      return [{ isNull: stagedNullSql(json, index), reject }];
    });
    if (nulls.length > 0) {
      out.push({
        sql: `UPDATE ${table} SET rejected = CASE ${nulls.map((n) => `WHEN ${n.isNull} THEN ${n.reject}`).join(' ')} END
 WHERE rejected IS NULL AND (${nulls.map((n) => n.isNull).join(' OR ')})`,
      });
    }
    (c.spec.checks ?? []).forEach((check, j) => {
      const columns = c.layout.select.flatMap((item, k) =>
        'column' in item
          ? [`${stagedValueSql('r', k, stagedTypeOf(c, k))} AS "${item.column.replaceAll('"', '""')}"`]
          : [],
      );
      const reject = rejectionSql('checks', {
        reason: sqlText(`check "${check.name}" failed: ${check.sql}`),
        code: 'bad_value',
      });
      // The condition sees only the source columns by name: the staging table's own columns (seq,
      // key, row) are behind names of their own.
      out.push({
        sql: `UPDATE ${table} AS staged SET rejected = ${reject}
  FROM (SELECT databridge_seq FROM (SELECT databridge_seq, ${columns.join(', ')}
          FROM (SELECT seq AS databridge_seq, ${json} AS r FROM ${table} WHERE rejected IS NULL) AS s) AS v
         WHERE NOT coalesce((${check.sql}), true)) AS failed
 WHERE staged.seq = failed.databridge_seq`,
        where: `mappings[${c.mapping.index}].checks[${j}]`,
        name: check.name,
      });
    });
  }
  return out;
}
