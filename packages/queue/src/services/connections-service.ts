import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  connectorOf,
  type DatabaseSchema,
  type DialectName,
  type Connection as EngineConnection,
  messageOf,
  openConnection,
  parseConnectionUrl,
  peopleError,
  type SqliteFolder,
} from '@databridge/engine';
import {
  type Connection,
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  recordConnectionTest,
  revealConnectionUrl,
  updateConnection,
} from '@databridge/store';
import type { ServiceContext } from '../context.ts';
import {
  type ConnectionFormKind,
  ConnectionId,
  CreateConnectionInput,
  kindFacts,
  type LocationInput,
  UpdateConnectionInput,
} from './connection-inputs.ts';
import { maskSecrets } from './mask-secrets.ts';
import { ServiceError, toServiceError } from './service-error.ts';
import { notFound, withServiceErrors } from './service-failures.ts';
import { checkNotTheStore, checkSqliteLocation } from './sqlite-files.ts';

export * from './connection-inputs.ts';

/** What the connection services need of the context: the store, and the env for the SQLite folder. */
export type ConnectionsContext = Pick<ServiceContext, 'store' | 'env'>;

/** A saved connection as the API shows it: the masked URL and its parts, never the password. */
export interface ConnectionView {
  readonly id: string;
  readonly name: string;
  readonly kind: ConnectionFormKind;
  readonly dialect: DialectName;
  /** The URL with its password masked (`postgres://app:***@db:5432/shop`). */
  readonly url: string;
  readonly host: string;
  readonly port: number | null;
  readonly user: string;
  readonly database: string;
  /** SQLite: the file. */
  readonly file: string | null;
  readonly sslmode: string | null;
  readonly hasPassword: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The last test at the current address, kept across reloads; null when never tested there. */
  readonly lastTest: (ConnectionTestResult & { readonly testedAt: string }) | null;
}

export interface ConnectionTestResult {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly message: string;
}

/** A table of an introspected schema, as step 1 and 2 of the wizard show it. */
export interface SchemaView extends DatabaseSchema {
  /** The schema a table name without one resolves to (`public`, the connected database, `main`). */
  readonly defaultSchema: string;
}

/** Every saved connection, by name. */
export async function listConnectionViews(ctx: ConnectionsContext): Promise<ConnectionView[]> {
  return (await listConnections(ctx.store)).map(toView);
}

/** One connection; `not_found` when there is none. */
export async function getConnectionView(ctx: ConnectionsContext, id: string): Promise<ConnectionView> {
  return toView(await requireConnection(ctx, id));
}

/** Saves a connection; its URL is sealed at rest. `conflict` when the name is taken. */
export async function createConnectionRecord(
  ctx: ConnectionsContext,
  input: CreateConnectionInput,
): Promise<ConnectionView> {
  const parsed = CreateConnectionInput.parse(input, { error: peopleError });
  const url = parsed.url ?? buildUrl(parsed, undefined);
  checkUrl(url);
  checkSqliteLocation(ctx.env, url, parsed.url !== undefined ? 'url' : 'file');
  await checkNotTheStore(ctx.env, url, parsed.url !== undefined ? 'url' : 'database');
  return withServiceErrors(async () => toView(await createConnection(ctx.store, { name: parsed.name, url })));
}

/**
 * Renames a connection and/or changes where it points. Location parts not given keep their stored
 * values, the password included (it never travels to the browser, so a form cannot send it back).
 */
export async function updateConnectionRecord(
  ctx: ConnectionsContext,
  id: string,
  input: UpdateConnectionInput,
): Promise<ConnectionView> {
  const parsed = UpdateConnectionInput.parse(input, { error: peopleError });
  const url = await updatedUrl(ctx, id, parsed);
  if (url !== undefined) checkUrl(url);
  if (url !== undefined) checkSqliteLocation(ctx.env, url, parsed.url !== undefined ? 'url' : 'file');
  if (url !== undefined) await checkNotTheStore(ctx.env, url, parsed.url !== undefined ? 'url' : 'database');
  return withServiceErrors(async () =>
    toView(
      await updateConnection(ctx.store, id, {
        ...(parsed.name !== undefined ? { name: parsed.name } : {}),
        ...(url !== undefined ? { url } : {}),
      }),
    ),
  );
}

