import type { MigrationSpec } from '@databridge/engine';
import { compareTypes, PipelineSettings, peopleError, TableMapping } from '../../../../../lib/client-safe.ts';
import { issueSentence } from './field-names.ts';
import { findColumn, findTable, nameKey, qualified, type SchemaData } from './schema-names.ts';
import type { StepSlug, StepState } from './steps.ts';

export interface Issue {
  readonly step: StepSlug;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly mapping?: number;
  readonly column?: string;
}

export interface Schemas {
  readonly source?: SchemaData | undefined;
  readonly target?: SchemaData | undefined;
}

/**
 * A first check of a SQL expression as it is typed: quotes closed, parentheses balanced, one
 * expression (no `;`). The source database has the last word when the plan runs.
 */
export function sqlExpressionIssue(sql: string): string | undefined {
  const text = sql.trim();
  if (!text) return 'write an expression, e.g. UPPER(first_name)';
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) {
        if (text[i + 1] === quote) i += 1;
        else quote = null;
      }
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth += 1;
    else if (ch === ')') {
      depth -= 1;
      if (depth < 0) return `unexpected “)” at character ${i + 1}`;
    } else if (ch === ';') return 'one expression only: remove the “;”';
  }
  if (quote) return `the quote ${quote} is never closed`;
  if (depth > 0) return `${depth} “(” never closed`;
  if (/^(select|insert|update|delete|drop|create|alter)\b/i.test(text))
    return 'an expression over the source row, not a statement';
  return undefined;
}

