import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import {
  type ArtefactStore,
  artefactContentType,
  artefactKey,
  executionPrefix,
  isArtefactStoreError,
  LocalFolderStore,
  listStoredExecutions,
  storeFailureInWords,
} from '@databridge/engine';
import { type Execution, getExecution } from '@databridge/store';
import type { Actor } from '../auth/actor.ts';
import { can } from '../auth/permissions.ts';
import type { ServiceContext } from '../context.ts';
import { ServiceError } from './service-error.ts';
import { notFound } from './service-failures.ts';

/** What the artefact services need: the store of executions and where their artefacts are. */
export type ArtefactsContext = Pick<ServiceContext, 'store' | 'reportsDir'> & {
  readonly artefacts?: ArtefactStore;
};

/** One artefact of an execution as the monitor lists it: its name below the execution, its size. */
export interface ArtefactView {
  /** `report.html`, `run.log`, `ddl.sql`, `rejects/m1-public.artist.jsonl.gz`. */
  readonly name: string;
  readonly size: number;
  readonly modified: string;
  readonly url: string;
}

export interface ExecutionArtefacts {
  /** `object store` or `local folder`: where, without the server's paths or the bucket (the admin page has them). */
  readonly store: 'object store' | 'local folder';
  /** Why the artefacts are not (all) in the store, when an upload failed; else null. */
  readonly pending: string | null;
  readonly artefacts: readonly ArtefactView[];
}

/**
 * An execution's extract archive (`extracts/…`, pipeline.extractArchive) holds every source row it
 * read: downloading it needs the `run` permission, as previewing source rows does. Its names and
 * sizes stay in the list every role reads; a viewer is told why the download is refused.
 */
export function checkArtefactDownload(actor: Pick<Actor, 'role'>, executionId: string, name: string): void {
  if (!name.startsWith('extracts/') || can(actor.role, 'run')) return;
  try {
    artefactKey(executionId, name);
  } catch {
    // A name that leaves the execution is refused as bad input by the read, whoever asks.
    return;
  }
  throw new ServiceError(
    'forbidden',
    `the ${actor.role} role may not download a run's extracted rows (${name}): they hold every source row it read, so they need the run permission, as preview does; ask an admin for the operator role`,
  );
}

/** The store the routes read: the context's, or the reports folder itself (the embedded default). */
export function artefactStoreOf(ctx: ArtefactsContext): ArtefactStore {
  return ctx.artefacts ?? new LocalFolderStore(ctx.reportsDir);
}

/**
 * Every artefact of an execution, with sizes. The prefix comes from the execution's id as the store
 * has it (never from the request or from a path in its summary).
 */
export async function listExecutionArtefacts(
  ctx: ArtefactsContext,
  executionId: string,
): Promise<ExecutionArtefacts> {
  const execution = await requireExecution(ctx, executionId);
  const store = artefactStoreOf(ctx);
  const prefix = prefixOf(execution);
  const objects = await fromStore(() => store.list(prefix));
  return {
    store: store.isLocalFolder ? 'local folder' : 'object store',
    pending: execution.summary?.artefacts?.pending ?? null,
    artefacts: objects.map((o) => {
      const name = o.key.slice(prefix.length);
      return {
        name,
        size: o.size,
        modified: o.modified.toISOString(),
        url: `/api/executions/${encodeURIComponent(execution.id)}/artefacts?name=${encodeURIComponent(name)}`,
      };
    }),
  };
}

/**
 * One artefact of an execution as a stream. `name` is checked to be plain segments below the
 * execution's own prefix (`bad_input` otherwise); `not_found` says why when an upload failed.
 */
export async function readExecutionArtefact(
  ctx: ArtefactsContext,
  executionId: string,
  name: string,
): Promise<{ body: Readable; size: number; contentType: string; fileName: string }> {
  const { execution, key, size, fileName } = await existingArtefact(ctx, executionId, name);
  const body = await fromStore(() => artefactStoreOf(ctx).get(key));
  if (!body) throw missing(execution, `no artefact ${name}`);
  return { body, size, contentType: artefactContentType(key), fileName };
}

/**
 * A short-lived presigned URL for one artefact, when the object store is set to hand them out
 * (SAP_OBJECT_STORE_PRESIGN_SECONDS), else null. The same checks as readExecutionArtefact come first:
 * only an existing object of this execution is signed.
 */
