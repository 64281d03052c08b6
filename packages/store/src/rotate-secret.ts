import { StoreError } from './errors.ts';
import type { Store } from './open-store.ts';
import { createSecretBox, type SecretBox } from './secret-box.ts';
import { inTransaction } from './transaction.ts';

export interface SecretRotation {
  /** Connection URLs opened under the old secret and sealed under the new one. */
  readonly reencrypted: number;
  /** URLs that already opened under the new secret (a rotation run a second time) and were left as they were. */
  readonly alreadyCurrent: number;
}

/**
 * Re-seals every stored connection URL from under `oldSecret` to under `newSecret`, in one
 * transaction: if any URL opens under neither, or any row fails to open under the new secret when
 * read back before the commit, nothing changes and this throws `secret_mismatch` naming the connection.
 * Running it again after it succeeded changes nothing, so the command can be retried.
 *
 * Afterwards the process must restart with the new SESSION_SECRET: `store.secrets` still holds the
 * old key, and every session cookie sealed under the old secret stops opening (everyone signs in
 * again). API keys and password hashes do not depend on the secret. Throws `bad_input` for a short
 * secret or the same secret twice.
 */
export async function rotateSessionSecret(
  store: Store,
  oldSecret: string,
  newSecret: string,
): Promise<SecretRotation> {
  if (oldSecret === newSecret) throw new StoreError('bad_input', 'newSecret: is the same as the old secret');
  const oldBox = createSecretBox(oldSecret);
  const newBox = createSecretBox(newSecret);
  return inTransaction(store, async (trx) => {
    let query = trx.db.selectFrom('connections').select(['id', 'name', 'secret_url', 'key_version']);
    // Holds the rows against a concurrent edit re-sealing one under the old key meanwhile.
    if (trx.dialect === 'postgres') query = query.forUpdate();
    const rows = await query.orderBy('id').execute();
    const urls = new Map<string, string>();
    let alreadyCurrent = 0;
    for (const row of rows) {
      const old = tryOpen(oldBox, row);
      if (old !== undefined) {
        urls.set(row.id, old);
        await trx.db
          .updateTable('connections')
          .set({ secret_url: newBox.seal(old, row.id), key_version: newBox.keyVersion })
          .where('id', '=', row.id)
          .execute();
      } else if (tryOpen(newBox, row) !== undefined) {
        alreadyCurrent += 1;
      } else {
        throw new StoreError(
          'secret_mismatch',
          `The URL of connection "${row.name}" opens under neither the old nor the new secret; nothing was changed`,
        );
      }
    }
    await verifyUnderNewSecret(trx, newBox, urls);
    return { reencrypted: urls.size, alreadyCurrent };
  });
}

/**
 * Reads every row back before the transaction commits: each must open under the new key, to the URL
 * it held before. A connection another process saved meanwhile under the old key fails this too.
 */
async function verifyUnderNewSecret(store: Store, box: SecretBox, urls: Map<string, string>): Promise<void> {
  const rows = await store.db
    .selectFrom('connections')
    .select(['id', 'name', 'secret_url', 'key_version'])
    .execute();
  for (const row of rows) {
    const opened = tryOpen(box, row);
    const expected = urls.get(row.id);
    if (opened === undefined || (expected !== undefined && opened !== expected)) {
      throw new StoreError(
        'secret_mismatch',
        `The URL of connection "${row.name}" did not read back under the new secret; nothing was changed`,
      );
    }
  }
}

function tryOpen(
  box: SecretBox,
  row: { id: string; secret_url: string; key_version: number },
): string | undefined {
  try {
    return box.open(row.secret_url, row.key_version, row.id);
  } catch (error) {
    if (error instanceof StoreError) return undefined;
    throw error;
  }
}
