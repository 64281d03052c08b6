import { createMD5, type IHasher } from 'hash-wasm';
import type { ColumnInfo, NormalisedType } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';

/**
 * An order-independent checksum of rows: each row is reduced to a canonical text by the target
 * column's type (so `1.90` from MySQL equals `1.9` from SQLite, and `t` equals `true`), hashed with
 * MurmurHash3 under four seeds (128 bits; a fast hash, since it guards against mistakes, not
 * attackers), and the four 32-bit words are summed lane by lane. Equal multisets of rows give equal
 * sums whatever order the databases return them in. MD5 did the same at a fifth of the speed.
 *
 * The md5 mode (made by `RowChecksum.md5`) matches what PostgreSQL computes in SQL; it hashes with
 * hash-wasm's reusable WebAssembly MD5, twice as fast per row as node:crypto's createHash, which
 * builds a hash object for every row.
 */
export class RowChecksum {
  private readonly lanes = new Uint32Array(4);
  private count = 0;
  private readonly canon: ((v: Value) => string)[];
  // md5 mode: the first 60 bits of each row's MD5, summed exactly as two numbers (high 28, low 32 bits).
  private high = 0;
  // Each row adds up to 2^28 to `high`: past 2^52 it moves here, so sums stay exact beyond 33M rows.
  private highCarried = 0n;
  private low = 0;

  /**
   * `murmur` (the default) is for comparing two checksums computed here; `md5` matches what
   * PostgreSQL computes with `canonicalRowSql` (see postgres/postgres-checksum.ts), so one side can be
   * summed by the database server while this process sums the other.
   */
  constructor(
    columns: readonly Pick<ColumnInfo, 'type'>[],
    private readonly md5Hasher?: IHasher,
  ) {
    this.canon = columns.map((c) => canonicalFor(c.type));
  }

  /** An md5 checksum, new or going on from a state carried in a checkpoint. */
  static async md5(columns: readonly Pick<ColumnInfo, 'type'>[], from?: Md5SumState): Promise<RowChecksum> {
    const sum = new RowChecksum(columns, await sharedMd5());
    if (from) {
      sum.count = from.rows;
      sum.highCarried = BigInt(from.high);
      sum.low = from.low;
    }
    return sum;
  }

  add(row: Row): void {
    let text = '';
    for (let i = 0; i < this.canon.length; i++) {
      const v = row[i] ?? null;
      text += (v === null ? NULL_MARK : this.canon[i]!(v)) + SEPARATOR;
    }
    this.count += 1;
    const md5 = this.md5Hasher;
    if (md5) {
      md5.init();
      md5.update(text);
      const b = md5.digest('binary');
      // The first 60 bits: 28 (seven hex digits) and 32 (the next eight), as PostgreSQL sums them.
      this.high += (b[0]! << 20) | (b[1]! << 12) | (b[2]! << 4) | (b[3]! >>> 4);
      this.low +=
        (((b[3]! & 0xf) << 28) | (b[4]! << 20) | (b[5]! << 12) | (b[6]! << 4) | (b[7]! >>> 4)) >>> 0;
      if (this.low > 2 ** 52) {
        this.high += Math.floor(this.low / 2 ** 32);
        this.low %= 2 ** 32;
      }
      if (this.high > 2 ** 52) {
        this.highCarried += BigInt(this.high);
        this.high = 0;
      }
      return;
    }
    for (let lane = 0; lane < 4; lane++)
      this.lanes[lane] = (this.lanes[lane]! + murmur3(text, SEEDS[lane]!)) >>> 0;
  }

  /** Adds the values of `row` at `indexes`, in that order: a source row read in another layout. */
  addAt(row: Row, indexes: readonly number[]): void {
    const projected: Value[] = new Array(indexes.length);
    for (let i = 0; i < indexes.length; i++) projected[i] = row[indexes[i]!] ?? null;
    this.add(projected);
  }

  get rows(): number {
    return this.count;
  }

  /** The md5 sum so far, to be carried in a checkpoint and continued with `resume`. */
  get state(): Md5SumState {
    if (!this.md5Hasher) throw new Error('only an md5 checksum can be carried in a checkpoint');
    return { rows: this.count, high: this.highTotal().toString(), low: this.low };
  }

  private highTotal(): bigint {
    return this.highCarried + BigInt(this.high);
  }

  /** Several md5 sums (one per task of a table) as one: rows and the decimal digest. */
  static combine(states: readonly Md5SumState[]): { rows: number; digest: string } {
    let high = 0n;
    let low = 0n;
    let rows = 0;
    for (const s of states) {
      rows += s.rows;
      high += BigInt(s.high);
      low += BigInt(s.low);
    }
    return { rows, digest: (high * 2n ** 32n + low).toString() };
  }

  /** murmur: hex of the four summed lanes; md5: the exact decimal sum, as PostgreSQL prints it. */
  digest(): string {
    if (this.md5Hasher) return (this.highTotal() * 2n ** 32n + BigInt(this.low)).toString();
    return Array.from(this.lanes, (n) => n.toString(16).padStart(8, '0')).join('');
  }
}

let md5Instance: Promise<IHasher> | undefined;

/** One WebAssembly MD5 for the process: each `add` uses it from init to digest without awaiting. */
function sharedMd5(): Promise<IHasher> {
  md5Instance ??= createMD5();
  return md5Instance;
}

/** An md5 row sum in flight: rows summed and the two exact parts of the sum (see `add`). */
export interface Md5SumState {
  readonly rows: number;
  /** Decimal: it may pass 2^53. */
  readonly high: string;
  readonly low: number;
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
      return (v) => {
        const text = String(v);
        // `2024-01-31 10:00:00` (or a bare time) is canonical as it is.
        if (
          (text.length === 19 && text.charCodeAt(10) === 32) ||
          (text.length === 8 && text.charCodeAt(2) === 58)
        )
          return text;
        return trimFraction(text.replace('T', ' ').replace(/(?:Z|[+-]00(?::?00)?)$/, ''));
      };
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

// Digits with an optional fraction, no leading zero, sign, space or exponent: the usual case, which
// only needs trailing fraction zeros removed (a tenth of the regular path's time, per row and column).
const PLAIN_DECIMAL = /^(?:[1-9]\d*|0)(?:\.\d*)?$/;

export function canonicalDecimal(text: string): string {
  if (PLAIN_DECIMAL.test(text)) {
    const dot = text.indexOf('.');
    if (dot < 0) return text;
    let end = text.length;
    while (text.charCodeAt(end - 1) === 48) end -= 1; // stops at the dot at the latest
    if (end - 1 === dot) end -= 1;
    return text.slice(0, end);
  }
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
