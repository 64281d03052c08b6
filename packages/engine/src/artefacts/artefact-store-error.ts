/**
 * What went wrong with the artefact store, as the caller acts on it: `bad_config` and `auth_failed`
 * and `no_bucket` need a person to fix the settings, `unreachable` and `failed` are worth a retry,
 * `bad_key` is a key that would leave the store (refused, never retried).
 */
const CODES = ['bad_config', 'auth_failed', 'no_bucket', 'unreachable', 'failed', 'bad_key'] as const;
export type ArtefactStoreErrorCode = (typeof CODES)[number];

export class ArtefactStoreError extends Error {
  override readonly name = 'ArtefactStoreError';

  /** The environment variable a person fixes (`OBJECT_STORE_API_KEY`), when one setting is to blame. */
  readonly setting: string | undefined;

  constructor(
    readonly code: ArtefactStoreErrorCode,
    message: string,
    options: { cause?: unknown; setting?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.setting = options.setting;
  }

  /** Worth trying again later (the network, a server restarting), not a setting to fix. */
  get isTransient(): boolean {
    return this.code === 'unreachable' || this.code === 'failed';
  }
}

/**
 * Whether `error` is an ArtefactStoreError, from this copy of the engine or another: `databridge serve`
 * opens the store in the CLI's bundle and hands it to the web app's, which has its own copy of the
 * class, so `instanceof` says no there. Matches on the name and the closed code union instead.
 */
export function isArtefactStoreError(error: unknown): error is ArtefactStoreError {
  return (
    error instanceof Error &&
    error.name === 'ArtefactStoreError' &&
    (CODES as readonly unknown[]).includes((error as { code?: unknown }).code)
  );
}
