import type { LoadSession } from '../connectors/connection.ts';
import type { ValueLimits } from '../connectors/connector.ts';
import { connectorOf } from '../connectors/registry.ts';
import { nativeBase } from '../convert/convert-types.ts';
import { compareTypes } from '../plan/type-compatibility.ts';
import { converterFor } from '../run/converters.ts';
import { ColumnRejection, shorten } from '../run/rejected-row.ts';
import { compileMapping } from '../run/sample-rows.ts';
import type { ColumnInfo, DialectName } from '../schema/model.ts';
import type { Value } from '../values.ts';
import { type CleanseMapping, type StagedRejection, stagedValue } from './cleanse-mapping.ts';
import { decodeStagedRow } from './staged-rows.ts';
import { stagedJsonSql } from './staged-values-sql.ts';
import { typeFitsSql } from './type-fits-sql.ts';

/**
 * The rows (by `seq`) tested by one query, whose candidates are read back and rejections written in
 * one statement. A window of seq, not `ORDER BY seq LIMIT n`: on a table just filled by COPY, without
 * statistics, PostgreSQL sorted every row left at each page.
 */
const WINDOW = 5_000;

/** One column the types step tests in SQL. */
interface TypeCheck {
  /**
   * An SQL condition over `s.r`, the staged row as jsonb, true when the value surely fits; absent
   * when its declaration bounds it already and only NUL is looked for.
   */
  readonly fits?: string;
  /** The target refuses NUL in text (PostgreSQL), which the jsonb reading of the row hides. */
  readonly nul: boolean;
}

const TEXTUAL = new Set(['string', 'text', 'json']);
/** Types whose values fit or not by their size alone: integers, decimals, text. */
const SIZED = new Set(['int16', 'int32', 'int64', 'decimal', 'string', 'text']);

/**
 * The columns whose values the types step tests, decided from the plan alone (every worker decides
 * the same): those the load converts (converterFor: a PostgreSQL column copied into the same type has
 * no converter, its values are valid by construction), read as the source gave them (no string
 * operation, which would change the value first, not deferred), under `onInvalid: reject` (the other
 * rules change the value rather than reject the row), and of a type with an SQL test (type-fits-sql).
 */
export function typeChecks(c: CleanseMapping): TypeCheck[] {
  const { dialects, pipeline } = c.types;
  const limits = connectorOf(dialects.target).valueLimits;
  return c.mapping.columns.flatMap((column, i): TypeCheck[] => {
    const index = c.layout.valueIndex[i]!;
    if (index < 0 || column.deferred || column.transform.length > 0 || column.onInvalid !== 'reject')
      return [];
    if (converterFor(column, dialects, pipeline.validation.types, pipeline.zeroDates) === null) return [];
    const nul = !limits.nulCharacter && TEXTUAL.has(column.target.type);
    if (fitsByDeclaration(column.source, column.target, dialects.source, limits)) return nul ? [{ nul }] : [];
    const fits = typeFitsSql(`(s.r->${index})`, {
      target: column.target,
      source: column.source,
      limits,
      jsonParses: c.types.jsonParses,
    });
    if (fits === undefined) return [];
    return [{ fits, nul }];
  });
}

/**
 * A value whose size its source column's declaration already bounds within the target's (an int
 * into a bigint, a decimal(12,2) into a numeric(14,2), a varchar(40) into a text) fits whatever it
 * is, where the source database holds every value to its declared type: leaving such columns out took
 * the benchmark's 3M-row MariaDB cleanse from 45.6 to 33.2 s. A byte limit (MySQL's TEXT) or a list of
 * labels (an enum) still needs the test; so does any value read from SQLite.
 */
export function fitsByDeclaration(
  from: ColumnInfo | undefined,
  to: ColumnInfo,
  source: DialectName,
  limits: ValueLimits,
): boolean {
  if (!from || !connectorOf(source).declaredTypesHold) return false;
  if (!SIZED.has(from.type) || !SIZED.has(to.type)) return false;
  const base = nativeBase(to.nativeType);
  if (limits.textBytes[base] !== undefined || (limits.enumLabels && base === 'enum')) return false;
  const level = compareTypes(from, to).level;
  return level === 'same' || level === 'widening';
}

