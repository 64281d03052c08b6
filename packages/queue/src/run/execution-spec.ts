import { createHash } from 'node:crypto';
import type { MigrationSpec } from '@databridge/engine';
import { getExecutionLogicalDate, getProject, runnableSpec, type Store, StoreError } from '@databridge/store';

export interface ExecutionSpec {
  /** The spec with its connection URLs revealed: for the engine only, never stored, logged or sent. */
  readonly spec: MigrationSpec;
  /** Hash of the stored spec (connection references, no secrets): a resume refuses a changed one. */
  readonly specHash: string;
}

/** The execution a spec is built for: its logical date fills `{{logical_date}}`. */
export interface ExecutionRef {
  readonly id: string;
  readonly createdAt: string;
}

/**
 * The spec an execution runs: its project's, as stored now, with `{{logical_date}}` in each
 * mapping's `where` replaced by the run's logical date (a manual run's is its creation time). The
 * hash is of the stored spec, so every attempt of one execution, which has one logical date, agrees.
 */
export async function executionSpec(
  store: Store,
  projectId: string,
  execution?: ExecutionRef,
): Promise<ExecutionSpec> {
  const project = await getProject(store, projectId);
  if (!project) throw new StoreError('not_found', `There is no project ${projectId}`);
  let spec = await runnableSpec(store, projectId);
  if (execution) {
    const logicalDate = (await getExecutionLogicalDate(store, execution.id)) ?? execution.createdAt;
    spec = withLogicalDate(spec, new Date(logicalDate));
  }
  const specHash = createHash('sha256').update(JSON.stringify(project.spec)).digest('hex').slice(0, 16);
  return { spec, specHash };
}

const PLACEHOLDER = /\{\{\s*logical_date\s*\}\}/g;

/**
 * The spec with `{{logical_date}}` in every mapping's `where` replaced by `date` as a quoted SQL
 * timestamp literal in UTC, `'2024-05-01 02:00:00'`, which PostgreSQL, MySQL and SQLite all read
 * (SQLite compares it as text, so store dates there in the same format). Previews and plans made
 * outside a run can pass the current time.
 */
export function withLogicalDate<S extends Pick<MigrationSpec, 'mappings'>>(spec: S, date: Date): S {
  const literal = sqlTimestamp(date);
  return {
    ...spec,
    mappings: spec.mappings.map((m) => {
      const where = m.where?.replace(PLACEHOLDER, literal);
      return where === m.where ? m : { ...m, where };
    }),
  };
}

/** `'YYYY-MM-DD HH:MM:SS'` in UTC, quotes included. */
export function sqlTimestamp(date: Date): string {
  return `'${date.toISOString().slice(0, 19).replace('T', ' ')}'`;
}
