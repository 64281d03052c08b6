import { createHash } from 'node:crypto';
import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import { messageOf } from '../errors.ts';
import { PRIVATE_FILE_MODE } from '../private-files.ts';
import { artefactKey, executionPrefix } from './artefact-keys.ts';
import type { ArtefactStore } from './artefact-store.ts';
import { isArtefactStoreError } from './artefact-store-error.ts';

/** Left in a run's local folder while its artefacts are not all in the store: holds the reason. */
export const PENDING_MARKER = '.upload-pending';

export interface PublishOptions {
  /** Tries per file before the run's artefacts are left pending. Default 5. */
  readonly attempts?: number;
  /** The wait before the second try, doubling after each (0.5 s, 1 s, 2 s, 4 s by default). */
  readonly firstDelayMs?: number;
  /** Told about each failed try that will be tried again. */
  readonly onRetry?: (file: string, attempt: number, delayMs: number, error: unknown) => void;
  /**
   * Where several processes write one run's rejects (BullMQ workers, each running some of its tasks):
   * this process's name (writerTag), so that each uploads its own rows to `rejects/<writer>/…`
   * and none overwrites another's. Unset: `rejects/…` (one process ran the whole run).
   */
  readonly writer?: string;
  /** `rejects`: only the rejects files (after a task; the report and log come at the end). */
  readonly only?: 'rejects';
}

/**
 * A name for this machine's data folder, the same across restarts (so a re-upload of its rejects
 * files, which only grow, replaces its earlier upload): `<host>-<hash of the folder>`.
 */
export function writerTag(localFolder: string): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9-]/g, '-')
      .slice(0, 40) || 'host';
  return `${host}-${createHash('sha256').update(resolve(localFolder)).digest('hex').slice(0, 8)}`;
}

/** Where a run's artefacts ended up, recorded with its summary. */
export interface ArtefactsOutcome {
  /** `object store https://host/bucket/prefix` or `local folder /…/reports`. */
  readonly store: string;
  /** Null once every artefact is stored; else why not (the local copy stays and is uploaded later). */
  readonly pending: string | null;
}

/**
 * Copies a run's local folder (`<localFolder>/<run id>/`: report, log, rejects, DDL) into the store
 * under `<run id>/`, rejects compressed on the way (`.jsonl.gz`), report.json last, so that a reader
 * who finds the report finds the rest. Each file is tried again with backoff; when one still fails the
 * local folder keeps a `.upload-pending` note with the reason and stays, for uploadPendingArtefacts.
 * The local folder store needs nothing: the engine wrote its files in place.
 */
export async function publishRunArtefacts(
  store: ArtefactStore,
  localFolder: string,
  runId: string,
  options: PublishOptions = {},
): Promise<ArtefactsOutcome> {
  if (store.isLocalFolder) return { store: store.description, pending: null };
  const folder = resolve(localFolder, executionPrefix(runId));
  const marker = join(folder, PENDING_MARKER);
  const files = (await filesBelow(folder)).filter(
    (f) =>
      f !== PENDING_MARKER &&
      !f.endsWith('.partial') &&
      (options.only !== 'rejects' || f.startsWith('rejects/')),
  );
  files.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  try {
    for (const file of files) await uploadWithRetry(store, folder, runId, file, options);
  } catch (error) {
    // Every role reads the reason (status, log, 404): it names neither the server's folder nor the
    // bucket. The note on the server's disk keeps both, with the store's own words.
    const pending = `the artefacts could not be stored in the object store (${storeFailureInWords(error)}); the server keeps its local copy and uploads it again later`;
    const detail = `${store.description}: ${messageOf(error)}; local copy in ${folder}`;
    if (existsSync(folder)) writeFileSync(marker, `${pending}\n${detail}\n`, { mode: PRIVATE_FILE_MODE });
    return { store: store.description, pending };
  }
  // Rejects alone do not settle an earlier failed upload of the whole folder.
  if (options.only !== 'rejects') await rm(marker, { force: true });
  return { store: store.description, pending: null };
}

