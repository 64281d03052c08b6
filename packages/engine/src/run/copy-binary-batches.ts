import { Readable } from 'node:stream';

/** `PGCOPY\n\377\r\n\0`, the first 11 bytes of every binary COPY stream. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, flags (int32) and the header extension's length (int32). */
const FIXED_HEADER = SIGNATURE.length + 8;
/** A field count of -1: the end of the data. */
const TRAILER = Buffer.from([0xff, 0xff]);

/**
 * Cuts one stream of PostgreSQL binary COPY into batches of `size` rows, each a complete binary COPY
 * stream of its own (the source's header, the rows, a trailer), as CopyTextBatches does for COPY
 * text: a task reads its key range with one query while the target commits every `size` rows with a
 * checkpoint. Each row is walked by its field lengths only; the last row of a batch keeps its fields
 * so that its key can be decoded.
 *
 * Batches are taken one after another; the source is read only as fast as a batch is consumed.
 */
export class CopyBinaryBatches {
  readonly #chunks: AsyncIterator<Buffer>;
  /** Bytes read and not yet sent: the start of a row cut by a chunk's end, or the next batch's rows. */
  #pending: Buffer = Buffer.alloc(0);
  #header: Buffer | undefined;
  #ended = false;
  /** The fields of the last row of the latest batch (null for NULL); undefined when it had no row. */
  #lastFields: (Buffer | null)[] | undefined;

  constructor(
    source: Readable,
    private readonly size: number,
  ) {
    this.#chunks = source[Symbol.asyncIterator]();
  }

  /** The next batch: a binary COPY stream of `size` rows, fewer at the end of the source, none after it. */
  next(): Readable {
    this.#lastFields = undefined;
    return Readable.from(this.#batch(), { objectMode: false });
  }

  /** The fields of the batch's last row, once the batch has been read to its end. */
  lastRow(): (Buffer | null)[] | undefined {
    return this.#lastFields;
  }

  async *#batch(): AsyncGenerator<Buffer> {
    yield await this.#readHeader();
    let rows = 0;
    let buffer = this.#pending;
    let at = 0;
    // Where the batch's last complete row lies (two variables, not an object per row): a buffer is
    // never written once read, so the row is decoded from it at the end even after later bytes went
    // into a new buffer.
    let lastBuffer: Buffer | undefined;
    let lastAt = 0;
    while (!this.#ended && rows < this.size) {
      const end = rowEnd(buffer, at);
      if (end === 'trailer') {
        this.#ended = true;
        break;
      }
      if (end === undefined) {
        // The row goes on in the next chunk: send the whole rows, keep the start of this one.
        const read = await this.#chunks.next();
        if (read.done) throw new Error('the binary COPY stream ended in the middle of a row');
        if (at > 0) yield buffer.subarray(0, at);
        // Row-aligned chunks (copy-out-stream.ts sends whole rows) are taken as they are, not copied.
        buffer = at < buffer.length ? Buffer.concat([buffer.subarray(at), read.value]) : read.value;
        at = 0;
        continue;
      }
      lastBuffer = buffer;
      lastAt = at;
      at = end;
      rows += 1;
    }
    if (lastBuffer) this.#lastFields = fieldsAt(lastBuffer, lastAt);
    if (at > 0) yield buffer.subarray(0, at);
    // Copied: the rest waits for the next batch, after this batch's bytes have gone to the target.
    this.#pending = Buffer.from(buffer.subarray(at));
    yield TRAILER;
  }

  /** The source's header, read once and sent at the start of every batch. */
  async #readHeader(): Promise<Buffer> {
    if (this.#header) return this.#header;
    let buffer = this.#pending;
    const need = async (length: number) => {
      while (buffer.length < length) {
        const read = await this.#chunks.next();
        if (read.done) throw new Error('the binary COPY stream ended inside its header');
        buffer = Buffer.concat([buffer, read.value]);
      }
    };
    await need(FIXED_HEADER);
    if (!buffer.subarray(0, SIGNATURE.length).equals(SIGNATURE))
      throw new Error('the source did not send binary COPY (no PGCOPY signature)');
    const length = FIXED_HEADER + buffer.readUInt32BE(FIXED_HEADER - 4);
    await need(length);
    this.#header = Buffer.from(buffer.subarray(0, length));
    this.#pending = buffer.subarray(length);
    return this.#header;
  }
}

/** Where the row starting at `at` ends, 'trailer' at the end of the data, undefined when cut short. */
function rowEnd(buffer: Buffer, at: number): number | 'trailer' | undefined {
  const size = buffer.length;
  if (at + 2 > size) return undefined;
  // Bytes read by hand: this runs for every row, and Buffer's readInt32BE checks its bounds each time.
  const fields = (buffer[at]! << 8) | buffer[at + 1]!;
  if (fields === 0xffff) return 'trailer';
  let end = at + 2;
  for (let i = 0; i < fields; i++) {
    if (end + 4 > size) return undefined;
    const length =
      (buffer[end]! << 24) | (buffer[end + 1]! << 16) | (buffer[end + 2]! << 8) | buffer[end + 3]!;
    // -1 is NULL, with no bytes.
    end += length > 0 ? 4 + length : 4;
  }
  return end <= size ? end : undefined;
}

/** The fields of the complete row starting at `at`, copied out of the stream's memory. */
function fieldsAt(buffer: Buffer, at: number): (Buffer | null)[] {
  const count = buffer.readInt16BE(at);
  const fields: (Buffer | null)[] = [];
  let end = at + 2;
  for (let i = 0; i < count; i++) {
    const length = buffer.readInt32BE(end);
    end += 4;
    fields.push(length < 0 ? null : Buffer.from(buffer.subarray(end, end + length)));
    if (length > 0) end += length;
  }
  return fields;
}
