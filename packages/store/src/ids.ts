import { randomBytes } from 'node:crypto';

const last = { ms: 0, seq: 0 };

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids
 * made by this process in the same millisecond in creation order, then random bits. Ids sort by
 * creation time as plain text, which is what the newest-first lists and their cursors rely on.
 */
export function newId(): string {
  const now = Date.now();
  if (now > last.ms) {
    last.ms = now;
    last.seq = 0;
  } else if (++last.seq > 0xfff) {
    last.ms += 1;
    last.seq = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(last.ms, 0, 6);
  bytes[6] = 0x70 | (last.seq >> 8);
  bytes[7] = last.seq & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
