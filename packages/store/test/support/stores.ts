import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreOptions } from '../../src/index.ts';

/** Every test file runs its suite over both stores. */
export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const PG_ADMIN_URL =
  process.env.DATABRIDGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const SECRET = 'test-session-secret-0123456789abcdef0123456789';

/** Where a test's store lives: a fresh PostgreSQL database or a fresh temporary folder, and how to remove it. */
export interface StorePlace {
  readonly options: StoreOptions;
  drop(): Promise<void>;
}

export async function freshStorePlace(kind: StoreKind, sessionSecret = SECRET): Promise<StorePlace> {
  const dataDir = mkdtempSync(join(tmpdir(), 'databridge-store-'));
  const removeDir = async () => rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') return { options: { dataDir, sessionSecret }, drop: removeDir };
  const name = `dbs_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  return {
    options: { databaseUrl: PG_ADMIN_URL.replace(/\/[^/?]*(\?.*)?$/, `/${name}$1`), dataDir, sessionSecret },
    async drop() {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await removeDir();
    },
  };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
