import type { Readable } from 'node:stream';

/** One stored object: its key below the store's root, its size in bytes and when it was written. */
export interface ArtefactInfo {
  readonly key: string;
  readonly size: number;
  readonly modified: Date;
}

/** What a body may be: a whole text or buffer, or a stream of unknown length (uploaded in parts). */
export type ArtefactBody = string | Buffer | Readable;

export interface PutOptions {
  /** Default: from the key's extension (artefact-keys.ts). */
  readonly contentType?: string;
  /**
   * Object stores: parts of a multipart upload sent at once (default 4), each held in memory until
   * sent. A body produced slower than the network takes it (the extract archive, written as rows
   * load) needs one.
   */
  readonly partsInFlight?: number;
}

/**
 * Where a run's reports, log, rejects and DDL are kept, so that any server can serve what any worker
 * wrote. Keys are relative (`<execution id>/report.json`), made of plain segments (artefact-keys.ts):
 * every method refuses a key that could climb out of the store.
 */
export interface ArtefactStore {
  /** `local folder /srv/.databridge/reports` or `object store https://host/bucket/prefix`, for people. */
  readonly description: string;
  /** True for the local folder (today's behaviour): the engine's files are already in place there. */
  readonly isLocalFolder: boolean;
  put(key: string, body: ArtefactBody, options?: PutOptions): Promise<void>;
  /** Uploads a file, in parts when it is larger than one part. */
  putFile(key: string, path: string, options?: { readonly contentType?: string }): Promise<void>;
  /** The object's bytes as a stream, or null when there is no such object. */
  get(key: string): Promise<Readable | null>;
  head(key: string): Promise<ArtefactInfo | null>;
  /** Every object whose key starts with `prefix` (a folder: end it with `/`), in key order. */
  list(prefix: string): Promise<ArtefactInfo[]>;
  /** Removes the objects; keys that do not exist are no error. */
  delete(keys: readonly string[]): Promise<void>;
  /**
   * A short-lived URL a browser can download the object from directly, when the store is configured
   * to hand them out (object stores with SAP_OBJECT_STORE_PRESIGN_SECONDS); else null: stream it.
   */
  downloadUrl?(key: string, fileName: string): Promise<string | null>;
  /** Proves the store is usable (credentials, bucket, network); throws an ArtefactStoreError. */
  check(): Promise<void>;
}
