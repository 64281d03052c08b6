import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { createConnection, openStore, revealConnectionUrl } from '@databridge/store';
import { cli } from './cli-helpers.ts';

const OLD = 'the-old-session-secret-0123456789abcdef';
const NEW = 'the-new-session-secret-0123456789abcdef';
const URL = 'postgres://app:Pa55-word@db.example.com:5432/shop';

it('databridge rotate-secret re-encrypts stored credentials: they open under the new secret, not the old', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'databridge-rotate-'));
  const before = await openStore({ dataDir, sessionSecret: OLD });
  const connection = await createConnection(before, { name: 'shop', url: URL });
  await before.close();

  const missing = await cli(['rotate-secret'], {
    DATABRIDGE_DATA_DIR: dataDir,
    SESSION_SECRET: OLD,
    NEW_SESSION_SECRET: '',
  });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /NEW_SESSION_SECRET is not set/);

  const rotated = await cli(['rotate-secret'], {
    DATABRIDGE_DATA_DIR: dataDir,
    SESSION_SECRET: OLD,
    NEW_SESSION_SECRET: NEW,
  });
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.match(rotated.stdout, /re-encrypted 1 connection/);
  assert.doesNotMatch(rotated.stdout + rotated.stderr, /Pa55-word/);

  const after = await openStore({ dataDir, sessionSecret: NEW });
  assert.equal(await revealConnectionUrl(after, connection.id), URL);
  await after.close();
  const stale = await openStore({ dataDir, sessionSecret: OLD });
  await assert.rejects(revealConnectionUrl(stale, connection.id), /secret/i);
  await stale.close();
});