/** The URL an edit leads to (stored parts fill what it leaves out), or undefined when it keeps the address. */
async function updatedUrl(
  ctx: ConnectionsContext,
  id: string,
  parsed: ReturnType<typeof UpdateConnectionInput.parse>,
): Promise<string | undefined> {
  const current = await requireConnection(ctx, id);
  const touchesLocation =
    parsed.url !== undefined ||
    parsed.kind !== undefined ||
    parsed.host !== undefined ||
    parsed.port !== undefined ||
    parsed.user !== undefined ||
    parsed.database !== undefined ||
    parsed.file !== undefined ||
    parsed.sslmode !== undefined ||
    (parsed.password !== undefined && parsed.password !== '') ||
    parsed.clearPassword === true;
  if (parsed.url !== undefined) return parsed.url;
  if (!touchesLocation) return undefined;
  const stored = parseConnectionUrl(await revealConnectionUrl(ctx.store, id));
  const was = toView(current);
  const kind = parsed.kind ?? was.kind;
  const isServer = (k: ConnectionFormKind) => kindFacts(k).server !== undefined;
  const sameServerKind = kind === was.kind || (isServer(kind) && isServer(was.kind));
  const keptPassword = parsed.clearPassword ? undefined : sameServerKind ? stored.password : undefined;
  return buildUrl(
    {
      kind,
      host: parsed.host ?? (sameServerKind ? was.host : undefined),
      port: parsed.port ?? (sameServerKind && isServer(kind) ? (was.port ?? undefined) : undefined),
      user: parsed.user ?? (sameServerKind ? was.user : undefined),
      database: parsed.database ?? (sameServerKind ? was.database : undefined),
      file: parsed.file ?? was.file ?? undefined,
      sslmode: parsed.sslmode ?? (sameServerKind ? (was.sslmode ?? undefined) : undefined),
      password: parsed.password,
    },
    keptPassword,
  );
}

/** Deletes a connection; `not_found`, or `conflict` naming the projects that use it. */
export async function deleteConnectionRecord(ctx: ConnectionsContext, id: string): Promise<{ id: string }> {
  const deleted = await withServiceErrors(() => deleteConnection(ctx.store, id));
  if (!deleted) throw notFound('connection', id);
  return { id };
}

/**
 * Opens the connection and runs `SELECT 1`. A refused, unreachable or misconfigured database is a
 * result with `ok: false` and the reason, never an error; only an unknown id throws (`not_found`).
 * The result is kept on the connection. Gives up after `timeoutMs` (default 10 s).
 */
export async function testConnection(
  ctx: ConnectionsContext,
  id: string,
  options: { timeoutMs?: number } = {},
): Promise<ConnectionTestResult> {
  await requireConnection(ctx, id);
  const url = await withServiceErrors(() => revealConnectionUrl(ctx.store, id));
  const sqliteFolder = checkSqliteLocation(ctx.env, url, 'url');
  const result = await testUrl(url, { ...options, sqliteFolder });
  await withServiceErrors(() => recordConnectionTest(ctx.store, id, result));
  return result;
}

/**
 * Tests what a connection form holds before it is saved, so that the form can ask before saving a
 * connection that does not work. With `id` (an edit) the fields not given keep their stored values,
 * the password included. `bad_input` names a missing field; nothing is stored.
 */
export async function testConnectionDraft(
  ctx: ConnectionsContext,
  input: Readonly<Record<string, unknown>>,
  options: { timeoutMs?: number } = {},
): Promise<ConnectionTestResult> {
  const { id, ...fields } = input;
  let url: string;
  if (id !== undefined) {
    const connectionId = ConnectionId.parse(id);
    const patch = UpdateConnectionInput.parse(fields, { error: peopleError });
    url =
      (await updatedUrl(ctx, connectionId, patch)) ?? (await revealConnectionUrl(ctx.store, connectionId));
  } else {
    const parsed = CreateConnectionInput.parse(fields, { error: peopleError });
    url = parsed.url ?? buildUrl(parsed, undefined);
  }
  checkUrl(url);
  const sqliteFolder = checkSqliteLocation(ctx.env, url, fields.url !== undefined ? 'url' : 'file');
  return testUrl(url, { ...options, sqliteFolder });
}

async function testUrl(
  url: string,
  options: { timeoutMs?: number; sqliteFolder: SqliteFolder | undefined },
): Promise<ConnectionTestResult> {
  const settings = parseConnectionUrl(url);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const connector = connectorOf(settings.dialect);
  if (!connector.server && settings.database !== ':memory:' && !existsSync(settings.database)) {
    // Opening would create the file: report instead, the first load creates it.
    return {
      ok: false,
      latencyMs: elapsed(),
      message: `The ${connector.label} file ${settings.database} does not exist (a migration into it would create it)`,
    };
  }
  try {
    const attempt = (async () => {
      const connection = await openConnection(url, {
        poolSize: 1,
        ...(options.sqliteFolder ? { sqliteFolder: options.sqliteFolder } : {}),
      });
      try {
        await connection.query('SELECT 1');
      } finally {
        await connection.close().catch(() => {});
      }
    })();
    await withTimeout(attempt, options.timeoutMs ?? 10_000);
    const latencyMs = elapsed();
    return { ok: true, latencyMs, message: `Connected in ${latencyMs} ms` };
  } catch (error) {
    return { ok: false, latencyMs: elapsed(), message: scrub(messageOf(error), settings.password) };
  }
}

/**
 * Reads the connection's schemas, tables (with row estimates), columns (native and normalised types)
 * and keys. DataBridge's own bookkeeping tables are left out. `unavailable` when the database does
 * not answer.
 */
