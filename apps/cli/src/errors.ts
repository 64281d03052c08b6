import { isDataBridgeError, messageOf } from '@databridge/engine';

/** Exit codes: 0 success, 1 the run failed, 2 bad input (spec, URL, unknown table or column). */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

export function exitCodeFor(error: unknown): number {
  // A missing or malformed environment variable, or a store argument, is bad input too.
  if (error instanceof Error && error.name === 'EnvError') return EXIT.badInput;
  // The artefact store's settings (a bad variable, a refused key, no bucket) are the user's to fix.
  if (error instanceof Error && error.name === 'ArtefactStoreError')
    return /^(bad_config|auth_failed|no_bucket|bad_key)$/.test((error as { code?: string }).code ?? '')
      ? EXIT.badInput
      : EXIT.failed;
  if (
    error instanceof Error &&
    error.name === 'StoreError' &&
    (error as { code?: string }).code === 'bad_input'
  )
    return EXIT.badInput;
  if (isDataBridgeError(error))
    return error.isBadInput || error.code === 'auth_failed' || error.code === 'connection_failed'
      ? EXIT.badInput
      : EXIT.failed;
  return EXIT.failed;
}

/** One clear line on stderr; the stack (and causes) only with --verbose. */
export function printError(error: unknown, verbose: boolean): void {
  process.stderr.write(`error: ${messageOf(error)}\n`);
  if (verbose) {
    let e: unknown = error;
    while (e instanceof Error) {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      e = e.cause;
      if (e) process.stderr.write('caused by: ');
    }
  } else if (isDiskFull(error)) {
    process.stderr.write('(the disk is full: free some space, then resume the run with the command above)\n');
  } else if (
    !isDataBridgeError(error) &&
    !(error instanceof Error && /^(EnvError|StoreError|ArtefactStoreError)$/.test(error.name))
  ) {
    process.stderr.write('(an unexpected error: run again with --verbose for details)\n');
  }
}

/** SQLite's SQLITE_FULL or the system's ENOSPC, anywhere in the cause chain. */
function isDiskFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC') return true;
  }
  return false;
}

export function isVerbose(): boolean {
  return process.argv.includes('--verbose');
}
