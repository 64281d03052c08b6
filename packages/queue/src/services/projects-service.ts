import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CONFIDENT,
  connectorOf,
  type DatabaseSchema,
  type DialectName,
  type MappingSuggestions,
  type MigrationSpec,
  type MigrationSpecInput,
  maskPassword,
  parseConnectionUrl,
  peopleError,
  suggestMappings,
  type TableInfo,
  type TableRef,
} from '@databridge/engine';
import {
  type Connection,
  createProject,
  deleteProject,
  type ExecutionStatus,
  getProject,
  listConnections,
  listExecutions,
  listProjects,
  type Project,
  revealConnectionUrl,
  updateProject,
} from '@databridge/store';
import { Document, parseDocument } from 'yaml';
import type { ServiceContext } from '../context.ts';
import { type NextRun, nextRun } from '../schedule/next-run.ts';
import { checkDependencies, dependsOnOf } from '../scheduler/dependencies.ts';
import { hideAlertSecrets } from './alert-secrets.ts';
import { requireConnection, withOpenConnection } from './connections-service.ts';
import {
  CreateProjectInput,
  ImportProjectInput,
  type SpecFormat,
  UpdateProjectInput,
} from './project-inputs.ts';
import { ServiceError } from './service-error.ts';
import { notFound, withServiceErrors } from './service-failures.ts';
import { checkSqliteLocation } from './sqlite-files.ts';
import { checkTargetTableNames } from './target-names.ts';

export * from './project-inputs.ts';

/** What the project services need of the context. */
export type ProjectsContext = Pick<ServiceContext, 'store' | 'reportsDir' | 'env' | 'artefacts'>;

export interface ConnectionSummary {
  readonly id: string;
  readonly name: string;
  readonly kind: DialectName;
  /** Masked URL. */
  readonly url: string;
}

export interface LastExecution {
  readonly id: string;
  readonly status: ExecutionStatus;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
}

/** A project as the dashboard lists it. */
export interface ProjectSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly source: ConnectionSummary | null;
  readonly target: ConnectionSummary | null;
  readonly tableMappings: number;
  readonly lastExecution: LastExecution | null;
  /** The timetable's next run in the project's time zone, or why there is none. */
  readonly nextRun: NextRun;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A project with its spec, as the wizard edits it. Source and target URLs are `connection:<id>`. */
export interface ProjectView extends ProjectSummary {
  readonly spec: MigrationSpec;
}

export interface ColumnSuggestionView {
  readonly source: string;
  readonly target: string;
  readonly score: number;
  readonly sourceType: string;
  readonly targetType: string;
}

/** One suggested table pair. Table names are as the spec writes them; `*Qualified` always has the schema. */
export interface TableSuggestionView {
  readonly source: string;
  readonly target: string;
  readonly sourceQualified: string;
  readonly targetQualified: string;
  readonly score: number;
  /** True at or above the score a draft maps without asking. */
  readonly confident: boolean;
  readonly columns: readonly ColumnSuggestionView[];
  readonly unmatchedSourceColumns: readonly string[];
  readonly unmatchedTargetColumns: readonly string[];
}

export interface SuggestionsView {
  readonly confidentScore: number;
  readonly tables: readonly TableSuggestionView[];
  readonly unmatchedSourceTables: readonly string[];
  readonly unmatchedTargetTables: readonly string[];
}

export interface SpecFile {
  readonly fileName: string;
  readonly contentType: string;
  readonly text: string;
}

/** Every project, by name, with its connections and last execution. */
export async function listProjectSummaries(ctx: Pick<ProjectsContext, 'store'>): Promise<ProjectSummary[]> {
  const [projects, connections] = await Promise.all([listProjects(ctx.store), listConnections(ctx.store)]);
  const byId = new Map(connections.map((c) => [c.id, c]));
  return Promise.all(projects.map((p) => summarise(ctx, p, byId)));
}

/** One project with its spec; `not_found` when there is none. */
export async function getProjectView(ctx: Pick<ProjectsContext, 'store'>, id: string): Promise<ProjectView> {
  const project = await requireProject(ctx, id);
  return view(ctx, project);
}

