import { join } from 'node:path';
import { type ArtefactStore, isArtefactStoreError, openArtefactStore } from '@databridge/engine';
import { EnvError, type ServerEnv } from './env.ts';

/**
 * Opens the artefact store the environment names and proves it usable at `serve` and `worker`
 * start: a wrong key or a missing bucket is one line then, not a failed upload at the end of a
 * six-hour run. Throws EnvError with the store's sentence (which names the variable to fix).
 */
export async function openCheckedArtefactStore(
  env: Pick<ServerEnv, 'objectStore' | 'dataDir'>,
): Promise<ArtefactStore> {
  const store = openArtefactStore(env.objectStore, join(env.dataDir, 'reports'));
  try {
    await store.check();
  } catch (error) {
    if (isArtefactStoreError(error)) throw new EnvError(error.message, { cause: error });
    throw error;
  }
  return store;
}