/** Every problem of the spec the wizard can see, by step. Schemas sharpen the checks once loaded. */
export function specIssues(spec: MigrationSpec, schemas: Schemas): Issue[] {
  const issues: Issue[] = [];
  const sourceDefault = spec.source.schema;
  const targetDefault = spec.target.schema;
  const createTables = spec.pipeline.createTables;

  if (spec.mappings.length === 0) {
    issues.push({ step: 'tables', severity: 'error', message: 'Map at least one table.' });
  }
  const seen = new Map<string, number>();
  const loadedTargets = new Set<string>();
  spec.mappings.forEach((mapping, index) => {
    const key = `${mapping.source.toLowerCase()}→${mapping.target.toLowerCase()}`;
    if (seen.has(key)) {
      issues.push({
        step: 'tables',
        severity: 'error',
        mapping: index,
        message: `${mapping.source} → ${mapping.target} is mapped twice; remove one.`,
      });
    }
    seen.set(key, index);
    const sourceTable = findTable(schemas.source, mapping.source, sourceDefault);
    const targetTable = findTable(schemas.target, mapping.target, targetDefault);
    if (schemas.source && !sourceTable) {
      issues.push({
        step: 'tables',
        severity: 'error',
        mapping: index,
        message: `The source has no table ${mapping.source}.`,
      });
    }
    if (schemas.target && !targetTable && !createTables) {
      issues.push({
        step: 'tables',
        severity: 'warning',
        mapping: index,
        message: `The target has no table ${mapping.target}: turn on “Create missing target tables” in step 3, or pick an existing table.`,
      });
    }
    if (targetTable) loadedTargets.add(qualified(targetTable));

    const parsed = TableMapping.safeParse(mapping, { error: peopleError });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      issues.push({
        step: 'columns',
        severity: 'error',
        mapping: index,
        message: `${mapping.source} → ${mapping.target}: ${issueSentence(issue)}`,
      });
    }
    const targets = new Set<string>();
    for (const column of mapping.columns) {
      if (targets.has(column.target.toLowerCase())) {
        issues.push({
          step: 'columns',
          severity: 'error',
          mapping: index,
          column: column.target,
          message: `${mapping.target}.${column.target} is filled twice.`,
        });
      }
      targets.add(column.target.toLowerCase());
      if (column.expression !== undefined) {
        const problem = sqlExpressionIssue(column.expression);
        if (problem) {
          issues.push({
            step: 'columns',
            severity: 'error',
            mapping: index,
            column: column.target,
            message: `${mapping.target}.${column.target}: ${problem}`,
          });
        }
      }
      const sourceColumn = column.source ? findColumn(sourceTable, column.source) : undefined;
      const targetColumn = findColumn(targetTable, column.target);
      if (sourceTable && column.source && !sourceColumn) {
        issues.push({
          step: 'columns',
          severity: 'error',
          mapping: index,
          column: column.target,
          message: `${mapping.source} has no column ${column.source}.`,
        });
      }
      if (targetTable && !targetColumn) {
        issues.push({
          step: 'columns',
          severity: 'error',
          mapping: index,
          column: column.target,
          message: `${mapping.target} has no column ${column.target}.`,
        });
      }
      if (sourceColumn && targetColumn && column.transform.length === 0) {
        const verdict = compareTypes(sourceColumn, targetColumn);
        if (verdict.level === 'incompatible') {
          issues.push({
            step: 'columns',
            severity: spec.pipeline.validation.schema ? 'error' : 'warning',
            mapping: index,
            column: column.target,
            message: `${mapping.target}.${column.target}: ${verdict.reason}`,
          });
        }
      }
    }
    if (targetTable) {
      for (const column of targetTable.columns) {
        const filled = mapping.columns.some((c) => nameKey(c.target) === nameKey(column.name));
        if (!filled && !column.nullable && column.defaultValue === null && !column.autoIncrement) {
          issues.push({
            step: 'columns',
            severity: 'warning',
            mapping: index,
            column: column.name,
            message: `${mapping.target}.${column.name} is required (NOT NULL, no default) but nothing fills it.`,
          });
        }
      }
    }
  });

  // Targets referenced by a loaded table's foreign keys that no mapping loads.
  if (schemas.target) {
    for (const table of schemas.target.tables) {
      if (!loadedTargets.has(qualified(table))) continue;
      for (const fk of table.foreignKeys) {
        const referenced = `${fk.referencedSchema}.${fk.referencedTable}`;
        if (!loadedTargets.has(referenced) && referenced !== qualified(table)) {
          issues.push({
            step: 'tables',
            severity: 'warning',
            message: `${qualified(table)} references ${referenced}, which no mapping loads: its rows must already be there.`,
          });
        }
      }
    }
  }

  const pipeline = PipelineSettings.safeParse(spec.pipeline, { error: peopleError });
  if (!pipeline.success) {
    for (const issue of pipeline.error.issues) {
      issues.push({
        step: 'pipeline',
        severity: 'error',
        message: issueSentence(issue),
      });
    }
  }
  return dedupe(issues);
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.step}|${i.severity}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Each step's state from the issues and what has happened to the project. */
export function stepStates(
  spec: MigrationSpec,
  issues: readonly Issue[],
  lastExecutionStatus: string | null,
  previewStatus: 'clean' | 'issues' | null = null,
): Record<StepSlug, StepState> {
  const hasError = (step: StepSlug) => issues.some((i) => i.step === step && i.severity === 'error');
  return {
    tables: hasError('tables') ? 'error' : spec.mappings.length > 0 ? 'complete' : 'todo',
    columns: hasError('columns')
      ? 'error'
      : spec.mappings.length > 0 && spec.mappings.every((m) => m.columns.length > 0)
        ? 'complete'
        : 'todo',
    pipeline: hasError('pipeline') ? 'error' : 'complete',
    schedule: hasError('schedule') ? 'error' : spec.schedule && 'cron' in spec.schedule ? 'complete' : 'todo',
    preview: previewStatus === 'clean' ? 'complete' : previewStatus === 'issues' ? 'error' : 'todo',
    execute:
      lastExecutionStatus === 'completed' ? 'complete' : lastExecutionStatus === 'failed' ? 'error' : 'todo',
  };
}
