import { buildPlan } from '../plan/build-plan.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import { openPair } from './open-pair.ts';
import { type TableValidation, validateTables } from './validate.ts';

/**
 * `databridge validate`: every mapped table compared whole, source against target, whatever the
 * runs moved: row counts, and with `checksums` the checksum of every copied column (plain copies
 * into one table). An incremental run checks only the rows it moved; this is the check on demand
 * that the target still equals the source. Reads both tables in full.
 */
export async function validateFull(
  spec: MigrationSpec,
  options: {
    readonly lineOf?: (path: readonly (string | number)[]) => string;
    readonly checksums: boolean;
    readonly signal?: AbortSignal;
  },
): Promise<TableValidation[]> {
  const { source, target } = await openPair({ ...spec, pipeline: { ...spec.pipeline, parallelism: 1 } });
  try {
    const [sourceSchema, targetSchema] = await Promise.all([source.introspect(), target.introspect()]);
    const plan = buildPlan({
      spec: { ...spec, pipeline: { ...spec.pipeline, createTables: false, schema: 'data_only' } },
      sourceSchema,
      targetSchema,
      sourceDefaultSchema: source.dialect.defaultSchema,
      targetDefaultSchema: target.dialect.defaultSchema,
      lineOf: options.lineOf ?? (() => 'spec'),
    });
    // Compared as a fresh copy of the whole table: every source row once, nothing else.
    const whole = plan.mappings.map((m): PlannedMapping => {
      const { sync: _sync, ...rest } = m;
      return { ...rest, mode: 'append' };
    });
    return await validateTables(whole, source, target, {
      rowCount: true,
      checksum: options.checksums,
      rejected: {},
      targetBefore: {},
      signal: options.signal ?? new AbortController().signal,
    });
  } finally {
    await Promise.allSettled([source.close(), target.close()]);
  }
}
