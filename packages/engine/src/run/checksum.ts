import type { ColumnInfo, NormalisedType } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';
import { CanonicalBytes } from './canonical-bytes.ts';
import { pgHashBytes } from './pg-hash64.ts';

/**
 * An order-independent checksum of rows: each row is reduced to a canonical text by the target
 * column's type (so `1.90` from MySQL equals `1.9` from SQLite, and `t` equals `true`), hashed with
 * MurmurHash3 under four seeds (128 bits; a fast hash, since it guards against mistakes, not
 * attackers), and the four 32-bit words are summed lane by lane. Equal multisets of rows give equal
 * sums whatever order the databases return them in. MD5 did the same at a fifth of the speed.
 *
 * The PostgreSQL mode (made by `RowChecksum.postgres`) sums each canonical text's
 * `hashtextextended(text, 0)` (see pg-hash64.ts), exactly what PostgreSQL sums in SQL.
 */
export class RowChecksum {
  private readonly lanes = new Uint32Array(4);
  private count = 0;
  private readonly canon: ((v: Value) => string)[];
  /** Columns whose string values are their own canonical text, and integer columns (written as digits). */
  private readonly plainText: boolean[];
  private readonly integers: boolean[];
  // PostgreSQL mode: each row's signed 64-bit hash summed exactly as two numbers, the signed high
  // 32 bits and the unsigned low 32 bits (carried into `high` before they pass 2^53).
  private high = 0;
  // Each row moves `high` by up to 2^31: past 2^52 it moves here, so sums stay exact for any count.
  private highCarried = 0n;
  private low = 0;
  private readonly hash = new Float64Array(2);

  /**
   * The default (murmur) is for comparing two checksums computed here; `postgres` matches what
   * PostgreSQL computes with `canonicalRowSql` (see postgres/postgres-checksum.ts), so one side can be
   * summed by the database server while this process sums the other.
   */
  constructor(
    columns: readonly Pick<ColumnInfo, 'type'>[],
    private readonly mode: 'murmur' | 'postgres' = 'murmur',
  ) {
    this.canon = columns.map((c) => canonicalFor(c.type));
    this.plainText = columns.map((c) => PLAIN_TEXT.has(c.type));
    this.integers = columns.map((c) => c.type === 'int16' || c.type === 'int32' || c.type === 'int64');
  }

  /** A checksum PostgreSQL can match in SQL, new or going on from a state carried in a checkpoint. */
  static postgres(columns: readonly Pick<ColumnInfo, 'type'>[], from?: ServerSumState): RowChecksum {
    const sum = new RowChecksum(columns, 'postgres');
    if (from) {
      sum.count = from.rows;
      sum.highCarried = BigInt(from.high);
      sum.low = from.low;
    }
    return sum;
  }

  /**
   * Adds a row: its values in column order, or, with `indexes`, the values at those positions of a
   * row read in another layout (a source row carrying key columns the mapping does not copy).
   */
  add(row: Row, indexes?: readonly number[]): void {
    if (this.mode === 'postgres') {
      this.addBytes(row, indexes);
      return;
    }
    let text = '';
    for (let i = 0; i < this.canon.length; i++) {
      const v = row[indexes ? indexes[i]! : i] ?? null;
      text += (v === null ? NULL_MARK : this.canon[i]!(v)) + SEPARATOR;
    }
    this.count += 1;
    for (let lane = 0; lane < 4; lane++)
      this.lanes[lane] = (this.lanes[lane]! + murmur3(text, SEEDS[lane]!)) >>> 0;
  }

  /** PostgreSQL mode: the canonical text written as bytes and hashed as hashtextextended would. */
  private addBytes(row: Row, indexes?: readonly number[]): void {
    const out = ROW_BYTES;
    out.reset();
    for (let i = 0; i < this.canon.length; i++) {
      const v = row[indexes ? indexes[i]! : i] ?? null;
      if (v === null) out.byte(NULL_BYTE);
      else if (typeof v === 'string' && this.plainText[i]) out.text(v);
      else if (typeof v === 'number' && this.integers[i] && Number.isSafeInteger(v)) out.integer(v);
      else out.text(this.canon[i]!(v));
      out.byte(SEPARATOR_BYTE);
    }
    this.count += 1;
    pgHashBytes(out.buffer, out.length, this.hash);
    this.high += this.hash[0]!;
    this.low += this.hash[1]!;
    if (this.low > 2 ** 52) {
      this.high += Math.floor(this.low / 2 ** 32);
      this.low %= 2 ** 32;
    }
    if (Math.abs(this.high) > 2 ** 52) {
      this.highCarried += BigInt(this.high);
      this.high = 0;
    }
  }

  get rows(): number {
    return this.count;
  }

  /** The PostgreSQL-mode sum so far, to be carried in a checkpoint and continued from there. */
  get state(): ServerSumState {
    if (this.mode !== 'postgres')
      throw new Error('only a PostgreSQL-mode checksum can be carried in a checkpoint');
    return { rows: this.count, high: (this.highCarried + BigInt(this.high)).toString(), low: this.low };
  }

  /** Several PostgreSQL-mode sums (one per task of a table) as one: rows and the decimal digest. */
  static combine(states: readonly ServerSumState[]): { rows: number; digest: string } {
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

  /** murmur: hex of the four summed lanes; postgres: the exact decimal sum, as PostgreSQL prints it. */
  digest(): string {
    if (this.mode === 'postgres') return RowChecksum.combine([this.state]).digest;
    return Array.from(this.lanes, (n) => n.toString(16).padStart(8, '0')).join('');
  }
}

/** A PostgreSQL-mode row sum in flight: rows summed and the two exact parts of the sum (see `add`). */
export interface ServerSumState {
  readonly rows: number;
  /** Decimal: it may pass 2^53. */
  readonly high: string;
  readonly low: number;
}

/** Marks NULL in a row's canonical text; a character PostgreSQL text can hold (NUL it cannot). */
export const NULL_MARK = '\u0001';
export const SEPARATOR = '\u001f';
const NULL_BYTE = 1;
const SEPARATOR_BYTE = 0x1f;

/** Types whose canonical text of a string value is the string itself (see canonicalFor). */
const PLAIN_TEXT: ReadonlySet<NormalisedType> = new Set(['string', 'text', 'date', 'bit', 'unknown']);

/** One buffer for every checksum: a row is written and hashed in one synchronous call. */
const ROW_BYTES = new CanonicalBytes();

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
