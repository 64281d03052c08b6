import type { Connection } from '../connectors/connection.ts';
import type { ColumnInfo } from '../schema/model.ts';
import type { MigrationPlan, PlannedColumn, PlannedMapping, PlanWarning } from './plan-types.ts';
import { compareTypes } from './type-compatibility.ts';

const INT_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};
const INTEGER = new Set(['int16', 'int32', 'int64']);
/** Source tables above this many rows (by estimate) are not scanned at plan time. */
const MEASURE_MAX_ROWS = 5_000_000;
const TEXTUAL = new Set(['string', 'text', 'uuid', 'json']);

/**
 * Type warnings from declared types alone cry wolf: an SQLite INTEGER into an int column "may
 * overflow" whatever its values. Where the declared types say a value may not fit because of its
 * size (an integer range, a length, integer digits), this counts on the source the rows whose value
 * actually does not fit, in one scan per table: none, and the warning goes; some, and it says how many.
 * Warnings of another cause (decimals, time zones, parsing) stay as they are.
 */
export async function measureTypeWarnings(
  plan: MigrationPlan,
  source: Connection,
  checks: MeasuredChecks = 'all',
): Promise<MigrationPlan> {
  return (await measure(plan, source, checks)).plan;
}

/**
 * Which checks a scan counts. `plan` counts them all. A run counts `before_load` the ones whose
 * finding changes what the load does or would otherwise go unsaid: zero dates it stores as NULL, and
 * values that make a created boolean column a small integer. The rest only word a warning ahead of
 * what the load itself reports (a zero date or a TINYINT(1) of 2 rejects its row with the reason,
 * a value too large for its column too): a run counts zero dates and booleans `during_load`, on the
 * source beside its load (on the benchmark's MariaDB the scans held the load back by 1.1-1.5 s),
 * and leaves size warnings as the declared types word them.
 */
export type MeasuredChecks = 'all' | 'before_load' | 'during_load';

/** The warnings a `during_load` scan adds (zero dates rejected, TINYINT(1) values rejected). */
export async function measureDuringLoad(plan: MigrationPlan, source: Connection): Promise<PlanWarning[]> {
  return (await measure(plan, source, 'during_load')).added;
}

