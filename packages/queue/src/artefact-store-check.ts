import { join } from 'node:path';
import {
  type ArtefactStore,
  ArtefactStoreError,
  openArtefactStore,
  uploadPendingArtefacts,
} from '@databridge/engine';
import { EnvError, type ServerEnv } from './env.ts';

/**
 * Opens the artefact store the environment names and proves it usable at `serve` and `worker`
 * start: a wrong key or a missing bucket is one line then, not a failed upload at the end of a
 * six-hour run. Then uploads what an earlier failed upload left in the local folder (in the
 * background: a slow store must not hold up the start). Throws EnvError with the store's sentence.
 */
export async function openCheckedArtefactStore(
  env: Pick<ServerEnv, 'objectStore' | 'dataDir'>,
  onPendingStored?: (executionIds: string[]) => void,
): Promise<ArtefactStore> {
  const reportsDir = join(env.dataDir, 'reports');
  const store = openArtefactStore(env.objectStore, reportsDir);
  try {
    await store.check();
  } catch (error) {
    if (error instanceof ArtefactStoreError) throw new EnvError(error.message, { cause: error });
    throw error;
  }
  void uploadPendingArtefacts(store, reportsDir)
    .then((stored) => stored.length > 0 && onPendingStored?.(stored))
    .catch(() => {});
  return store;
}
