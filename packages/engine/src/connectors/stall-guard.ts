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

/**
 * A statement on a target's load connection, given up when its server answers nothing for `ms`
 * (writers have no row stream to watch, so silence is a statement without answer). `work` calls
 * `progress` when it moves on (a COPY that is still taking rows), which starts the wait again.
 * On a stall `stalled` runs: it cuts the connection (so the driver gives up the statement too) and
 * returns the error to fail with. A statement held by a lock that long fails the same way.
 */
export async function answerWithin<T>(
  ms: number,
  work: (progress: () => void) => Promise<T>,
  stalled: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  let fail: (error: Error) => void = () => undefined;
  const timeout = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const progress = () => {
    if (settled) return;
    clearTimeout(timer);
    timer = setTimeout(() => fail(stalled()), ms);
  };
  progress();
  const working = work(progress);
  try {
    return await Promise.race([working, timeout]);
  } finally {
    settled = true;
    clearTimeout(timer);
    working.catch(() => undefined); // it fails with the cut connection once given up
  }
}

/** The words of a target's stall, for the error a load session fails with. */
export function targetStalled(action: string, ms: number): string {
  return `${action}: the target answered nothing for ${Math.round(ms / 1000)} s; the connection is taken for lost`;
}