async function measure(
  plan: MigrationPlan,
  source: Connection,
  which: MeasuredChecks,
): Promise<{ plan: MigrationPlan; added: PlanWarning[] }> {
  const verdicts = new Map<string, number>();
  const added: PlanWarning[] = [];
  const widened = new Map<string, Set<string>>();
  const unmeasured = new Set<string>();
  const scans = plan.mappings.map((m) => {
    // One scan per table: past this size the plan would take as long as a load, so it trusts the types.
    if (m.source.rowEstimate > MEASURE_MAX_ROWS) {
      unmeasured.add(`${m.target.schema}.${m.target.name}`);
      return undefined;
    }
    const all = which === 'all';
    const checks = m.columns.flatMap((c) => {
      const condition = all ? offendingCondition(c, source) : undefined;
      const zeroRejects = zeroDateFate(c, plan.spec.pipeline.zeroDates) === 'rejected';
      const zero =
        all || (which === 'during_load') === zeroRejects ? zeroDateCondition(c, source) : undefined;
      const bool =
        all || (which === 'before_load') === m.createTarget ? notBooleanCondition(c, source) : undefined;
      return [
        ...(condition ? [{ column: c, condition, kind: 'size' as const }] : []),
        ...(zero ? [{ column: c, condition: zero, kind: 'zero' as const }] : []),
        ...(bool ? [{ column: c, condition: bool, kind: 'bool' as const }] : []),
      ];
    });
    return checks.length === 0 ? undefined : { m, checks };
  });
  // The tables are scanned side by side (as many at once as the source's pool lends connections):
  // each scan is one core of the source's for a second per million rows, before the load can start.
  const counted = await Promise.all(
    scans.map(async (scan) => {
      if (!scan) return undefined;
      const sums = scan.checks.map((c, i) => `SUM(CASE WHEN ${c.condition} THEN 1 ELSE 0 END) AS c${i}`);
      const where = scan.m.where ? ` WHERE (${scan.m.where})` : '';
      const [row] = await source.query(
        `SELECT ${sums.join(', ')} FROM ${source.dialect.qualify(scan.m.source)}${where}`,
      );
      return row;
    }),
  );
  for (const [s, scan] of scans.entries()) {
    if (!scan) continue;
    const { m, checks } = scan;
    const row = counted[s];
    for (const [i, c] of checks.entries()) {
      const count = Number(row?.[`c${i}`] ?? 0);
      if (c.kind === 'size') verdicts.set(keyOf(m, c.column.target.name), count);
      else if (count === 0) continue;
      else if (c.kind === 'zero')
        added.push(zeroDateWarning(m, c.column, count, plan.spec.pipeline.zeroDates));
      else {
        added.push(notBooleanWarning(m, c.column, count));
        if (m.createTarget) widened.set(m.id, (widened.get(m.id) ?? new Set()).add(c.column.target.name));
      }
    }
  }
  if (verdicts.size === 0 && added.length === 0 && unmeasured.size === 0) return { plan, added };
  const warnings = plan.warnings.flatMap((w): PlanWarning[] => {
    if (w.kind !== 'type_compatibility' || w.column === undefined) return [w];
    if (unmeasured.has(w.table))
      return [
        {
          ...w,
          message: `${w.message} (not measured: the source table is larger than ${MEASURE_MAX_ROWS} rows)`,
        },
      ];
    const offending = verdicts.get(`${w.table}\u0000${w.column}`);
    if (offending === undefined) return [w];
    if (offending === 0) return [];
    return [{ ...w, message: `${w.message}: ${offending} source row(s) hold such a value (measured)` }];
  });
  const mappings = plan.mappings.map((m) => (widened.has(m.id) ? widen(m, widened.get(m.id)!) : m));
  return { plan: { ...plan, mappings, warnings: [...warnings, ...added] }, added };
}

/**
 * A MySQL TINYINT(1) reads as a boolean, but may hold any of -128..127. Values other than 0 and 1 are
 * counted: a created column then becomes smallint so that none is lost (the warning says so); into an
 * existing boolean column their rows are rejected with the reason, never taken as true.
 */
function notBooleanCondition(c: PlannedColumn, source: Connection): string | undefined {
  if (source.dialect.name !== 'mysql' || !c.source || c.transform.length > 0) return undefined;
  if (c.source.type !== 'boolean' || !/^tinyint/i.test(c.source.nativeType)) return undefined;
  const col = source.dialect.quoteIdentifier(c.source.name);
  return `${col} NOT IN (0, 1)`;
}

function notBooleanWarning(m: PlannedMapping, c: PlannedColumn, count: number): PlanWarning {
  const where = `${m.source.name}.${c.source!.name} (${c.source!.nativeType})`;
  return m.createTarget
    ? {
        kind: 'type_compatibility',
        table: `${m.target.schema}.${m.target.name}`,
        column: c.target.name,
        message: `${where} holds ${count} value(s) other than 0 and 1: ${c.target.name} is created as a small integer instead of a boolean, so that none is lost`,
        fix: 'nothing to do, unless the application expects a boolean: then fix those values on the source',
      }
    : {
        kind: 'type_compatibility',
        table: `${m.target.schema}.${m.target.name}`,
        column: c.target.name,
        message: `${where} holds ${count} value(s) other than 0 and 1: their rows are rejected, never taken as true`,
        fix: 'fix those values on the source, or make the target column an integer',
      };
}

