/**
 * How long a reader waits for the next rows from its server before it takes the connection for dead
 * (5 minutes): the last resort when neither the socket nor the driver reports that the server is
 * gone (a half-open TCP connection, a driver stream that never ends). Set per connection with
 * `ConnectOptions.stallTimeoutMs`, from the spec's `pipeline.stallTimeoutSeconds`.
 */
export const DEFAULT_STALL_TIMEOUT_MS = 5 * 60_000;

/**
 * Iterates `source`, failing with `stalled()` when one item takes longer than `ms` to come. Only the
 * wait for the source counts: time the consumer spends between items (a slow target) does not.
 * On a stall the source is closed without waiting for it (a dead connection may never answer).
 */
export async function* guardStalls<T>(
  source: AsyncIterable<T>,
  ms: number,
  stalled: () => Error,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(stalled()), ms);
      });
      let next: IteratorResult<T>;
      try {
        next = await Promise.race([iterator.next(), timeout]);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
