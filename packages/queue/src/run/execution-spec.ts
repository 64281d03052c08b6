import { createHash } from 'node:crypto';
import type { MigrationSpec } from '@databridge/engine';
import { getProject, runnableSpec, type Store, StoreError } from '@databridge/store';

export interface ExecutionSpec {
  /** The spec with its connection URLs revealed: for the engine only, never stored, logged or sent. */
  readonly spec: MigrationSpec;
  /** Hash of the stored spec (connection references, no secrets): a resume refuses a changed one. */
  readonly specHash: string;
}

/** The spec an execution runs: its project's, as stored now. */
export async function executionSpec(store: Store, projectId: string): Promise<ExecutionSpec> {
  const project = await getProject(store, projectId);
  if (!project) throw new StoreError('not_found', `There is no project ${projectId}`);
  const spec = await runnableSpec(store, projectId);
  const specHash = createHash('sha256').update(JSON.stringify(project.spec)).digest('hex').slice(0, 16);
  return { spec, specHash };
}
