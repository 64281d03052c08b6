import { createHash } from 'node:crypto';
import type { ColumnInfo, NormalisedType } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';

/**
 * An order-independent checksum of rows: each row is reduced to a canonical text by the target
 * column's type (so `1.90` from MySQL equals `1.9` from SQLite, and `t` equals `true`), hashed with
 * MD5, and the four 32-bit words of every hash are summed lane by lane. Equal multisets of rows give
 * equal sums whatever order the databases return them in.
 */
export class RowChecksum {
  private readonly lanes = new Uint32Array(4);
  private count = 0;
  private readonly canon: ((v: Value) => string)[];

  constructor(columns: readonly Pick<ColumnInfo, 'type'>[]) {
    this.canon = columns.map((c) => canonicalFor(c.type));
  }

  add(row: Row): void {
    let text = '';
    for (let i = 0; i < this.canon.length; i++) {
      const v = row[i] ?? null;
      text += (v === null ? '\u0000' : this.canon[i]!(v)) + '\u001f';
    }
    const digest = createHash('md5').update(text).digest();
    for (let lane = 0; lane < 4; lane++)
      this.lanes[lane] = (this.lanes[lane]! + digest.readUInt32LE(lane * 4)) >>> 0;
    this.count += 1;
  }

  get rows(): number {
    return this.count;
  }

  /** Hex of the four summed lanes. */
  digest(): string {
    return Array.from(this.lanes, (n) => n.toString(16).padStart(8, '0')).join('');
  }
}

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
