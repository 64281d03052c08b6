import type { MigrationPlan, PlannedMapping } from '@databridge/engine';
import { groupWarnings, STAGES } from '@databridge/engine';

const DESCRIPTIONS: Record<(typeof STAGES)[number], string> = {
  extract: 'count source rows, split large tables into key ranges',
  transform: 'compile column mappings: string operations, defaults, type conversions',
  load_dimensions: 'tables other tables reference, parents first',
  load_facts: 'tables nothing references, in parallel',
  validate: 'row counts and checksums, source against target',
  report: 'JSON and HTML report',
};

/** The plan as a person reads it: stages with their tables in load order, then every warning. */
export function renderPlan(plan: MigrationPlan): string {
  const out: string[] = [`Plan for "${plan.spec.name}": ${plan.mappings.length} table mappings`, ''];
  for (const stage of STAGES) {
    out.push(`${stage.padEnd(16)} ${DESCRIPTIONS[stage]}`);
    const mappings = plan.mappings.filter((m) => m.stage === stage);
    const levels = [...new Set(mappings.map((m) => m.level))].sort((a, b) => a - b);
    for (const level of levels) {
      const names = mappings.filter((m) => m.level === level).map(describe);
      out.push(`  ${levels.length > 1 ? `level ${level}: ` : ''}${names.join(', ')}`);
    }
    if ((stage === 'load_dimensions' || stage === 'load_facts') && mappings.length === 0)
      out.push('  (nothing: skipped)');
  }
  out.push('');
  if (plan.warnings.length === 0) out.push('No warnings.');
  else {
    out.push(`${plan.warnings.length} warning(s):`);
    for (const group of groupWarnings(plan.warnings)) {
      out.push(`  [${group.kind}] ${group.summary}`);
      out.push(`      -> ${group.fix}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * The DDL a run executes, as a SQL script: before the load (enum types, tables), then after it
 * (indexes, constraints, identities and their sequences, defaults, triggers, comments, foreign keys).
 */
export function renderDdl(plan: MigrationPlan): string {
  const ddl = plan.ddl;
  if (!ddl || ddl.beforeLoad.length === 0)
    return '-- This run creates no table (pipeline.createTables is off, or every target table exists): no DDL.\n';
  const script = (statements: typeof ddl.beforeLoad) => statements.map((s) => `${s.sql};`).join('\n\n');
  const out = [
    `-- DDL of "${plan.spec.name}", in the order the run executes it.`,
    '-- Before the load:',
    script(ddl.beforeLoad),
    '',
    '-- After the load (indexes and unique constraints build side by side):',
    script(ddl.afterLoad),
  ];
  if (ddl.warnings.length > 0) {
    out.push('', '-- Not created:');
    for (const w of ddl.warnings) out.push(`-- ${w.table}${w.column ? `.${w.column}` : ''}: ${w.message}`);
  }
  return `${out.join('\n')}\n`;
}

function describe(m: PlannedMapping): string {
  const created = m.createTarget ? ' (created)' : '';
  const mode = m.mode === 'append' ? '' : ` [${m.mode}]`;
  return `${m.source.name} -> ${m.target.schema}.${m.target.name}${created}${mode}`;
}

/** The plan as JSON: mappings without the full schema objects. */
export function planJson(plan: MigrationPlan): unknown {
  return {
    name: plan.spec.name,
    stages: STAGES.map((id) => ({
      id,
      tables: plan.mappings
        .filter((m) => m.stage === id)
        .map((m) => ({
          mappingId: m.id,
          source: `${m.source.schema}.${m.source.name}`,
          target: `${m.target.schema}.${m.target.name}`,
          level: m.level,
          mode: m.mode,
          createTarget: m.createTarget,
          key: m.sourceKey,
          deferredColumns: m.columns.filter((c) => c.deferred).map((c) => c.target.name),
        })),
    })),
    warnings: plan.warnings,
  };
}
