import type { Connection } from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { DialectName } from '../schema/model.ts';
import type { PipelineSettings } from '../spec/spec-schema.ts';
import type { Row } from '../values.ts';
import { converterFor } from './converters.ts';
import { PAGE_ROWS } from './page-size.ts';
import { type ReadLayout, readLayout } from './read-layout.ts';
import { compileRowTransform, type RowTransform } from './row-transform.ts';

/** A mapping ready to move rows: what it reads, how a source row becomes a target row, what each value is called. */
export interface CompiledMapping {
  readonly mapping: PlannedMapping;
  readonly layout: ReadLayout;
  readonly transform: RowTransform;
  /** Name of each value of a source row: its column, or the expression's text. */
  readonly sourceNames: readonly string[];
}

/** Compiles a mapping as the runner does: the pipeline's type and NOT NULL checks, the target's converters. */
export function compileMapping(
  mapping: PlannedMapping,
  pipeline: PipelineSettings,
  dialects: { source: DialectName; target: DialectName },
): CompiledMapping {
  const layout = readLayout(mapping);
  const transform = compileRowTransform(mapping, layout, {
    converterFor: (c) => converterFor(c, dialects, pipeline.validation.types, pipeline.zeroDates),
    checkNotNull: pipeline.validation.rows,
  });
  const sourceNames = layout.select.map((s) => ('column' in s ? s.column : s.expression));
  return { mapping, layout, transform, sourceNames };
}

/** Rows read per query, as the runner pages them. */

/**
 * The first `limit` rows of a mapping's source (within its `where`), page by page in source key order.
 * A source without a key has no order to page by: its rows come in one query, in whatever order the
 * database returns them.
 */
export async function* firstRows(
  source: Connection,
  compiled: CompiledMapping,
  limit: number,
  signal?: AbortSignal,
): AsyncGenerator<Row[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new DataBridgeError(
      'bad_spec',
      `the number of rows must be a whole number of at least 1, not ${limit}`,
    );
  }
  const { mapping, layout } = compiled;
  const request = {
    table: mapping.source,
    select: layout.select,
    ...(mapping.where ? { where: mapping.where } : {}),
  };
  if (mapping.sourceKey.length === 0) {
    yield await source.reader.fetch({ ...request, limit }, signal);
    return;
  }
  let remaining = limit;
  let after: Row | undefined;
  while (remaining > 0) {
    if (signal?.aborted) throw new DataBridgeError('cancelled', 'cancelled');
    const pageSize = Math.min(PAGE_ROWS, remaining);
    const rows = await source.reader.fetch(
      { ...request, orderBy: mapping.sourceKey, ...(after ? { after } : {}), limit: pageSize },
      signal,
    );
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    remaining -= rows.length;
    after = layout.keyIndex.map((i) => rows[rows.length - 1]![i]!);
  }
}