export async function introspectConnection(
  ctx: ConnectionsContext,
  id: string,
  options: { schemas?: readonly string[] } = {},
): Promise<SchemaView> {
  const saved = await requireConnection(ctx, id);
  const url = await withServiceErrors(() => revealConnectionUrl(ctx.store, id));
  return withOpenConnection(url, checkSqliteLocation(ctx.env, url, 'url'), async (connection) => {
    const schema = await connection.introspect(options.schemas ? { schemas: options.schemas } : {});
    return {
      ...schema,
      defaultSchema: connection.dialect.defaultSchema,
      tables: schema.tables.filter((t) => !t.name.startsWith('_databridge')),
    };
  }).catch((error: unknown) => {
    // Refused credentials (422) and a database that does not answer (503) name the connection.
    if (
      error instanceof ServiceError &&
      (error.code === 'connection_failed' || error.code === 'unavailable')
    ) {
      throw new ServiceError(error.code, `connection "${saved.name}": ${error.message}`, { cause: error });
    }
    throw error;
  });
}

/**
 * Opens a saved connection for the length of `work` and closes it, SQLite files confined to
 * `sqliteFolder` (from checkSqliteLocation). Errors are ServiceErrors whose messages never carry the
 * password.
 */
export async function withOpenConnection<T>(
  url: string,
  sqliteFolder: SqliteFolder | undefined,
  work: (connection: EngineConnection) => Promise<T>,
): Promise<T> {
  const password = parseConnectionUrl(url).password;
  let connection: EngineConnection | undefined;
  try {
    connection = await openConnection(url, { poolSize: 1, ...(sqliteFolder ? { sqliteFolder } : {}) });
    return await work(connection);
  } catch (error) {
    const failure = toServiceError(error);
    throw new ServiceError(failure.code, scrub(failure.message, password), { cause: error });
  } finally {
    await connection?.close().catch(() => {});
  }
}

/** The connection or `not_found`. */
export async function requireConnection(ctx: Pick<ServiceContext, 'store'>, id: string): Promise<Connection> {
  const connection = await getConnection(ctx.store, id);
  if (!connection) throw notFound('connection', id);
  return connection;
}

/** The parts of a (masked) URL the edit form shows. */
function toView(connection: Connection): ConnectionView {
  const scheme = /^([a-z]+):/i.exec(connection.url)?.[1]?.toLowerCase();
  let parts: ReturnType<typeof parseConnectionUrl> | undefined;
  try {
    parts = parseConnectionUrl(connection.url);
  } catch {
    parts = undefined;
  }
  // A variant (MariaDB) is the kind whose scheme the URL starts with.
  const kinds = connectorOf(connection.kind).kinds;
  const kind = (kinds.find((k) => k.scheme === scheme) ?? kinds[0]!).kind as ConnectionFormKind;
  const fileDb = !connectorOf(connection.kind).server;
  return {
    id: connection.id,
    name: connection.name,
    kind,
    dialect: connection.kind,
    url: connection.url,
    host: fileDb ? '' : (parts?.host ?? ''),
    port: fileDb ? null : (parts?.port ?? null),
    user: fileDb ? '' : (parts?.user ?? ''),
    database: fileDb ? '' : (parts?.database ?? ''),
    file: fileDb ? (parts?.database ?? null) : null,
    sslmode: parts?.options.sslmode ?? null,
    hasPassword: parts?.password !== undefined,
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
    lastTest: connection.lastTest,
  };
}

type UrlParts = LocationInput & { password?: string | undefined; sslmode?: string | undefined };

/** A connection URL from the form's parts; an empty password means `fallbackPassword`. */
function buildUrl(parts: UrlParts, fallbackPassword: string | undefined): string {
  const kind = parts.kind;
  if (kind === undefined) throw new ServiceError('bad_input', 'kind: choose a database kind');
  const facts = kindFacts(kind);
  if (!facts.server) {
    if (!parts.file) throw new ServiceError('bad_input', 'file: name the database file');
    return `${facts.scheme}:${parts.file}`;
  }
  if (!parts.host) throw new ServiceError('bad_input', 'host: a host is required');
  if (!parts.database) throw new ServiceError('bad_input', 'database: a database name is required');
  const password = parts.password ? parts.password : fallbackPassword;
  const user = parts.user ? encodeURIComponent(parts.user) : '';
  const auth = user || password ? `${user}${password ? `:${encodeURIComponent(password)}` : ''}@` : '';
  const host = parts.host.includes(':') ? `[${parts.host}]` : parts.host;
  const port = parts.port ?? facts.server.defaultPort;
  const query = facts.server.sslmode && parts.sslmode ? `?sslmode=${parts.sslmode}` : '';
  return `${facts.scheme}://${auth}${host}:${port}/${encodeURIComponent(parts.database)}${query}`;
}

/** Parses a URL up front so that a bad one is a 400 naming the field. */
function checkUrl(url: string): void {
  try {
    parseConnectionUrl(url);
  } catch (error) {
    throw new ServiceError('bad_input', `url: ${messageOf(error)}`, { cause: error, field: 'url' });
  }
}

/** Removes a password from a driver's message, in case a driver ever echoes it. */
function scrub(message: string, password: string | undefined): string {
  return maskSecrets(message, [password]);
}

/** Rejects after `ms` unless `work` settles first; `work` goes on (and cleans up after itself). */
async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  work.catch(() => {});
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
