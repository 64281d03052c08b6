import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { readServerEnv } from '../src/env.ts';

it('a malformed variable stops start-up naming it; empty means unset; a secret is generated once, private', () => {
  assert.throws(
    () => readServerEnv({ REDIS_URL: 'localhost:6379' }),
    /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/,
  );
  assert.throws(
    () => readServerEnv({ DATABASE_URL: 'mysql://x' }),
    /DATABASE_URL must be a postgres:\/\/ URL/,
  );
  assert.throws(
    () => readServerEnv({ STAGING_DATABASE_URL: 'mysql://root@127.0.0.1/stage' }),
    /STAGING_DATABASE_URL must be a postgres:\/\/ URL: the staging database is PostgreSQL/,
  );
  assert.throws(
    () => readServerEnv({ SESSION_SECRET: 'short' }),
    /SESSION_SECRET must be at least 32 characters/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'databridge-env-'));
  const env = readServerEnv({ DATABRIDGE_DATA_DIR: dir, SESSION_SECRET: '', REDIS_URL: '' });
  assert.equal(env.redisUrl, undefined);
  assert.equal(env.staging, undefined);
  assert.deepEqual(
    readServerEnv({ DATABRIDGE_DATA_DIR: dir, STAGING_DATABASE_URL: 'postgres://u@h/stage' }).staging,
    { url: 'postgres://u@h/stage', from: 'STAGING_DATABASE_URL' },
  );
  assert.equal(env.stagingFailedRetentionDays, 7, 'failed staged runs are kept 7 days by default');
  assert.equal(
    readServerEnv({ DATABRIDGE_DATA_DIR: dir, DATABRIDGE_STAGING_FAILED_RETENTION_DAYS: '2' })
      .stagingFailedRetentionDays,
    2,
  );
  assert.throws(
    () => readServerEnv({ DATABRIDGE_DATA_DIR: dir, DATABRIDGE_STAGING_FAILED_RETENTION_DAYS: '0' }),
    /DATABRIDGE_STAGING_FAILED_RETENTION_DAYS must be at least 1/,
  );
  assert.equal(env.sessionSecretGenerated, true);
  const file = join(dir, 'session-secret');
  assert.ok(existsSync(file));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(readFileSync(file, 'utf8').trim(), env.sessionSecret);
  assert.equal(
    readServerEnv({ DATABRIDGE_DATA_DIR: dir }).sessionSecret,
    env.sessionSecret,
    'the same secret next time',
  );
});
