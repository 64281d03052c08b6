import type { LoadSession, LoadTarget, WriteMode } from '../connectors/connection.ts';
import { DataBridgeError, type ErrorCode } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { ErrorPolicy } from '../spec/spec-schema.ts';
import type { Row } from '../values.ts';
import { ColumnRejection, type RejectedRow, rowObject, shorten } from './rejected-row.ts';
import { identity, type RowTransform } from './row-transform.ts';
import { writeIsolating } from './write-isolating.ts';

export interface PageContext {
  readonly mapping: PlannedMapping;
  readonly transform: RowTransform;
  /** Names of the source row's values, for the rejects file. */
  readonly sourceNames: readonly string[];
  readonly policy: ErrorPolicy;
}

export interface PageResult {
  readonly written: number;
  readonly rejected: readonly RejectedRow[];
}

/**
 * Transforms one page of source rows and writes it inside the open transaction. A row whose value the
 * target cannot take, or that the database refuses, is rejected with its reason; every other row of
 * the page is written. Under `fail_fast` the first rejection stops the run (after being reported).
 */
export async function loadPage(
  ctx: PageContext,
  session: LoadSession,
  target: LoadTarget,
  rows: readonly Row[],
  mode: WriteMode,
): Promise<PageResult> {
  const rejects = pageRejects(ctx);
  const { reject, rejected, table } = rejects;
  const { out, sourceIndex } = transformPage(ctx, rows, rejects);
  const result = await writeIsolating(session, target, out, mode, ctx.mapping.conflictKey);
  for (const refused of result.refused) {
    reject(
      rows[sourceIndex ? sourceIndex[refused.index]! : refused.index]!,
      null,
      null,
      refused.reason,
      refused.code,
    );
  }
  if (result.refused.length > 0 && ctx.policy === 'fail_fast') throw failFast(table, rejected);
  return { written: result.written, rejected };
}

/** A page's rejected rows, each with its source row and reason, and the function that adds one. */
export interface PageRejects {
  readonly table: string;
  readonly rejected: RejectedRow[];
  reject(
    source: Row,
    column: string | null,
    value: RejectedRow['value'],
    reason: string,
    code: ErrorCode,
  ): void;
}

export function pageRejects(ctx: PageContext): PageRejects {
  const table = `${ctx.mapping.target.schema}.${ctx.mapping.target.name}`;
  const rejected: RejectedRow[] = [];
  return {
    table,
    rejected,
    reject: (source, column, value, reason, code) =>
      rejected.push({
        mappingId: ctx.mapping.id,
        table,
        column,
        value,
        reason,
        code,
        row: rowObject(ctx.sourceNames, source),
      }),
  };
}

/**
 * The page's rows through the mapping's transform. A row the transform refuses is rejected with its
 * reason (under fail_fast it stops the page); `sourceIndex` maps each row out back to its source row
 * once one was left out (null while none was).
 */
export function transformPage(
  ctx: PageContext,
  rows: readonly Row[],
  rejects: PageRejects,
): { out: readonly Row[]; sourceIndex: number[] | null } {
  if (ctx.transform === identity) return { out: rows, sourceIndex: null };
  const transformed: Row[] = new Array(rows.length);
  let sourceIndex: number[] | null = null;
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    try {
      transformed[n] = ctx.transform(rows[i]!);
      sourceIndex?.push(i);
      n++;
    } catch (error) {
      if (!(error instanceof ColumnRejection)) throw error;
      sourceIndex ??= Array.from({ length: n }, (_, k) => k);
      rejects.reject(rows[i]!, error.column, shorten(error.value), error.reason, 'bad_value');
      if (ctx.policy === 'fail_fast') throw failFast(rejects.table, rejects.rejected);
    }
  }
  transformed.length = n;
  return { out: transformed, sourceIndex };
}

/** The error that stops a fail-fast run: it carries the rejected rows so they still reach the report. */
export class RowsRejected extends DataBridgeError {
  constructor(
    message: string,
    readonly rows: readonly RejectedRow[],
  ) {
    super(rows[0]?.code ?? 'bad_value', message);
  }
}

function failFast(table: string, rejected: readonly RejectedRow[]): RowsRejected {
  const first = rejected[0]!;
  const row = JSON.stringify(first.row);
  return new RowsRejected(
    `${table}: a row was rejected${first.column ? ` (column ${first.column})` : ''}: ${first.reason}; row ${row.length > 300 ? `${row.slice(0, 297)}…` : row} (error policy fail_fast)`,
    rejected,
  );
}
