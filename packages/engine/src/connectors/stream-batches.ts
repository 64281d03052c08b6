import type { EventEmitter } from 'node:events';

/** What streamBatches reads from: an object-mode Readable, or anything with its events and controls. */
export type RowSource = Pick<EventEmitter, 'on' | 'once' | 'off'> & {
  pause(): unknown;
  resume(): unknown;
  destroy(error?: Error): unknown;
};

/**
 * Collects an object-mode stream's rows into arrays of `size`, pausing the stream (and so its socket)
 * while the consumer works on a batch. Fails with `stalled()` when the stream sends nothing for `ms`
 * while it is waited for (noticed within a quarter of `ms` after): time the consumer spends between
 * batches does not count. Ending early destroys the stream.
 *
 * Why not `for await` over the stream with a timer per row: that costs a promise, a race and a timer
 * for every row, a tenth of the CPU of a MariaDB load; here a row costs one push and one counter.
 */
export async function* streamBatches<T>(
  stream: RowSource,
  size: number,
  ms: number,
  stalled: () => Error,
): AsyncGenerator<T[]> {
  // Made at full size once per batch: pushing 10,000 rows one by one would regrow the array 14 times.
  let batch: T[] = new Array(size);
  let count = 0;
  let arrived = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const onData = (row: T) => {
    batch[count++] = row;
    arrived++;
    if (count >= size) {
      stream.pause();
      wake?.();
    }
  };
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  const onError = (error: Error) => {
    failure ??= error;
    wake?.();
  };
  const onClose = () => {
    if (!ended)
      failure ??= Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    wake?.();
  };
  stream.pause();
  stream.on('data', onData);
  stream.once('end', onEnd);
  stream.on('error', onError);
  stream.once('close', onClose);
  try {
    for (;;) {
      if (failure) throw failure;
      if (count >= size || (ended && count > 0)) {
        const full = batch;
        full.length = count;
        batch = new Array(size);
        count = 0;
        yield full;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        let seen = arrived;
        let lastAt = performance.now();
        const watch = setInterval(
          () => {
            const now = performance.now();
            if (arrived !== seen) {
              seen = arrived;
              lastAt = now;
            } else if (now - lastAt >= ms) {
              failure ??= stalled();
              wake!();
            }
          },
          Math.max(1, ms / 4),
        );
        wake = () => {
          clearInterval(watch);
          wake = undefined;
          resolve();
        };
        stream.resume();
      });
    }
  } finally {
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('close', onClose);
    if (!ended) stream.destroy();
    // A late error (a destroy) has no one left to hear it; it must not become an uncaught one.
    stream.on('error', () => undefined);
    stream.off('error', onError);
  }
}