/**
 * Creates a project. Without a spec in the input, both databases are introspected and the draft
 * holds every confident auto-mapped table pair with its confident column pairs (or, when the target
 * has no tables, every source table with `createTables`). `bad_input` names the field; `conflict`
 * when another project has the name; `unavailable` when a database does not answer.
 */
export async function createProjectRecord(
  ctx: Pick<ProjectsContext, 'store' | 'env'>,
  input: CreateProjectInput,
): Promise<ProjectView> {
  const parsed = CreateProjectInput.parse(input, { error: peopleError });
  await checkNameFree(ctx, parsed.name, undefined);
  const [source, target] = await Promise.all([
    connectionOrBadInput(ctx, 'sourceConnectionId', parsed.sourceConnectionId),
    connectionOrBadInput(ctx, 'targetConnectionId', parsed.targetConnectionId),
  ]);
  const spec = parsed.spec ?? (await draftSpec(ctx, parsed.name, source, target));
  // Upstream projects must exist and must not wait for this one, directly or not.
  await checkDependencies(ctx, null, dependsOnOf(spec), { name: parsed.name });
  const project = await withServiceErrors(() =>
    createProject(ctx.store, {
      name: parsed.name,
      ...(parsed.description !== undefined ? { description: parsed.description } : {}),
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
      spec,
    }),
  );
  return view(ctx, project);
}

/** Changes a project's fields or spec; the spec is validated again (`bad_input` names the field). */
export async function updateProjectRecord(
  ctx: Pick<ProjectsContext, 'store'>,
  id: string,
  input: UpdateProjectInput,
): Promise<ProjectView> {
  const parsed = UpdateProjectInput.parse(input, { error: peopleError });
  const current = await requireProject(ctx, id);
  if (parsed.name !== undefined) await checkNameFree(ctx, parsed.name, id);
  if (parsed.spec !== undefined) {
    const target = await requireConnection(ctx, parsed.targetConnectionId ?? current.targetConnectionId);
    checkTargetTableNames(parsed.spec, target.kind);
  }
  await checkDependencies(ctx, id, dependsOnOf(parsed.spec ?? current.spec), {
    name: parsed.name ?? current.name,
  });
  const project = await withServiceErrors(() =>
    updateProject(ctx.store, id, {
      ...(parsed.name !== undefined ? { name: parsed.name } : {}),
      ...(parsed.description !== undefined ? { description: parsed.description } : {}),
      ...(parsed.sourceConnectionId !== undefined ? { sourceConnectionId: parsed.sourceConnectionId } : {}),
      ...(parsed.targetConnectionId !== undefined ? { targetConnectionId: parsed.targetConnectionId } : {}),
      ...(parsed.spec !== undefined ? { spec: parsed.spec } : {}),
    }),
  );
  return view(ctx, project);
}

/** The artefact folders that hold rows of the source: rejects and the extract archive. */
const ROW_DATA_FOLDERS = ['rejects', 'extracts'] as const;

/**
 * Deletes a project and its execution history, then the row data its runs kept: rejected rows and
 * extract archives, under the reports folder (`<reports>/<execution id>/rejects` and `extracts`,
 * found by id: a path kept in the store is never used) and in the object store (the same folders
 * under `<execution id>/`). `not_found`; `conflict` while an execution is pending, running or paused.
 */
export async function deleteProjectRecord(ctx: ProjectsContext, id: string): Promise<{ id: string }> {
  const result = await withServiceErrors(() => deleteProject(ctx.store, id));
  if (!result.deleted) throw notFound('project', id);
  await Promise.all(
    result.executionIds
      .filter((executionId) => /^[A-Za-z0-9-]{1,100}$/.test(executionId))
      .map(async (executionId) => {
        for (const folder of ROW_DATA_FOLDERS) {
          await rm(join(ctx.reportsDir, executionId, folder), { recursive: true, force: true }).catch(
            () => {},
          );
          // In an object store too: the rows a run rejected or archived do not outlive its project.
          const store = ctx.artefacts;
          if (store && !store.isLocalFolder) {
            const objects = await store.list(`${executionId}/${folder}/`).catch(() => []);
            await store.delete(objects.map((o) => o.key)).catch(() => {});
          }
        }
      }),
  );
  return { id };
}

