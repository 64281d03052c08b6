/**
 * What went wrong with the artefact store, as the caller acts on it: `bad_config` and `auth_failed`
 * and `no_bucket` need a person to fix the settings, `unreachable` and `failed` are worth a retry,
 * `bad_key` is a key that would leave the store (refused, never retried).
 */
export type ArtefactStoreErrorCode =
  | 'bad_config'
  | 'auth_failed'
  | 'no_bucket'
  | 'unreachable'
  | 'failed'
  | 'bad_key';

export class ArtefactStoreError extends Error {
  override readonly name = 'ArtefactStoreError';

  constructor(
    readonly code: ArtefactStoreErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }

  /** Worth trying again later (the network, a server restarting), not a setting to fix. */
  get isTransient(): boolean {
    return this.code === 'unreachable' || this.code === 'failed';
  }
}
