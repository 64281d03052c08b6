/**
 * The benchmark's rows, computed from the key alone: row `id` of a table is the same in every run, in
 * every database and whatever order or range it is generated in. Each row seeds a small PRNG from a
 * hash of (table, id); nothing depends on Math.random or on the clock.
 */

/** Bumped whenever the content changes, so prepared sources from an older generator are rebuilt. */
export const GENERATOR_VERSION = 1;

export type Cell = string | number | boolean | null;

/** customers(id, name, email, country, created_at, balance, active, notes) */
export type CustomerRow = readonly [number, string, string, string, string, string, boolean, string | null];
/** orders(id, customer_id, ordered_at, amount, status, note) */
export type OrderRow = readonly [number, number, string, string, string, string | null];

export const CUSTOMER_COLUMNS = [
  'id',
  'name',
  'email',
  'country',
  'created_at',
  'balance',
  'active',
  'notes',
] as const;
export const ORDER_COLUMNS = ['id', 'customer_id', 'ordered_at', 'amount', 'status', 'note'] as const;

const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Ken',
  'Frances',
  'Edsger',
  'José',
  'Zoë',
  'Søren',
  'Łukasz',
  'Chloé',
  'Ana',
  'Mei',
  'Raj',
  'Olu',
  'Ingrid',
  'Tomás',
  'Yuki',
  'Fatima',
  'Niamh',
  'Pierre',
  'Hana',
  'Emil',
  'Leila',
  'Sven',
  'Priya',
];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  'Dijkstra',
  "O'Brien",
  'García',
  'Müller',
  'Nowak',
  'Sato',
  'Okafor',
  'Kumar',
  'Nielsen',
  'Dubois',
  'Rossi',
  'Silva',
  'Kim',
  'Novák',
  'Johansson',
  'Murphy',
  'Haddad',
  'Ivanova',
  'Smith',
  'Chen',
  'Lee',
];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.test', 'corp.invalid'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'PL', 'BR', 'CA', 'AU', 'JP', 'IN', 'MX'];
const STATUSES = ['new', 'paid', 'paid', 'shipped', 'shipped', 'shipped', 'delivered', 'cancelled'];
const WORDS = [
  'call',
  'before',
  'delivery',
  'prefers',
  'email',
  'VIP',
  'account',
  'on',
  'hold',
  'gift',
  'wrap',
  'fragile',
  'leave',
  'at',
  'door',
  'invoice',
  'monthly',
  'discount',
  'applied',
  'résumé',
  'naïve',
  'café',
  'über',
  '"quoted"',
  'comma,',
  'semicolon;',
  'address',
  'changed',
  'twice',
  'loyal',
];

/** 2015-01-01T00:00:00Z; timestamps spread over ten years from here, whole seconds, no time zone. */
const EPOCH_MS = Date.UTC(2015, 0, 1);
const TEN_YEARS_S = 10 * 365 * 86_400;

/** lowbias32 (Chris Wellons): a 32-bit integer hash with good avalanche. */
function hash32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32 seeded from (table, id): the draws for one row. */
class RowRandom {
  private state: number;
  constructor(table: number, id: number) {
    this.state = hash32(hash32(id) ^ Math.imul(table, 0x9e3779b9));
  }
  /** An integer in [0, n). */
  int(n: number): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function timestamp(random: RowRandom): string {
  const d = new Date(EPOCH_MS + random.int(TEN_YEARS_S) * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Cents as a numeric(12,2) literal: -1234 -> "-12.34". */
function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${pad(abs % 100)}`;
}

function words(random: RowRandom, min: number, max: number): string {
  const count = min + random.int(max - min + 1);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(random.pick(WORDS));
  return out.join(' ');
}

export function customerRow(id: number): CustomerRow {
  const r = new RowRandom(1, id);
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  const email = `${first}.${last}${id}@${r.pick(DOMAINS)}`.toLowerCase().replace("'", '');
  const notes = r.int(10) < 3 ? null : words(r, 2, 24);
  return [
    id,
    `${first} ${last}`,
    email,
    r.pick(COUNTRIES),
    timestamp(r),
    money(r.int(2_000_000) - 100_000),
    r.int(10) < 8,
    notes,
  ];
}

/** Order `id` of a data set with `customers` customers (2 orders per customer on average). */
export function orderRow(id: number, customers: number): OrderRow {
  const r = new RowRandom(2, id);
  const customerId = 1 + r.int(customers);
  const note = r.int(4) === 0 ? words(r, 1, 8) : null;
  return [id, customerId, timestamp(r), money(100 + r.int(500_000)), r.pick(STATUSES), note];
}

/** Rows `from`..`to` (inclusive) in chunks of `chunk`, so callers can stream without holding a table. */
export function* chunks<R>(make: (id: number) => R, from: number, to: number, chunk = 5_000): Generator<R[]> {
  for (let start = from; start <= to; start += chunk) {
    const end = Math.min(to, start + chunk - 1);
    const rows: R[] = [];
    for (let id = start; id <= end; id++) rows.push(make(id));
    yield rows;
  }
}