/** Auto-mapping suggestions between the project's source and target, with their scores. */
export async function suggestMappingsForProject(
  ctx: Pick<ProjectsContext, 'store' | 'env'>,
  id: string,
): Promise<SuggestionsView> {
  const project = await requireProject(ctx, id);
  const [source, target] = await Promise.all([
    readSchema(ctx, project.sourceConnectionId),
    readSchema(ctx, project.targetConnectionId),
  ]);
  const suggestions = suggestMappings(source.schema, target.schema);
  return suggestionsView(
    suggestions,
    project.spec.source.schema ?? source.defaultSchema,
    project.spec.target.schema ?? target.defaultSchema,
  );
}

/**
 * The project's spec as the document the CLI runs. URLs are the connections' with the password left
 * to the environment (`${SOURCE_PASSWORD}`, `${TARGET_PASSWORD}`): an export never carries a secret.
 */
export async function exportProjectSpec(
  ctx: Pick<ProjectsContext, 'store'>,
  id: string,
  format: SpecFormat = 'yaml',
  options: { hideSecrets?: boolean } = {},
): Promise<SpecFile> {
  const stored = await requireProject(ctx, id);
  // Someone who may not edit the project gets its webhook URL masked (alert-secrets.ts).
  const project = options.hideSecrets ? hideAlertSecrets(stored) : stored;
  const [source, target] = await Promise.all([
    requireConnection(ctx, project.sourceConnectionId),
    requireConnection(ctx, project.targetConnectionId),
  ]);
  const spec: MigrationSpec = {
    ...project.spec,
    source: { ...project.spec.source, url: exportedUrl(source, 'SOURCE_PASSWORD') },
    target: { ...project.spec.target, url: exportedUrl(target, 'TARGET_PASSWORD') },
  };
  const base = fileBase(project.name);
  if (format === 'json') {
    return {
      fileName: `${base}.json`,
      contentType: 'application/json',
      text: `${JSON.stringify(spec, null, 2)}\n`,
    };
  }
  const doc = new Document(spec);
  doc.commentBefore =
    ` DataBridge migration spec of project "${project.name}", exported from the web app.\n` +
    ` Run it with: databridge run ${base}.yaml (passwords come from the environment variables named in the URLs)`;
  return { fileName: `${base}.yaml`, contentType: 'application/yaml', text: doc.toString({ lineWidth: 0 }) };
}

/**
 * Reads a spec document (YAML or JSON) into a new project, or into `projectId`'s. The document's URLs
 * only choose connections (never stored): the saved connection with the same kind, host, port, user
 * and database, unless ids are given. `bad_input` names the field or the line.
 */
export async function importProjectSpec(
  ctx: Pick<ProjectsContext, 'store' | 'env'>,
  input: ImportProjectInput,
): Promise<ProjectView> {
  const parsed = ImportProjectInput.parse(input, { error: peopleError });
  const document = parseSpecText(parsed.text, parsed.fileName ?? 'spec');
  const existing = parsed.projectId ? await requireProject(ctx, parsed.projectId) : undefined;
  const connections = await listConnections(ctx.store);
  const pick = (field: 'sourceConnectionId' | 'targetConnectionId', side: 'source' | 'target') => {
    const given = parsed[field];
    if (given !== undefined) return given;
    const url = urlOf(document[side]);
    const found = url === undefined ? undefined : matchConnection(connections, url);
    if (found) return found.id;
    if (existing) return existing[field];
    throw new ServiceError(
      'bad_input',
      url === undefined
        ? `${field}: the document has no ${side}.url; choose a connection`
        : `${field}: no saved connection matches ${maskPassword(url)}; add it or choose one`,
      { field },
    );
  };
  const sourceConnectionId = pick('sourceConnectionId', 'source');
  const targetConnectionId = pick('targetConnectionId', 'target');
  if (existing) {
    return updateProjectRecord(ctx, existing.id, {
      spec: document,
      sourceConnectionId,
      targetConnectionId,
      ...(parsed.name !== undefined ? { name: parsed.name } : {}),
      ...(parsed.description !== undefined ? { description: parsed.description } : {}),
    });
  }
  const name =
    parsed.name ?? (typeof document.name === 'string' && document.name.trim() ? document.name : 'imported');
  return createProjectRecord(ctx, {
    name,
    ...(parsed.description !== undefined ? { description: parsed.description } : {}),
    sourceConnectionId,
    targetConnectionId,
    spec: document,
  });
}

