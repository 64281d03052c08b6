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
    c.mapping.columns.forEach((column, i) => {
      const index = c.layout.valueIndex[i]!;
      const hasDefault = column.defaultValue !== undefined && column.defaultValue !== null;
      // A NOT NULL source column never gives NULL: no pass over the rows for it.
      const neverNull = column.source !== undefined && !column.source.nullable;
      if (
        !c.checkNotNull ||
        column.deferred ||
        column.target.nullable ||
        hasDefault ||
        neverNull ||
        index < 0
      )
        return;
      const name = column.target.name;
      const reject = rejectionSql('checks', {
        column: name,
        reason: sqlText(`NULL cannot go into NOT NULL column ${name}`),
        code: 'bad_value',
      });
      out.push({
        sql: `UPDATE ${table} SET rejected = ${reject} WHERE rejected IS NULL AND ${stagedNullSql(json, index)}`,
      });
    });
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