/**
 * Uploads again the runs a failed upload left in the local folder (those with a `.upload-pending`
 * note): at `serve` and `worker` start and on the scheduler's tick. Returns the runs now stored.
 */
export async function uploadPendingArtefacts(
  store: ArtefactStore,
  localFolder: string,
  options: PublishOptions = {},
): Promise<string[]> {
  if (store.isLocalFolder) return [];
  const runs = await readdir(localFolder, { withFileTypes: true }).catch(() => []);
  const stored: string[] = [];
  for (const run of runs) {
    if (!run.isDirectory() || !existsSync(join(localFolder, run.name, PENDING_MARKER))) continue;
    const outcome = await publishRunArtefacts(store, localFolder, run.name, options);
    if (outcome.pending === null) stored.push(run.name);
  }
  return stored;
}

/** Why a run's artefacts are not in the store yet (the sentence any user may read), when its local folder says so. */
export async function pendingReason(localFolder: string, runId: string): Promise<string | null> {
  const text = await readFile(
    join(resolve(localFolder, executionPrefix(runId)), PENDING_MARKER),
    'utf8',
  ).catch(() => null);
  return text?.split('\n')[0]?.trim() ?? null;
}

/**
 * Why the object store refused, in words fit for any user: which setting an admin should look at,
 * never the store's address, bucket or a path of the server (the admin page shows those).
 */
export function storeFailureInWords(error: unknown): string {
  const setting = isArtefactStoreError(error) ? error.setting : undefined;
  switch (isArtefactStoreError(error) ? error.code : 'failed') {
    case 'unreachable':
      return 'it did not answer';
    case 'auth_failed':
      return `it refused the key in ${setting ?? 'SAP_OBJECT_STORE_API_KEY'}`;
    case 'no_bucket':
      return `the bucket in ${setting ?? 'SAP_OBJECT_STORE_URL'} does not exist`;
    case 'bad_config':
      return 'its settings are not valid';
    case 'bad_key':
      return 'it refused an artefact name';
    default:
      return 'it refused an upload';
  }
}

async function uploadWithRetry(
  store: ArtefactStore,
  folder: string,
  runId: string,
  file: string,
  options: PublishOptions,
): Promise<void> {
  const attempts = options.attempts ?? 5;
  const path = join(folder, file);
  // Rejects files are JSON lines that compress tenfold; the rest is small or already read as is.
  const rejects = file.startsWith('rejects/');
  const gzip = rejects && file.endsWith('.jsonl');
  const name =
    rejects && options.writer ? `rejects/${options.writer}/${file.slice('rejects/'.length)}` : file;
  const key = artefactKey(runId, gzip ? `${name}.gz` : name);
  for (let attempt = 1; ; attempt++) {
    try {
      if (gzip) await store.put(key, createReadStream(path).pipe(createGzip()));
      else await store.putFile(key, path);
      return;
    } catch (error) {
      const transient = (error as { isTransient?: boolean }).isTransient !== false;
      if (attempt >= attempts || !transient) throw error;
      const delayMs = (options.firstDelayMs ?? 500) * 2 ** (attempt - 1);
      options.onRetry?.(file, attempt, delayMs, error);
      await sleep(delayMs);
    }
  }
}

/** The log late (retries of the others are in it), report.json last: its presence says all is there. */
function rank(file: string): number {
  return ['run.log', 'report.html', 'report.json'].indexOf(file) + 1;
}

async function filesBelow(folder: string, below = ''): Promise<string[]> {
  const entries = await readdir(join(folder, below), { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const e of entries) {
    const rel = below ? `${below}/${e.name}` : e.name;
    if (e.isDirectory()) found.push(...(await filesBelow(folder, rel)));
    else if (e.isFile()) found.push(rel);
  }
  return found;
}