/** The project or `not_found`. */
export async function requireProject(ctx: Pick<ProjectsContext, 'store'>, id: string): Promise<Project> {
  const project = await withServiceErrors(() => getProject(ctx.store, id));
  if (!project) throw notFound('project', id);
  return project;
}

async function summarise(
  ctx: Pick<ProjectsContext, 'store'>,
  project: Project,
  connections: ReadonlyMap<string, Connection>,
): Promise<ProjectSummary> {
  const last = (await listExecutions(ctx.store, { projectId: project.id, limit: 1 })).items[0];
  const connection = (id: string): ConnectionSummary | null => {
    const c = connections.get(id);
    return c ? { id: c.id, name: c.name, kind: c.kind, url: c.url } : null;
  };
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    source: connection(project.sourceConnectionId),
    target: connection(project.targetConnectionId),
    tableMappings: project.spec.mappings.length,
    lastExecution: last
      ? {
          id: last.id,
          status: last.status,
          createdAt: last.createdAt,
          startedAt: last.startedAt,
          endedAt: last.endedAt,
        }
      : null,
    nextRun: nextRun(project.spec.schedule, new Date()),
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
  };
}

async function view(ctx: Pick<ProjectsContext, 'store'>, project: Project): Promise<ProjectView> {
  const connections = await listConnections(ctx.store);
  const summary = await summarise(ctx, project, new Map(connections.map((c) => [c.id, c])));
  return { ...summary, spec: project.spec };
}

async function checkNameFree(
  ctx: Pick<ProjectsContext, 'store'>,
  name: string,
  exceptId: string | undefined,
): Promise<void> {
  const wanted = name.trim().toLowerCase();
  const taken = (await listProjects(ctx.store)).find(
    (p) => p.id !== exceptId && p.name.trim().toLowerCase() === wanted,
  );
  if (taken) throw new ServiceError('conflict', `name: a project named "${taken.name}" already exists`);
}

async function connectionOrBadInput(
  ctx: Pick<ProjectsContext, 'store'>,
  field: string,
  id: string,
): Promise<Connection> {
  try {
    return await requireConnection(ctx, id);
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'not_found') {
      throw new ServiceError('bad_input', `${field}: there is no connection ${id}`, { field });
    }
    throw error;
  }
}

async function readSchema(
  ctx: Pick<ProjectsContext, 'store' | 'env'>,
  connectionId: string,
): Promise<{ schema: DatabaseSchema; defaultSchema: string; dialect: DialectName }> {
  const url = await withServiceErrors(() => revealConnectionUrl(ctx.store, connectionId));
  return withOpenConnection(url, checkSqliteLocation(ctx.env, url, 'url'), async (connection) => {
    const schema = await connection.introspect();
    return {
      schema: { ...schema, tables: schema.tables.filter((t) => !t.name.startsWith('_databridge')) },
      defaultSchema: connection.dialect.defaultSchema,
      dialect: connection.dialect.name,
    };
  });
}

/** The starting spec of a new project: what auto-mapping is confident about. */
async function draftSpec(
  ctx: Pick<ProjectsContext, 'store' | 'env'>,
  name: string,
  source: Connection,
  target: Connection,
): Promise<MigrationSpecInput> {
  const [s, t] = await Promise.all([readSchema(ctx, source.id), readSchema(ctx, target.id)]);
  const suggestions = suggestMappings(s.schema, t.schema);
  const emptyTarget = t.schema.tables.length === 0;
  const specName = (table: TableRef, defaultSchema: string) =>
    table.schema === defaultSchema ? table.name : `${table.schema}.${table.name}`;
  const mappings: MigrationSpecInput['mappings'] = emptyTarget
    ? s.schema.tables.map((table) => ({
        source: specName(table, s.defaultSchema),
        target: newName(table.name, t.dialect),
        columns: table.columns.map((c) => ({ source: c.name, target: newName(c.name, t.dialect) })),
      }))
    : suggestions.tables
        .filter((pair) => pair.score >= CONFIDENT)
        .map((pair) => ({
          source: specName(pair.source, s.defaultSchema),
          target: specName(pair.target, t.defaultSchema),
          columns: pair.columns
            .filter((c) => c.score >= CONFIDENT)
            .map((c) => ({ source: c.source.name, target: c.target.name })),
        }))
        .filter((m) => m.columns.length > 0);
  if (mappings.length === 0) {
    throw new ServiceError(
      'bad_input',
      `targetConnectionId: no table of "${target.name}" matches a table of "${source.name}" closely enough to map it`,
    );
  }
  return {
    version: 1,
    name,
    source: { url: 'connection:source' },
    target: { url: 'connection:target' },
    pipeline: { createTables: emptyTarget },
    mappings,
  };
}

