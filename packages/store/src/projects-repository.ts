import type { MigrationSpec } from '@databridge/engine';
import type { Selectable } from 'kysely';
import { revealConnectionUrl } from './connections-repository.ts';
import { StoreError } from './errors.ts';
import { newId } from './ids.ts';
import type { Store } from './open-store.ts';
import { checkProjectSpec, readStoredSpec } from './project-spec.ts';
import type { ProjectsTable } from './schema/database.ts';
import { ACTIVE_EXECUTION_STATUSES } from './statuses.ts';
import { readJson, readTime, writeJson } from './values.ts';

/** A migration project: its spec, with `source.url` and `target.url` naming its connections. */
export interface Project {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly sourceConnectionId: string;
  readonly targetConnectionId: string;
  readonly spec: MigrationSpec;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ProjectInput {
  readonly name: string;
  readonly description?: string;
  readonly sourceConnectionId: string;
  readonly targetConnectionId: string;
  /** The migration spec as parsed JSON/YAML; validated on write (`bad_spec` names the field). */
  readonly spec: unknown;
}

export async function createProject(store: Store, input: ProjectInput): Promise<Project> {
  await checkConnections(store, input.sourceConnectionId, input.targetConnectionId);
  const spec = checkProjectSpec(input.spec, input.sourceConnectionId, input.targetConnectionId);
  const now = new Date().toISOString();
  const row = await store.db
    .insertInto('projects')
    .values({
      id: newId(),
      name: checkName(input.name),
      description: input.description ?? '',
      source_connection_id: input.sourceConnectionId,
      target_connection_id: input.targetConnectionId,
      spec: writeJson(spec),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toProject(row);
}

export async function getProject(store: Store, id: string): Promise<Project | undefined> {
  const row = await store.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toProject(row);
}

/** Every project, by name. */
export async function listProjects(store: Store): Promise<Project[]> {
  const rows = await store.db.selectFrom('projects').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(toProject);
}

/** Changes any of a project's fields; the spec is validated again. Throws `not_found`, `bad_spec`. */
export async function updateProject(
  store: Store,
  id: string,
  patch: Partial<ProjectInput>,
): Promise<Project> {
  const current = await getProject(store, id);
  if (!current) throw new StoreError('not_found', `There is no project ${id}`);
  const sourceId = patch.sourceConnectionId ?? current.sourceConnectionId;
  const targetId = patch.targetConnectionId ?? current.targetConnectionId;
  await checkConnections(store, sourceId, targetId);
  const spec = checkProjectSpec(patch.spec ?? current.spec, sourceId, targetId);
  const row = await store.db
    .updateTable('projects')
    .set({
      name: patch.name === undefined ? undefined : checkName(patch.name),
      description: patch.description,
      source_connection_id: sourceId,
      target_connection_id: targetId,
      spec: writeJson(spec),
      updated_at: new Date().toISOString(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new StoreError('not_found', `There is no project ${id}`);
  return toProject(row);
}

/**
 * Deletes a project with its whole execution history (stages, tasks, checkpoints, logs, metrics,
 * rejected-row summaries go with it through ON DELETE CASCADE). Refused with `in_use` while one of its
 * executions is pending, running or paused. Returns the ids of the executions deleted, whose files
 * the caller may remove (files are not the store's to delete; it finds them by id, never by a path
 * kept here, which a hook could have rewritten).
 */
export async function deleteProject(
  store: Store,
  id: string,
): Promise<{ deleted: boolean; executionIds: string[] }> {
  const executions = await store.db
    .selectFrom('executions')
    .select('id')
    .where('project_id', '=', id)
    .orderBy('id')
    .execute();
  const result = await store.db
    .deleteFrom('projects')
    .where('id', '=', id)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('executions')
            .select('id')
            .where('project_id', '=', id)
            .where('status', 'in', ACTIVE_EXECUTION_STATUSES),
        ),
      ),
    )
    .executeTakeFirst();
  if (result.numDeletedRows > 0n) return { deleted: true, executionIds: executions.map((e) => e.id) };
  if (!(await getProject(store, id))) return { deleted: false, executionIds: [] };
  throw new StoreError('in_use', 'The project has an execution pending, running or paused; cancel it first');
}

/**
 * The project's spec ready to run: its connection references replaced by the full URLs. For the
 * executor only; the result holds passwords and must not be stored, logged or sent to a browser.
 */
export async function runnableSpec(store: Store, projectId: string): Promise<MigrationSpec> {
  const project = await getProject(store, projectId);
  if (!project) throw new StoreError('not_found', `There is no project ${projectId}`);
  const [source, target] = await Promise.all([
    revealConnectionUrl(store, project.sourceConnectionId),
    revealConnectionUrl(store, project.targetConnectionId),
  ]);
  return {
    ...project.spec,
    source: { ...project.spec.source, url: source },
    target: { ...project.spec.target, url: target },
  };
}

async function checkConnections(store: Store, sourceId: string, targetId: string): Promise<void> {
  const found = await store.db
    .selectFrom('connections')
    .select('id')
    .where('id', 'in', [sourceId, targetId])
    .execute();
  const ids = new Set(found.map((c) => c.id));
  for (const [field, id] of [
    ['sourceConnectionId', sourceId],
    ['targetConnectionId', targetId],
  ] as const) {
    if (!ids.has(id)) throw new StoreError('bad_input', `${field}: there is no connection ${id}`);
  }
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new StoreError('bad_input', 'name: a project needs a name');
  return trimmed;
}

function toProject(row: Selectable<ProjectsTable>): Project {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    sourceConnectionId: row.source_connection_id,
    targetConnectionId: row.target_connection_id,
    spec: readStoredSpec(readJson(row.spec), row.name),
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
  };
}
