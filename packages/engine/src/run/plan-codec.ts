import type { MigrationPlan } from '../plan/plan-types.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';

/**
 * The plan as the run state keeps it. Stages that run later, perhaps in another process, must work
 * from the plan the run started with: re-planning after the extract stage created the target tables
 * would no longer know they were created by this run (and owe their foreign keys). The spec is left
 * out (its URLs carry passwords); the reader supplies its own. Bigints, bytes and non-finite numbers
 * in column defaults survive the trip.
 */
export function encodePlan(plan: MigrationPlan): string {
  // A function, not an arrow: `this[key]` is the value before Buffer's toJSON turned it into a list.
  return JSON.stringify({ mappings: plan.mappings, warnings: plan.warnings }, function (key, value: unknown) {
    const original: unknown = (this as Record<string, unknown>)[key];
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    if (original instanceof Uint8Array) return { $bytes: Buffer.from(original).toString('base64') };
    if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
    return value;
  });
}

export function decodePlan(text: string, spec: MigrationSpec): MigrationPlan {
  const decoded = JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = value as Record<string, unknown>;
      if (typeof tagged.$bigint === 'string') return BigInt(tagged.$bigint);
      if (typeof tagged.$bytes === 'string') return Buffer.from(tagged.$bytes, 'base64');
      if (typeof tagged.$number === 'string') return Number(tagged.$number);
    }
    return value;
  }) as Omit<MigrationPlan, 'spec'>;
  return { spec, mappings: decoded.mappings, warnings: decoded.warnings };
}