/** The mapping with these created columns typed int16 instead of boolean (values compared by count only). */
function widen(m: PlannedMapping, names: ReadonlySet<string>): PlannedMapping {
  const retype = (c: ColumnInfo): ColumnInfo => (names.has(c.name) ? { ...c, type: 'int16' } : c);
  const target = { ...m.target, columns: m.target.columns.map(retype) };
  const columns = m.columns.map((c) => ({ ...c, target: retype(c.target) }));
  return { ...m, target, columns, plainCopy: false };
}

/** MySQL dates with a zero year, month or day (`0000-00-00`, `2024-00-10`), which no other database takes. */
function zeroDateCondition(c: PlannedColumn, source: Connection): string | undefined {
  if (source.dialect.name !== 'mysql' || !c.source || c.transform.length > 0) return undefined;
  if (!['date', 'timestamp', 'timestamptz'].includes(c.source.type)) return undefined;
  const col = source.dialect.quoteIdentifier(c.source.name);
  return `(YEAR(${col}) = 0 OR MONTH(${col}) = 0 OR DAYOFMONTH(${col}) = 0)`;
}

function zeroDateWarning(
  m: PlannedMapping,
  c: PlannedColumn,
  count: number,
  setting: 'reject' | 'null',
): PlanWarning {
  const fate =
    setting === 'null'
      ? 'each is stored as NULL (zeroDates: null)'
      : zeroDateFate(c, setting) === 'null'
        ? 'each is stored as NULL (onInvalid: null)'
        : 'their rows are rejected (zeroDates: reject)';
  return {
    kind: 'type_compatibility',
    table: `${m.target.schema}.${m.target.name}`,
    column: c.target.name,
    message: `${m.source.name}.${c.source!.name} holds ${count} zero date(s) (0000-00-00, or a zero month or day): ${fate}`,
    fix:
      setting === 'null'
        ? 'nothing to do, unless NULL is not what the application expects'
        : 'set pipeline.zeroDates: null to store them as NULL, or fix them on the source',
  };
}

/** What the load does with a zero date of this column: stores NULL, or rejects its row. */
function zeroDateFate(c: PlannedColumn, setting: 'reject' | 'null'): 'null' | 'rejected' {
  return setting === 'null' || c.onInvalid === 'null' ? 'null' : 'rejected';
}

function keyOf(m: PlannedMapping, column: string): string {
  return `${m.target.schema}.${m.target.name}\u0000${column}`;
}

/** The SQL condition (in the source's dialect) true for a value that does not fit, or undefined. */
function offendingCondition(c: PlannedColumn, source: Connection): string | undefined {
  if (!c.source || c.transform.length > 0 || c.expression !== undefined) return undefined;
  if (compareTypes(c.source, c.target).level !== 'narrowing') return undefined;
  const col = source.dialect.quoteIdentifier(c.source.name);
  const s = c.source.type;
  const t = c.target;
  if (INTEGER.has(s) && INTEGER.has(t.type) && !t.unsigned) {
    const [lo, hi] = INT_RANGE[t.type]!;
    return `(${col} < ${lo} OR ${col} > ${hi})`;
  }
  if (INTEGER.has(s) && t.type === 'decimal' && t.precision !== undefined) return tooManyDigits(col, t);
  if (s === 'decimal' && t.type === 'decimal' && t.precision !== undefined) {
    // Only the integer digits are measured; more decimals than the target's scale stay a warning.
    if ((c.source.scale ?? 0) > (t.scale ?? 0)) return undefined;
    return tooManyDigits(col, t);
  }
  if (TEXTUAL.has(s) && t.type === 'string' && t.length !== undefined) {
    const length = source.dialect.name === 'sqlite' ? 'length' : 'char_length';
    return `${length}(${col}) > ${t.length}`;
  }
  return undefined;
}

function tooManyDigits(col: string, target: Pick<ColumnInfo, 'precision' | 'scale'>): string {
  const digits = (target.precision ?? 0) - (target.scale ?? 0);
  return `(${col} >= 1${'0'.repeat(digits)} OR ${col} <= -1${'0'.repeat(digits)})`;
}
