import type { MigrationSpec } from '@databridge/engine';
import { PipelineSettings } from '../../../../../lib/client-safe.ts';
import { checkDraft, type DraftCheck, numberOf } from './draft-check.ts';

type Pipeline = MigrationSpec['pipeline'];
export type HookDraft = { uid: number; name: string; sql: string; on: 'target' | 'source' };
export type RuleDraft = { uid: number; name: string; sql: string; expect: string; on: 'target' | 'source' };

// Keys for list rows that stay put while rows are added and removed.
let nextUid = 1;
const uid = (): number => nextUid++;

export interface PipelineDraft {
  batchSize: string;
  parallelism: string;
  errorPolicy: Pipeline['errorPolicy'];
  logLevel: Pipeline['logLevel'];
  createTables: boolean;
  foreignKeyCheck: Pipeline['foreignKeyCheck'];
  extractArchive: NonNullable<Pipeline['extractArchive']>;
  /** `direct` also stands for unset: a spec that never chose stays so unless `database` is picked. */
  staging: NonNullable<Pipeline['staging']>;
  /** How long a completed staged run's schema is kept: to the report (unset), hours, or runs. */
  keepStaging: KeepStagingDraft;
  validation: Pipeline['validation'];
  pre: HookDraft[];
  post: HookDraft[];
  rules: RuleDraft[];
  /** The spec's settings as they were: those this form does not show (stall timeout, zero dates…) stay. */
  readonly kept: Pipeline;
}

/** `keepStaging` as the form edits it: a choice and the number typed for it. */
export interface KeepStagingDraft {
  readonly kind: 'report' | 'hours' | 'runs';
  readonly amount: string;
}

export const KEEP_STAGING: { value: KeepStagingDraft['kind']; label: string }[] = [
  { value: 'report', label: 'dropped after the report' },
  { value: 'hours', label: 'kept for some hours' },
  { value: 'runs', label: "kept for the project's last runs" },
];

function keepStagingDraftOf(keep: Pipeline['keepStaging']): KeepStagingDraft {
  if (!keep) return { kind: 'report', amount: '24' };
  return 'hours' in keep
    ? { kind: 'hours', amount: String(keep.hours) }
    : { kind: 'runs', amount: String(keep.runs) };
}

function keepStagingOf(d: KeepStagingDraft): unknown {
  if (d.kind === 'report') return undefined;
  return d.kind === 'hours' ? { hours: numberOf(d.amount) } : { runs: numberOf(d.amount) };
}

/** The error of the keepStaging field, wherever the schema put it (the union or its number). */
export function keepStagingError(errors: Readonly<Record<string, string>>): string | undefined {
  return errors['keepStaging.hours'] ?? errors['keepStaging.runs'] ?? errors.keepStaging;
}

export const ERROR_POLICIES: { value: Pipeline['errorPolicy']; label: string; hint: string }[] = [
  { value: 'fail_fast', label: 'Fail fast', hint: 'Stop the run at the first rejected row.' },
  {
    value: 'continue',
    label: 'Continue on error',
    hint: 'Load every good row of every table, then fail the run listing what was rejected.',
  },
  {
    value: 'skip_and_log',
    label: 'Skip and log',
    hint: 'Load every good row and succeed; rejected rows go to the rejects file and the report.',
  },
];

export const VALIDATIONS: { key: keyof Pipeline['validation']; label: string; hint: string }[] = [
  {
    key: 'rowCount',
    label: 'Compare row counts',
    hint: 'After the load, source rows against target rows per table.',
  },
  {
    key: 'checksum',
    label: 'Compare checksums',
    hint: 'After the load, an order-independent checksum of plain copies.',
  },
  {
    key: 'rows',
    label: 'Check NULLs per row',
    hint: 'Before the load, NULL into NOT NULL is rejected row by row.',
  },
  {
    key: 'types',
    label: 'Check values against types',
    hint: 'Lengths, ranges and dates are checked before they load.',
  },
  {
    key: 'schema',
    label: 'Incompatible types are errors',
    hint: 'At plan time, a column that cannot convert stops the run.',
  },
];

/** A rule's expected value as the form shows it (`null` spelled out). */
function expectText(value: unknown): string {
  return value === null ? 'null' : String(value);
}

/** What a typed expected value means: null, a boolean, a number, or else the text itself. */
export function expectValue(text: string): string | number | boolean | null {
  const t = text.trim();
  if (t === 'null') return null;
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && !Number.isNaN(Number(t))) return Number(t);
  return text;
}

export function pipelineDraftOf(p: Pipeline): PipelineDraft {
  const hook = (h: Pipeline['hooks']['pre'][number]): HookDraft => ({
    uid: uid(),
    name: h.name ?? '',
    sql: h.sql,
    on: h.on,
  });
  return {
    batchSize: String(p.batchSize),
    parallelism: String(p.parallelism),
    errorPolicy: p.errorPolicy,
    logLevel: p.logLevel,
    createTables: p.createTables,
    foreignKeyCheck: p.foreignKeyCheck,
    extractArchive: p.extractArchive ?? 'none',
    staging: p.staging ?? 'direct',
    keepStaging: keepStagingDraftOf(p.keepStaging),
    validation: p.validation,
    pre: p.hooks.pre.map(hook),
    post: p.hooks.post.map(hook),
    rules: p.rules.map((r) => ({
      uid: uid(),
      name: r.name,
      sql: r.sql,
      expect: expectText(r.expect),
      on: r.on,
    })),
    kept: p,
  };
}

function candidate(d: PipelineDraft): unknown {
  const hook = (h: HookDraft) => ({ ...(h.name.trim() ? { name: h.name } : {}), sql: h.sql, on: h.on });
  return {
    ...d.kept,
    batchSize: numberOf(d.batchSize),
    parallelism: numberOf(d.parallelism),
    errorPolicy: d.errorPolicy,
    logLevel: d.logLevel,
    createTables: d.createTables,
    foreignKeyCheck: d.foreignKeyCheck,
    // Unset unless chosen, so that a spec without an archive stays as it was written.
    extractArchive: d.extractArchive === 'none' ? undefined : d.extractArchive,
    // A spec that never said stays silent on staging until `database` is chosen.
    staging: d.staging === 'direct' && d.kept.staging === undefined ? undefined : d.staging,
    keepStaging: keepStagingOf(d.keepStaging),
    validation: d.validation,
    hooks: { pre: d.pre.map(hook), post: d.post.map(hook) },
    rules: d.rules.map((r) => ({ name: r.name, sql: r.sql, expect: expectValue(r.expect), on: r.on })),
  };
}

/** The settings the draft stands for, or each invalid field's sentence keyed by its path. */
export function checkPipelineDraft(d: PipelineDraft): DraftCheck<Pipeline> {
  return checkDraft(PipelineSettings, candidate(d), 'The pipeline settings are not valid.');
}

/** A new empty SQL hook, run on the target by default. */
export function newHook(): HookDraft {
  return { uid: uid(), name: '', sql: '', on: 'target' };
}

/** A new validation rule, expecting 0 (the usual "no bad rows") on the target. */
export function newRule(): RuleDraft {
  return { uid: uid(), name: '', sql: '', expect: '0', on: 'target' };
}

/** `list` with the row at `index` changed by `patch`. */
export function patchRow<Row>(list: readonly Row[], index: number, patch: Partial<Row>): Row[] {
  return list.map((row, i) => (i === index ? { ...row, ...patch } : row));
}

/** `list` without the row at `index`. */
export function withoutRow<Row>(list: readonly Row[], index: number): Row[] {
  return list.filter((_, i) => i !== index);
}
