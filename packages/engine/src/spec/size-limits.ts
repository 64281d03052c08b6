import type { z } from 'zod';

/**
 * The most characters a transformation parameter may hold, or make a value grow to where the target
 * column says nothing tighter: 65,535, the largest VARCHAR MySQL allows. These bounds keep one spec
 * from exhausting a server's memory (`padLeft` to 20,000,000 on every row once did).
 */
export const MAX_TRANSFORM_CHARS = 65_535;

const LIMIT = MAX_TRANSFORM_CHARS.toLocaleString('en-US');

interface SizedMapping {
  readonly source: string;
  readonly target: string;
  readonly where?: string | undefined;
  readonly columns: readonly {
    readonly target: string;
    readonly expression?: string | undefined;
    readonly default?: unknown;
    readonly transform?: readonly unknown[] | undefined;
  }[];
}

/**
 * Refuses every transformation parameter, default, expression and filter of a table mapping above
 * MAX_TRANSFORM_CHARS, each issue naming the mapping, the column, the size, the limit and the fix.
 */
export function checkMappingSizes(mapping: SizedMapping, ctx: z.RefinementCtx): void {
  const refuse = (path: (string | number)[], what: string, size: number, fix: string) =>
    ctx.addIssue({
      code: 'custom',
      path,
      // A whole sentence (capital, full stop), so the error map keeps it as it is.
      message: `Mapping ${mapping.source} → ${mapping.target}, ${what} is ${size.toLocaleString('en-US')} characters, over the limit of ${LIMIT}; ${fix}.`,
    });
  if (mapping.where !== undefined && mapping.where.length > MAX_TRANSFORM_CHARS) {
    refuse(['where'], 'the filter', mapping.where.length, 'shorten it or move the logic into a view');
  }
  for (const [j, column] of mapping.columns.entries()) {
    const at = (...path: (string | number)[]) => ['columns', j, ...path];
    const of = `column ${column.target}:`;
    if (column.expression !== undefined && column.expression.length > MAX_TRANSFORM_CHARS) {
      refuse(
        at('expression'),
        `${of} the expression`,
        column.expression.length,
        'shorten it or move it into a view',
      );
    }
    if (typeof column.default === 'string' && column.default.length > MAX_TRANSFORM_CHARS) {
      refuse(at('default'), `${of} the default value`, column.default.length, 'use a shorter default');
    }
    for (const [i, op] of (column.transform ?? []).entries()) {
      if (typeof op !== 'object' || op === null) continue;
      const params = op as Record<string, Record<string, unknown> | string | undefined>;
      for (const pad of ['padLeft', 'padRight'] as const) {
        const length = (params[pad] as { length?: unknown } | undefined)?.length;
        if (typeof length === 'number' && length > MAX_TRANSFORM_CHARS) {
          refuse(
            at('transform', i, pad, 'length'),
            `${of} ${pad} length`,
            length,
            "pad to at most the target column's length",
          );
        }
      }
      const replace = params.replace as { from?: unknown; to?: unknown } | undefined;
      const texts: [(string | number)[], string, unknown][] = [
        [['replace', 'from'], 'the replaced text', replace?.from],
        [['replace', 'to'], 'the replacement text', replace?.to],
        [['prefix'], 'the prefix', params.prefix],
        [['suffix'], 'the suffix', params.suffix],
      ];
      for (const [path, what, text] of texts) {
        if (typeof text === 'string' && text.length > MAX_TRANSFORM_CHARS) {
          refuse(at('transform', i, ...path), `${of} ${what}`, text.length, 'use a shorter text');
        }
      }
    }
  }
}