export async function artefactDownloadUrl(
  ctx: ArtefactsContext,
  executionId: string,
  name: string,
): Promise<string | null> {
  const store = artefactStoreOf(ctx);
  if (!store.downloadUrl) return null;
  const { key, fileName } = await existingArtefact(ctx, executionId, name);
  return fromStore(() => store.downloadUrl!(key, fileName));
}

async function existingArtefact(ctx: ArtefactsContext, executionId: string, name: string) {
  const execution = await requireExecution(ctx, executionId);
  let key: string;
  try {
    key = artefactKey(execution.id, name);
  } catch (error) {
    if (isArtefactStoreError(error)) throw new ServiceError('bad_input', error.message, { field: 'name' });
    throw error;
  }
  const info = await fromStore(() => artefactStoreOf(ctx).head(key));
  if (!info) throw missing(execution, `no artefact ${name}`);
  return { execution, key, size: info.size, fileName: key.split('/').at(-1)! };
}

/** The whole of a small artefact (the report), `not_found` with the reason when it is not there. */
export async function readWholeArtefact(
  ctx: ArtefactsContext,
  execution: Execution,
  name: string,
): Promise<Buffer> {
  const store = artefactStoreOf(ctx);
  const body = await fromStore(() => store.get(artefactKey(execution.id, name)));
  if (!body) throw missing(execution, 'no report yet');
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export async function requireExecution(ctx: ArtefactsContext, executionId: string): Promise<Execution> {
  const execution = await getExecution(ctx.store, executionId);
  if (!execution) throw notFound('execution', executionId);
  return execution;
}

function prefixOf(execution: Execution): string {
  try {
    return executionPrefix(execution.id);
  } catch {
    throw new ServiceError('not_found', `Execution ${execution.id} has no artefacts`);
  }
}

/** Not there: with the reason when the run's upload failed, never a bare "missing". */
function missing(execution: Execution, what: string): ServiceError {
  const pending = execution.summary?.artefacts?.pending;
  return new ServiceError(
    'not_found',
    pending
      ? `Execution ${execution.id} has ${what} in the store: ${pending}`
      : `Execution ${execution.id} has ${what}`,
  );
}

/**
 * A store that cannot answer is a 503 saying why in words every role may read (its address, bucket
 * and the SDK's words are the admin page's); a refused key a 400.
 */
async function fromStore<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isArtefactStoreError(error)) throw error;
    if (error.code === 'bad_key') throw new ServiceError('bad_input', error.message, { field: 'name' });
    const next = error.isTransient
      ? 'try again in a while; an admin finds why'
      : 'an admin finds what to fix';
    throw new ServiceError(
      'unavailable',
      `The object store cannot be read now (${storeFailureInWords(error)}): ${next} on the admin page.`,
      { cause: error },
    );
  }
}

/** The artefact store as the admin page shows it: reachable or why not, and what it holds. */
export interface ArtefactStoreHealth {
  readonly store: string;
  readonly kind: 'local' | 'object_store';
  /** Null when the store answered; else its sentence (which setting to fix, or that it is down). */
  readonly problem: string | null;
  readonly latencyMs: number;
  readonly usage: { readonly executions: number; readonly objects: number; readonly bytes: number } | null;
  /** Days after which the scheduler's tick prunes executions' artefacts; null: kept for ever. */
  readonly retentionDays: number | null;
}

/** Checks the store (credentials, bucket) and sums what it holds, per execution. */
export async function getArtefactStoreHealth(
  ctx: ArtefactsContext & { readonly env?: { readonly artefactRetentionDays?: number | undefined } },
): Promise<ArtefactStoreHealth> {
  const store = artefactStoreOf(ctx);
  const started = performance.now();
  const base = {
    store: store.description,
    kind: store.isLocalFolder ? ('local' as const) : ('object_store' as const),
    retentionDays: ctx.env?.artefactRetentionDays ?? null,
  };
  try {
    await store.check();
    const latencyMs = Math.round(performance.now() - started);
    const executions = await listStoredExecutions(store);
    const usage = {
      executions: executions.length,
      objects: executions.reduce((n, e) => n + e.objects, 0),
      bytes: executions.reduce((n, e) => n + e.bytes, 0),
    };
    return { ...base, problem: null, latencyMs, usage };
  } catch (error) {
    const problem = isArtefactStoreError(error) ? error.message : 'The artefact store did not answer';
    return { ...base, problem, latencyMs: Math.round(performance.now() - started), usage: null };
  }
}
