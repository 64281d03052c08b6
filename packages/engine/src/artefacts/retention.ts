import { isRunFolder } from './artefact-keys.ts';
import type { ArtefactStore } from './artefact-store.ts';

/** One execution's artefacts in the store, as `databridge artefacts list` shows them. */
export interface StoredExecution {
  readonly executionId: string;
  readonly objects: number;
  readonly bytes: number;
  /** When its newest artefact was written: the age retention goes by. */
  readonly newest: Date;
}

/** Every execution that has artefacts in the store, oldest first. */
export async function listStoredExecutions(store: ArtefactStore): Promise<StoredExecution[]> {
  const byExecution = new Map<string, { objects: number; bytes: number; newest: number }>();
  for (const o of await store.list('')) {
    const slash = o.key.indexOf('/');
    const id = o.key.slice(0, Math.max(slash, 0));
    if (!isRunFolder(id)) continue; // not an execution's folder: not ours to count or remove
    const seen = byExecution.get(id) ?? { objects: 0, bytes: 0, newest: 0 };
    seen.objects += 1;
    seen.bytes += o.size;
    seen.newest = Math.max(seen.newest, o.modified.getTime());
    byExecution.set(id, seen);
  }
  return [...byExecution]
    .map(([executionId, s]) => ({
      executionId,
      objects: s.objects,
      bytes: s.bytes,
      newest: new Date(s.newest),
    }))
    .sort((a, b) => a.newest.getTime() - b.newest.getTime() || (a.executionId < b.executionId ? -1 : 1));
}

/**
 * Removes the artefacts of every execution whose newest artefact is older than `before` (all of an
 * execution's files go together, never half of them), except those `keep` holds on to (an execution
 * paused for weeks still needs its log and rejects). With `dryRun`, only says what would go.
 * Returns the executions removed.
 */
export async function pruneArtefacts(
  store: ArtefactStore,
  before: Date,
  options: { readonly dryRun?: boolean; readonly keep?: (executionId: string) => Promise<boolean> } = {},
): Promise<StoredExecution[]> {
  const old: StoredExecution[] = [];
  for (const e of await listStoredExecutions(store)) {
    if (e.newest.getTime() >= before.getTime()) continue;
    if (options.keep && (await options.keep(e.executionId))) continue;
    old.push(e);
  }
  if (options.dryRun) return old;
  for (const e of old) {
    const keys = (await store.list(`${e.executionId}/`)).map((o) => o.key);
    await store.delete(keys);
  }
  return old;
}

/** `days` days before `now`: the cut-off of a retention of that many days. */
export function retentionCutoff(days: number, now: Date = new Date()): Date {
  return new Date(now.getTime() - days * 86_400_000);
}