/** A new table or column name in the target's style (its descriptor's): snake_case, or as is. */
function newName(name: string, dialect: DialectName): string {
  if (connectorOf(dialect).newNames !== 'snake_case') return name;
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

function suggestionsView(
  suggestions: MappingSuggestions,
  sourceDefault: string,
  targetDefault: string,
): SuggestionsView {
  const specName = (t: TableInfo, defaultSchema: string) =>
    t.schema === defaultSchema ? t.name : `${t.schema}.${t.name}`;
  return {
    confidentScore: CONFIDENT,
    tables: suggestions.tables.map((pair) => ({
      source: specName(pair.source, sourceDefault),
      target: specName(pair.target, targetDefault),
      sourceQualified: `${pair.source.schema}.${pair.source.name}`,
      targetQualified: `${pair.target.schema}.${pair.target.name}`,
      score: round(pair.score),
      confident: pair.score >= CONFIDENT,
      columns: pair.columns.map((c) => ({
        source: c.source.name,
        target: c.target.name,
        score: round(c.score),
        sourceType: c.source.nativeType,
        targetType: c.target.nativeType,
      })),
      unmatchedSourceColumns: pair.unmatchedSourceColumns.map((c) => c.name),
      unmatchedTargetColumns: pair.unmatchedTargetColumns.map((c) => c.name),
    })),
    unmatchedSourceTables: suggestions.unmatchedSourceTables.map((t) => `${t.schema}.${t.name}`),
    unmatchedTargetTables: suggestions.unmatchedTargetTables.map((t) => `${t.schema}.${t.name}`),
  };
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}

/** The connection's URL with the password replaced by an environment reference the CLI reads. */
function exportedUrl(connection: Connection, variable: string): string {
  return connection.url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)\*\*\*@/i, `$1\${${variable}}@`);
}

function fileBase(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'project'
  );
}

/** Parses YAML or JSON without interpolating `${…}`: variables are the CLI's business at run time. */
function parseSpecText(text: string, fileName: string): Record<string, unknown> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    // The first line of a pretty error ends with its position: "… at line 3, column 1:".
    const message = first.message.split('\n')[0]!.replace(/:$/, '');
    throw new ServiceError('bad_input', `text: ${fileName} is not valid YAML or JSON: ${message}`);
  }
  const value: unknown = doc.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServiceError('bad_input', 'text: the document is not a migration spec (expected a mapping)');
  }
  return value as Record<string, unknown>;
}

function urlOf(side: unknown): string | undefined {
  if (typeof side !== 'object' || side === null) return undefined;
  const url = (side as { url?: unknown }).url;
  return typeof url === 'string' && url.trim() ? url.trim() : undefined;
}

/** The saved connection a document's URL names: `connection:<id>`, or the same server and database. */
function matchConnection(connections: readonly Connection[], url: string): Connection | undefined {
  if (url.startsWith('connection:')) return connections.find((c) => c.id === url.slice('connection:'.length));
  const key = serverKey(url);
  return key === undefined ? undefined : connections.find((c) => serverKey(c.url) === key);
}

function serverKey(url: string): string | undefined {
  try {
    const s = parseConnectionUrl(url.replace(/\$\{[^}]*\}/g, 'x'));
    return JSON.stringify([s.dialect, s.host.toLowerCase(), s.port, s.user, s.database]);
  } catch {
    return undefined;
  }
}
