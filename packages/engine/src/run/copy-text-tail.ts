import { Transform, type TransformCallback } from 'node:stream';

const NEWLINE = 0x0a;

/**
 * Passes PostgreSQL COPY text through untouched while counting rows and keeping the last one, so the
 * pass-through path learns a batch's size and last key without parsing any other row. In COPY text
 * a newline byte always ends a row: newlines inside values are escaped as `\n`.
 */
export class CopyTextTail extends Transform {
  rows = 0;
  private partial: Buffer = Buffer.alloc(0);
  private last: Buffer | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let at = chunk.indexOf(NEWLINE);
    if (at === -1) {
      this.partial = Buffer.concat([this.partial, chunk]);
      done(null, chunk);
      return;
    }
    let lastEnd = -1;
    let prevEnd = -1;
    while (at !== -1) {
      this.rows += 1;
      prevEnd = lastEnd;
      lastEnd = at;
      at = chunk.indexOf(NEWLINE, at + 1);
    }
    // Copy the line out: the chunk's memory belongs to the stream and is reused.
    this.last =
      prevEnd === -1
        ? Buffer.concat([this.partial, chunk.subarray(0, lastEnd)])
        : Buffer.from(chunk.subarray(prevEnd + 1, lastEnd));
    this.partial = Buffer.from(chunk.subarray(lastEnd + 1));
    done(null, chunk);
  }

  /** The fields of the last complete row, unescaped; `null` for `\N`. */
  lastRow(): (string | null)[] | undefined {
    if (!this.last) return undefined;
    return this.last.toString('utf8').split('\t').map(unescapeField);
  }
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

function unescapeField(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    return ESCAPES[e] ?? e;
  });
}
