import { Readable } from 'node:stream';

const NEWLINE = 0x0a;

/**
 * Cuts one stream of PostgreSQL COPY text into batches of `size` rows, each a stream of its own, so
 * that a task reads its key range with one query (the source never stops between batches, and sees
 * the range at one moment) while the target still commits every `size` rows with a checkpoint. In
 * COPY text a newline byte always ends a row (newlines inside values are escaped as `\n`).
 *
 * Batches are taken one after another; the source is read only as fast as a batch is consumed.
 */
export class CopyTextBatches {
  readonly #chunks: AsyncIterator<Buffer>;
  /** Bytes already read that belong to the next batch. */
  #pending: Buffer | undefined;

  constructor(
    source: Readable,
    private readonly size: number,
  ) {
    this.#chunks = source[Symbol.asyncIterator]();
  }

  /** The next batch's bytes: `size` rows, fewer at the end of the source, none after it. */
  next(): Readable {
    return Readable.from(this.#batch(), { objectMode: false });
  }

  async *#batch(): AsyncGenerator<Buffer> {
    let rows = 0;
    for (;;) {
      let chunk = this.#pending;
      this.#pending = undefined;
      if (!chunk) {
        const read = await this.#chunks.next();
        if (read.done) return;
        chunk = read.value;
      }
      let end = -1;
      while (rows < this.size) {
        const at = chunk.indexOf(NEWLINE, end + 1);
        if (at === -1) break;
        rows += 1;
        end = at;
      }
      if (rows < this.size) {
        yield chunk;
        continue;
      }
      // Copied: the rest waits for the next batch, after this chunk has gone on to the target.
      if (end + 1 < chunk.length) this.#pending = Buffer.from(chunk.subarray(end + 1));
      yield chunk.subarray(0, end + 1);
      return;
    }
  }
}
