/**
 * A row's canonical text (checksum.ts) written straight as UTF-8 bytes into one reused buffer, for
 * hashing: no string per value nor per row for the garbage collector, no second pass to encode it.
 * The bytes are exactly what encoding the concatenated text would give (lone surrogates included,
 * which both turn into U+FFFD).
 */
export class CanonicalBytes {
  buffer = Buffer.allocUnsafe(4096);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  private room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + n));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(b: number): void {
    this.room(1);
    this.buffer[this.length++] = b;
  }

  /** Text: ASCII copied in place, the rest from its first other character through the UTF-8 encoder. */
  text(s: string): void {
    this.room(3 * s.length);
    const out = this.buffer;
    let at = this.length;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.length = at + out.write(i === 0 ? s : s.slice(i), at, 'utf8');
        return;
      }
      out[at++] = c;
    }
    this.length = at;
  }

  /** A safe integer's decimal digits, as String(n) prints them. */
  integer(n: number): void {
    this.room(17);
    const out = this.buffer;
    if (n < 0) {
      out[this.length++] = 45; // -
      n = -n;
    }
    const start = this.length;
    do {
      out[this.length++] = 48 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    // Digits came lowest first: swap them in place (a subarray view would cost an object per value).
    for (let i = start, j = this.length - 1; i < j; i++, j--) {
      const d = out[i]!;
      out[i] = out[j]!;
      out[j] = d;
    }
  }
}
