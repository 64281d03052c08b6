import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvError, readServerEnv } from '@databridge/queue';
import { openStore, rotateSessionSecret } from '@databridge/store';
import { Command } from 'commander';

/**
 * `databridge rotate-secret`: re-encrypts every stored connection password under a new SESSION_SECRET,
 * in one transaction that checks each row opens under the new key before it commits. The new secret
 * comes from NEW_SESSION_SECRET (never an argument: it would land in the shell history). Stop the
 * server and workers first, then start them with the new SESSION_SECRET; everyone signs in again.
 */
export function rotateSecretCommand(): Command {
  return new Command('rotate-secret')
    .description('re-encrypt stored credentials under NEW_SESSION_SECRET (stop the server and workers first)')
    .exitOverride()
    .action(async () => {
      const env = readServerEnv();
      const next = process.env.NEW_SESSION_SECRET?.trim();
      if (!next)
        throw new EnvError('environment variable NEW_SESSION_SECRET is not set: it holds the new secret');
      if (next.length < 32)
        throw new EnvError('environment variable NEW_SESSION_SECRET must be at least 32 characters');
      const store = await openStore({
        databaseUrl: env.databaseUrl,
        dataDir: env.dataDir,
        sessionSecret: env.sessionSecret,
      });
      try {
        const result = await rotateSessionSecret(store, env.sessionSecret, next);
        // The embedded setup keeps its generated secret in the data folder: it must follow.
        const file = join(env.dataDir, 'session-secret');
        if (env.sessionSecretGenerated && existsSync(file)) writeFileSync(file, `${next}\n`, { mode: 0o600 });
        process.stdout.write(
          `re-encrypted ${result.reencrypted} connection(s) (${result.alreadyCurrent} already under the new secret) in ${store.location}\n` +
            (env.sessionSecretGenerated
              ? `the data folder's session-secret file now holds the new secret\n`
              : 'now restart the server and workers with SESSION_SECRET set to the new secret\n'),
        );
      } finally {
        await store.close();
      }
    });
}
