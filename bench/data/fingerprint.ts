import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DATA_DIR } from '../config.ts';
import { type CustomerRow, chunks, customerRow, GENERATOR_VERSION, type OrderRow, orderRow } from './rows.ts';

/**
 * Twelve sums over every column that together say "this is the benchmark's data, all of it": row
 * counts, money in cents, booleans, NULLs, text length in characters, timestamps in seconds since
 * 2015-01-01. The same numbers are computed from the generator and by SQL in each database, so a
 * source or a target that lost, shifted or mangled a value shows up as a different fingerprint.
 */
export const FINGERPRINT_FIELDS = [
  'customers',
  'balance_cents',
  'active',
  'notes',
  'customer_chars',
  'created_seconds',
  'orders',
  'amount_cents',
  'customer_ids',
  'order_notes',
  'order_chars',
  'ordered_seconds',
] as const;

export type Fingerprint = readonly string[];

const EPOCH = Date.UTC(2015, 0, 1);
const seconds = (ts: string) => (Date.parse(`${ts.replace(' ', 'T')}Z`) - EPOCH) / 1000;
const cents = (money: string) => Math.round(Number(money) * 100);
const chars = (s: string | null) => (s === null ? 0 : [...s].length);

/** The fingerprint of N customers and 2N orders, from the generator (cached under bench/.data). */
export function expectedFingerprint(rows: number): Fingerprint {
  const file = resolve(DATA_DIR, `fingerprint-v${GENERATOR_VERSION}-${rows}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Fingerprint;
  const sums = new Array<number>(FINGERPRINT_FIELDS.length).fill(0);
  for (const chunk of chunks(customerRow, 1, rows)) for (const c of chunk) addCustomer(sums, c);
  for (const chunk of chunks((id) => orderRow(id, rows), 1, 2 * rows))
    for (const o of chunk) addOrder(sums, o);
  const fingerprint = sums.map(String);
  mkdirSync(DATA_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify(fingerprint));
  return fingerprint;
}

function addCustomer(s: number[], [, name, email, , createdAt, balance, active, notes]: CustomerRow) {
  s[0]! += 1;
  s[1]! += cents(balance);
  s[2]! += active ? 1 : 0;
  s[3]! += notes === null ? 0 : 1;
  s[4]! += chars(name) + chars(email) + chars(notes);
  s[5]! += seconds(createdAt);
}

function addOrder(s: number[], [, customerId, orderedAt, amount, status, note]: OrderRow) {
  s[6]! += 1;
  s[7]! += cents(amount);
  s[8]! += customerId;
  s[9]! += note === null ? 0 : 1;
  s[10]! += chars(status) + chars(note);
  s[11]! += seconds(orderedAt);
}

/** One row of the twelve sums, PostgreSQL dialect, over `schema`.customers and `schema`.orders. */
export function postgresFingerprintSql(schema: string): string {
  return `SELECT c.*, o.* FROM
 (SELECT count(*), sum(balance * 100)::bigint, count(*) FILTER (WHERE active), count(notes),
         sum(length(name) + length(email) + coalesce(length(notes), 0)),
         sum(extract(epoch FROM created_at - timestamp '2015-01-01'))::bigint
    FROM ${schema}.customers) c,
 (SELECT count(*), sum(amount * 100)::bigint, sum(customer_id), count(note),
         sum(length(status) + coalesce(length(note), 0)),
         sum(extract(epoch FROM ordered_at - timestamp '2015-01-01'))::bigint
    FROM ${schema}.orders) o`;
}

export const MYSQL_FINGERPRINT_SQL = `SELECT c.*, o.* FROM
 (SELECT COUNT(*), CAST(SUM(balance * 100) AS SIGNED), SUM(active), COUNT(notes),
         SUM(CHAR_LENGTH(name) + CHAR_LENGTH(email) + COALESCE(CHAR_LENGTH(notes), 0)),
         SUM(TIMESTAMPDIFF(SECOND, '2015-01-01 00:00:00', created_at))
    FROM customers) c,
 (SELECT COUNT(*), CAST(SUM(amount * 100) AS SIGNED), SUM(customer_id), COUNT(note),
         SUM(CHAR_LENGTH(status) + COALESCE(CHAR_LENGTH(note), 0)),
         SUM(TIMESTAMPDIFF(SECOND, '2015-01-01 00:00:00', ordered_at))
    FROM orders) o`;

export const SQLITE_FINGERPRINT_SQL = `SELECT c.*, o.* FROM
 (SELECT count(*), sum(CAST(round(balance * 100) AS INTEGER)), sum(active), count(notes),
         sum(length(name) + length(email) + coalesce(length(notes), 0)),
         sum(unixepoch(created_at) - unixepoch('2015-01-01'))
    FROM customers) c,
 (SELECT count(*), sum(CAST(round(amount * 100) AS INTEGER)), sum(customer_id), count(note),
         sum(length(status) + coalesce(length(note), 0)),
         sum(unixepoch(ordered_at) - unixepoch('2015-01-01'))
    FROM orders) o`;

/** What differs between two fingerprints, in words; empty when they match. */
export function fingerprintDiff(expected: Fingerprint, actual: Fingerprint): string[] {
  const out: string[] = [];
  FINGERPRINT_FIELDS.forEach((name, i) => {
    if (expected[i] !== actual[i]) out.push(`${name} ${actual[i] ?? 'missing'} (expected ${expected[i]})`);
  });
  return out;
}
