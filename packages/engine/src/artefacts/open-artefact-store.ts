import type { ArtefactStore } from './artefact-store.ts';
import { LocalFolderStore } from './local-folder-store.ts';
import type { ObjectStoreConfig } from './object-store-config.ts';
import { S3ArtefactStore, type S3StoreOptions } from './s3-artefact-store.ts';

/** The object store when one is configured, else the local folder (`<data folder>/reports`). */
export function openArtefactStore(
  config: ObjectStoreConfig | undefined,
  localFolder: string,
  options: S3StoreOptions = {},
): ArtefactStore {
  return config ? new S3ArtefactStore(config, options) : new LocalFolderStore(localFolder);
}