/**
 * The rows of a staging table that may hold a value the load would refuse, of those after `seq` $1
 * up to $2: a row whose text holds an escaped lone surrogate (which jsonb cannot read) or, where a
 * target refuses it, NUL; else a row with a value its column's test does not pass.
 */
export function candidatesSql(table: string, checks: readonly TypeCheck[]): string {
  const nul = checks.some((k) => k.nul) ? ` OR strpos(s.row, '\\u0000') > 0` : '';
  const tests = checks.flatMap((k) => (k.fits === undefined ? [] : [k.fits]));
  if (tests.length === 0) {
    // Only NUL and lone surrogates to find: the row's text says, without reading it as jsonb.
    return `SELECT s.seq, s.row FROM ${table} AS s
 WHERE s.rejected IS NULL AND s.seq > $1 AND s.seq <= $2 AND (${loneSurrogate('s.row')}${nul})`;
  }
  // The subquery reads each row as jsonb once (OFFSET 0 keeps PostgreSQL from inlining it into every
  // test); a row with a lone surrogate is NULL there, a candidate whatever its values.
  return `SELECT s.seq, s.row FROM (
  SELECT seq, row, CASE WHEN ${loneSurrogate('row')} THEN NULL ELSE ${stagedJsonSql('row')} END AS r
    FROM ${table} WHERE rejected IS NULL AND seq > $1 AND seq <= $2 OFFSET 0) AS s
 WHERE s.r IS NULL${nul} OR NOT (${tests.join(' AND ')})`;
}

/** The staged row's JSON text escapes a lone UTF-16 surrogate, which jsonb cannot read. */
function loneSurrogate(rowText: string): string {
  return `${rowText} ~ '\\\\ud[89a-f]'`;
}

/** PostgreSQL 15 has no `IS JSON`: a value's text is tried as json, its error caught. */
export function jsonParsesSql(name: string): string {
  return `CREATE OR REPLACE FUNCTION ${name}(text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  PERFORM $1::json;
  RETURN true;
EXCEPTION WHEN others THEN
  RETURN false;
END $$`;
}

/**
 * The types step: the rows whose values the load's conversion would refuse are found in SQL, in one
 * pass over each staging table (a window of rows at a time), then given to the row function a direct
 * run loads with (the same string operations, converters and NOT NULL check), which decides and
 * words the reason: a row is rejected here exactly as, and only if, the load would reject it. The
 * candidates are read through `read`, another connection of the staging database, which sees the
 * rows as extracted (the transaction's SQL transforms are not committed yet; the row function applies
 * the same operations); the rejections are written in the cleanse's transaction, a window at a time,
 * after the transforms step's (a row it took out keeps its reason).
 */
export async function rejectBadTypes(
  c: CleanseMapping,
  read: (sql: string, params: readonly Value[]) => Promise<Record<string, unknown>[]>,
  session: Pick<LoadSession, 'execute'>,
): Promise<void> {
  const checks = typeChecks(c);
  if (checks.length === 0) return;
  const { transform } = compileMapping(c.mapping, c.types.pipeline, c.types.dialects);
  for (const table of c.tables) {
    const sql = candidatesSql(table, checks);
    const [{ last } = { last: 0 }] = await read(`SELECT coalesce(max(seq), 0) AS last FROM ${table}`, []);
    for (let after = 0; after < Number(last); after += WINDOW) {
      const page = await read(sql, [after, after + WINDOW]);
      const rejected = page.flatMap((r) => {
        try {
          transform(decodeStagedRow(String(r.row)));
          return [];
        } catch (error) {
          if (!(error instanceof ColumnRejection)) throw error;
          return [{ seq: Number(r.seq), rejected: rejection(error) }];
        }
      });
      if (rejected.length === 0) continue;
      await session.execute(
        `UPDATE ${table} AS staged SET rejected = v.rejected
  FROM jsonb_to_recordset($1::jsonb) AS v(seq bigint, rejected jsonb)
 WHERE staged.seq = v.seq AND staged.rejected IS NULL`,
        [JSON.stringify(rejected)],
      );
    }
  }
}

function rejection(error: ColumnRejection): StagedRejection {
  // The reason shows NUL and lone surrogates escaped already; the value keeps them (stagedValue).
  return {
    step: 'types',
    column: error.column,
    ...stagedValue(shorten(error.value)),
    reason: error.reason,
    code: 'bad_value',
  };
}
