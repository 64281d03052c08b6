import { createHash } from 'node:crypto';
import type { ColumnInfo, NormalisedType } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';

/**
 * An order-independent checksum of rows: each row is reduced to a canonical text by the target
 * column's type (so `1.90` from MySQL equals `1.9` from SQLite, and `t` equals `true`), hashed with
 * MurmurHash3 under four seeds (128 bits; a fast hash, since it guards against mistakes, not
 * attackers), and the four 32-bit words are summed lane by lane. Equal multisets of rows give equal
 * sums whatever order the databases return them in. MD5 did the same at a fifth of the speed.
 */
export class RowChecksum {
  private readonly lanes = new Uint32Array(4);
  private count = 0;
  private readonly canon: ((v: Value) => string)[];
  // md5 mode: the first 60 bits of each row's MD5, summed exactly as two numbers (high 28, low 32 bits).
  private high = 0;
  private low = 0;

  /**
   * `murmur` (the default) is for comparing two checksums computed here; `md5` matches what
   * PostgreSQL computes with `canonicalRowSql` (see postgres/postgres-checksum.ts), so one side can be
   * summed by the database server while this process sums the other.
   */
  constructor(
    columns: readonly Pick<ColumnInfo, 'type'>[],
    private readonly hash: 'murmur' | 'md5' = 'murmur',
  ) {
    this.canon = columns.map((c) => canonicalFor(c.type));
  }

  add(row: Row): void {
    let text = '';
    for (let i = 0; i < this.canon.length; i++) {
      const v = row[i] ?? null;
      text += (v === null ? NULL_MARK : this.canon[i]!(v)) + SEPARATOR;
    }
    this.count += 1;
    if (this.hash === 'md5') {
      const hex = createHash('md5').update(text, 'utf8').digest('hex');
      this.high += Number.parseInt(hex.slice(0, 7), 16);
      this.low += Number.parseInt(hex.slice(7, 15), 16);
      if (this.low > 2 ** 52) {
        this.high += Math.floor(this.low / 2 ** 32);
        this.low %= 2 ** 32;
      }
      return;
    }
    for (let lane = 0; lane < 4; lane++)
      this.lanes[lane] = (this.lanes[lane]! + murmur3(text, SEEDS[lane]!)) >>> 0;
  }

  get rows(): number {
    return this.count;
  }

  /** murmur: hex of the four summed lanes; md5: the exact decimal sum, as PostgreSQL prints it. */
  digest(): string {
    if (this.hash === 'md5') return (BigInt(this.high) * 2n ** 32n + BigInt(this.low)).toString();
    return Array.from(this.lanes, (n) => n.toString(16).padStart(8, '0')).join('');
  }
}

/** Marks NULL in a row's canonical text; a character PostgreSQL text can hold (NUL it cannot). */
export const NULL_MARK = '\u0001';
export const SEPARATOR = '\u001f';

function canonicalFor(type: NormalisedType): (v: Value) => string {
  switch (type) {
    case 'boolean':
      return (v) => (v === true || v === 1 || v === '1' || v === 't' || v === 'true' || v === 1n ? '1' : '0');
    case 'int16':
    case 'int32':
    case 'int64':
      return (v) => String(v);
    case 'decimal':
      return (v) => canonicalDecimal(String(v));
    case 'float32':
      return (v) => String(Math.fround(Number(v)));
    case 'float64':
      return (v) => String(Number(v));
    case 'timestamp':
    case 'time':
      // A UTC offset on a value headed for a column without zone (MySQL keeps timestamptz as UTC
      // datetime) says nothing more: drop it.
      return (v) =>
        trimFraction(
          String(v)
            .replace('T', ' ')
            .replace(/(?:Z|[+-]00(?::?00)?)$/, ''),
        );
    case 'timestamptz':
      return (v) => canonicalInstant(String(v));
    case 'binary':
      return (v) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('hex') : Buffer.from(String(v)).toString('hex');
    case 'json':
      return (v) => canonicalJson(String(v));
    case 'uuid':
      return (v) => String(v).toLowerCase();
    default:
      return (v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v));
  }
}

export function canonicalDecimal(text: string): string {
  let s = text.trim();
  const negative = s.startsWith('-');
  if (negative || s.startsWith('+')) s = s.slice(1);
  if (/e/i.test(s)) s = expandExponent(s);
  let [int = '', frac = ''] = s.split('.');
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  const body = frac ? `${int || '0'}.${frac}` : int || '0';
  return negative && body !== '0' ? `-${body}` : body;
}

function expandExponent(s: string): string {
  const n = Number(s);
  return Number.isFinite(n) ? n.toFixed(20) : s;
}

function trimFraction(s: string): string {
  return s.replace(/(\.\d*?)0+(?=$|[+-]\d)/, '$1').replace(/\.(?=$|[+-]\d)/, '');
}

/** A timestamp with zone as UTC microseconds since the epoch. */
function canonicalInstant(s: string): string {
  const m =
    /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?\s*(?:([+-])(\d\d)(?::?(\d\d))?|Z)?$/.exec(
      s.trim(),
    );
  if (!m) return s;
  const [, y, mo, d, h, mi, sec, frac = '', sign, oh = '0', om = '0'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const micros = BigInt(ms - (sign ? offset : 0)) * 1000n + BigInt(frac.padEnd(6, '0') || '0');
  return micros.toString();
}

function canonicalJson(s: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(s)));
  } catch {
    return s;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

const SEEDS = [0x9747b28c, 0x2f8d3e1b, 0x5bd1e995, 0x1b873593];

/** MurmurHash3 (x86, 32-bit) over the UTF-16 code units of a string. */
export function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  const length = text.length;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    let k = (text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)) >>> 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < length) {
    let k = text.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
