import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DataBridgeError } from '@databridge/engine';
import { isTransientError } from '../src/run/transient-errors.ts';

it('lost connections, deadlocks and timeouts are transient; bad specs, credentials and constraints are not', () => {
  const wrapped = (cause: unknown) => new DataBridgeError('internal', 'Writing the checkpoint', { cause });
  assert.equal(isTransientError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), true);
  assert.equal(
    isTransientError(wrapped(new Error('Client has encountered a connection error and is not queryable'))),
    true,
  );
  assert.equal(
    isTransientError(wrapped(Object.assign(new Error('deadlock detected'), { code: '40P01' }))),
    true,
  );
  assert.equal(
    isTransientError(Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK' })),
    true,
  );
  assert.equal(isTransientError(new DataBridgeError('connection_failed', 'no answer')), true);
  assert.equal(isTransientError(new DataBridgeError('bad_spec', 'unknown table')), false);
  assert.equal(isTransientError(new DataBridgeError('auth_failed', 'password authentication failed')), false);
  assert.equal(
    isTransientError(wrapped(Object.assign(new Error('violates check constraint'), { code: '23514' }))),
    false,
  );
  assert.equal(isTransientError(new Error('syntax error at or near "FORM"')), false);
});

it('the queue retries exactly what the engine classifies transient, by code along the cause chain', async () => {
  const { toDataBridgeError: fromPg } = await import('../../engine/src/postgres/postgres-errors.ts');
  const { toDataBridgeError: fromMysql } = await import('../../engine/src/mysql/mysql-errors.ts');
  const driver = (code: string, message = `error ${code}`, extra: object = {}) =>
    Object.assign(new Error(message), { code, ...extra });
  const pgTransient = [
    '08000',
    '08003',
    '08006',
    '08001',
    '57P01',
    '57P02',
    '57P03',
    '40001',
    '40P01',
    '55P03',
    '53300',
  ];
  for (const code of pgTransient) {
    const engine = fromPg(driver(code), 'Loading public.t');
    assert.equal(engine.code, 'transient', code);
    assert.equal(isTransientError(driver(code)), true, code);
    assert.equal(isTransientError(engine), true, code);
  }
  const pgNot = ['23503', '23505', '22001', '42P01', '42601', '28P01', '3D000'];
  for (const code of pgNot) {
    assert.notEqual(fromPg(driver(code), 'Loading public.t').code, 'transient', code);
    assert.equal(isTransientError(driver(code)), false, code);
  }
  // A database dropped under the run says so (and is no reason to retry).
  const gone = fromPg(driver('3D000', 'database "shop" does not exist'), 'Loading public.t');
  assert.match(gone.message, /Loading public\.t: the database is gone/);
  assert.equal(isTransientError(gone), false);
  // pg's own "not queryable" (no SQLSTATE) after its connection failed.
  assert.equal(
    fromPg(new Error('Client has encountered a connection error and is not queryable'), 'Loading public.t')
      .code,
    'transient',
  );
  const server = { host: 'h', port: 3306, user: 'u', database: 'd', mariadb: true };
  for (const code of ['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']) {
    assert.equal(fromMysql(driver(code), 'Reading d.t', server).code, 'transient', code);
    assert.equal(isTransientError(driver(code)), true, code);
  }
  // MariaDB's KILL <connection id> (errno 1927), which mysql2 names after an unrelated MySQL error.
  const killed = driver('ER_UNKNOWN_1927', 'Connection was killed', { errno: 1927, sqlState: '70100' });
  assert.equal(fromMysql(killed, 'Reading d.t', server).code, 'transient');
  assert.equal(isTransientError(fromMysql(killed, 'Reading d.t', server)), true);
  assert.equal(isTransientError(driver('ER_DUP_ENTRY', 'dup', { errno: 1062, sqlState: '23000' })), false);
  // A connection lost while a foreign key was being checked is not a broken constraint.
  const terminated = driver('57P01', 'terminating connection due to administrator command');
  assert.equal(
    isTransientError(new DataBridgeError('constraint_violation', 'the rows break it', { cause: terminated })),
    true,
  );
  // A statement cancelled by the user's cancel (57014 too) is a cancel: nothing to retry.
  const cancelledStatement = driver('57014', 'canceling statement due to user request');
  assert.equal(
    isTransientError(new DataBridgeError('cancelled', 'cancelled', { cause: cancelledStatement })),
    false,
  );
  const Database = (await import('better-sqlite3')).default;
  const busy = new Database.SqliteError('database is locked', 'SQLITE_BUSY');
  assert.equal(isTransientError(busy), true);
  assert.equal(
    isTransientError(new Database.SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE')),
    false,
  );
});

// A file that is no database stays so: retrying it with backoff only delays the message that says
// what to fix.
it('an SQLite file that is no database is a wrong address, not retried', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { openConnection } = await import('@databridge/engine');
  const dir = mkdtempSync(join(tmpdir(), 'databridge-not-a-db-'));
  try {
    writeFileSync(join(dir, 'notes.sqlite'), 'these are notes, not a database\n'.repeat(200));
    for (const file of [join(dir, 'notes.sqlite')]) {
      const error = await openConnection(`sqlite:${file}`).then(
        async (connection) => {
          await connection.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      assert.ok(error instanceof DataBridgeError, file);
      assert.equal(error.code, 'bad_url', error.message);
      assert.equal(isTransientError(error), false, `${file}: ${error.code} ${error.message}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
