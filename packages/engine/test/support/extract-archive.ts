import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ArtefactStore } from '../../src/artefacts/artefact-store.ts';
import type { ExtractManifestMapping } from '../../src/report/write-extract-manifest.ts';
import type { TestDatabase } from './databases.ts';

export interface ExtractManifest {
  readonly format: string;
  readonly mappings: readonly ExtractManifestMapping[];
}

/** The manifest a run left in its local folder (`<reports>/<run id>/extracts/manifest.json`). */
export function readManifest(reportsDir: string, runId: string): ExtractManifest {
  return JSON.parse(readFileSync(join(reportsDir, runId, 'extracts', 'manifest.json'), 'utf8'));
}

/** A stored object's bytes. */
export async function objectBytes(store: ArtefactStore, key: string): Promise<Buffer> {
  const stream = await store.get(key);
  if (!stream) throw new Error(`no object ${key}`);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Replays archived parts into a PostgreSQL table, as the manifest tells a user to: gunzip, then
 * `COPY … (FORMAT csv, HEADER)`. Each part streams through, never whole in memory.
 */
export async function copyPartsInto(
  db: TestDatabase,
  table: string,
  store: ArtefactStore,
  runId: string,
  parts: readonly { name: string }[],
): Promise<void> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (const part of parts) {
      const body = await store.get(`${runId}/${part.name}`);
      if (!body) throw new Error(`no part ${part.name}`);
      await pipeline(
        body as Readable,
        createGunzip(),
        client.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT csv, HEADER)`)),
      );
    }
  } finally {
    await client.end();
  }
}
