import { DataBridgeError } from '../errors.ts';
import type { Row, Value } from '../values.ts';

/** Batches are cut into chunks of about this many bytes. */
const CHUNK_BYTES = 4 * 1024 * 1024;

const SPECIALS = /[\\\t\n\r]/;
const SPECIALS_ALL = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeText(text: string): string {
  return SPECIALS.test(text) ? text.replace(SPECIALS_ALL, (ch) => ESCAPES[ch]!) : text;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function encodeNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return Object.is(n, -0) ? '-0' : String(n);
}

/**
 * One value in COPY text format: `\N` for NULL, `t`/`f`, numbers as JavaScript prints them (NaN and
 * ±Infinity as PostgreSQL spells them), bytes as `\\x` hex, text with backslash, tab, newline and
 * carriage return escaped.
 */
export function encodeCopyValue(value: Value, column: string): string {
  switch (typeof value) {
    case 'string':
      return escapeText(value);
    case 'number':
      return encodeNumber(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 't' : 'f';
    default:
      if (value === null) return '\\N';
      if (value instanceof Uint8Array) return `\\\\x${hex(value)}`;
      throw new DataBridgeError(
        'bad_value',
        `Column ${column}: a ${Object.prototype.toString.call(value)} is not a row value (see values.ts)`,
      );
  }
}

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;
/** The letter after the backslash that escapes each special character (0: not special). */
const ESCAPE_LETTER = new Uint8Array(128);
ESCAPE_LETTER[BACKSLASH] = BACKSLASH;
ESCAPE_LETTER[TAB] = 116; // t
ESCAPE_LETTER[NEWLINE] = 110; // n
ESCAPE_LETTER[13] = 114; // r

/**
 * Where an encoder gets a buffer of at least `bytes`: a new one by default; a loader thread gives back
 * the buffers the main thread returned once their batch was written (threads/buffer-pool.ts).
 * Never a slice of Node's shared pool, so a chunk can be handed to another thread by transfer.
 */
export type BufferSource = (bytes: number) => Buffer;

const newBuffer: BufferSource = (bytes) => Buffer.allocUnsafeSlow(bytes);

/**
 * A batch's COPY text, written straight into bytes. ASCII text (most of it) is copied and escaped in
 * one pass; the rest of a string from its first non-ASCII character goes through the UTF-8 encoder,
 * exactly as `Buffer.from` would write it.
 */
class CopyBytes {
  private buffer: Buffer;
  private at = 0;
  readonly chunks: Buffer[] = [];

  constructor(
    private readonly sizeHint: number,
    private readonly take: BufferSource,
  ) {
    this.buffer = take(sizeHint);
  }

  /** Room for `n` more bytes; a full chunk is handed on and a new one started. */
  private room(n: number): void {
    if (this.at + n <= this.buffer.length) return;
    if (this.at >= CHUNK_BYTES) {
      this.chunks.push(this.buffer.subarray(0, this.at));
      this.buffer = this.take(Math.max(this.sizeHint, n));
      this.at = 0;
      return;
    }
    const grown = this.take(Math.max(this.buffer.length * 2, this.at + n));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }

  byte(b: number): void {
    this.room(1);
    this.buffer[this.at++] = b;
  }

  /** Text as COPY takes it: backslash, tab, newline and carriage return escaped. */
  text(s: string): void {
    this.room(2 * s.length);
    const out = this.buffer;
    let at = this.at;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.at = at;
        this.encoded(escapeText(i === 0 ? s : s.slice(i)));
        return;
      }
      const letter = ESCAPE_LETTER[c]!;
      if (letter !== 0) {
        out[at++] = BACKSLASH;
        out[at++] = letter;
      } else out[at++] = c;
    }
    this.at = at;
  }

  /** `\N`, COPY's NULL. */
  nullMark(): void {
    this.room(2);
    this.buffer[this.at++] = BACKSLASH;
    this.buffer[this.at++] = 78; // N
  }

  /** Text already in COPY form (escaped, or with nothing to escape), UTF-8 encoded. */
  encoded(s: string): void {
    this.room(3 * s.length);
    this.at += this.buffer.write(s, this.at, 'utf8');
  }

  end(): Buffer[] {
    if (this.at > 0) this.chunks.push(this.buffer.subarray(0, this.at));
    return this.chunks;
  }
}

/**
 * Encodes a batch as COPY text bytes, straight into one buffer (chunks of about 4 MB for a huge
 * batch): no string per value or per line, which a row-by-row load would otherwise leave for the
 * garbage collector, and no second pass to turn the text into UTF-8.
 */
export function encodeCopyRows(rows: readonly Row[], columns: readonly string[]): Buffer[] {
  const encoder = new CopyRowsEncoder(columns, rows.length);
  encoder.add(rows);
  return encoder.end();
}

/**
 * A batch encoded as its pages arrive, so that the rows of a page can go as soon as it is encoded
 * (a loader thread holds one page of rows at a time, not a batch of them).
 */
export class CopyRowsEncoder {
  private readonly out: CopyBytes;

  constructor(
    private readonly columns: readonly string[],
    expectedRows: number,
    take: BufferSource = newBuffer,
  ) {
    this.out = new CopyBytes(Math.min(CHUNK_BYTES, 64 + expectedRows * columns.length * 16), take);
  }

  add(rows: readonly Row[]): void {
    const { out, columns } = this;
    for (const row of rows) {
      if (row.length !== columns.length) {
        throw new DataBridgeError(
          'bad_value',
          `A row has ${row.length} values for ${columns.length} columns`,
        );
      }
      for (let i = 0; i < row.length; i++) {
        if (i > 0) out.byte(TAB);
        const value = row[i] as Value;
        if (typeof value === 'string') out.text(value);
        else if (value === null) out.nullMark();
        // A number's text is ASCII without specials: the one-pass copy takes it as it is.
        else if (typeof value === 'number') out.text(encodeNumber(value));
        else out.encoded(encodeCopyValue(value, columns[i]!));
      }
      out.byte(NEWLINE);
    }
  }

  end(): Buffer[] {
    return this.out.end();
  }
}
