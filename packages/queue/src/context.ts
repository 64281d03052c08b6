import { join } from 'node:path';
import { type ArtefactStore, openArtefactStore } from '@databridge/engine';
import { ensureFirstAdmin, openStore, type Store } from '@databridge/store';
import { readServerEnv, type ServerEnv } from './env.ts';
import { createExecutor } from './executor/create-executor.ts';
import type { Executor } from './executor/executor.ts';

/** What every service function works with: the metadata store, the executor and where files go. */
export interface ServiceContext {
  readonly env: ServerEnv;
  readonly store: Store;
  readonly executor: Executor;
  /** Reports and rejects files as runs write them: `<dataDir>/reports`. */
  readonly reportsDir: string;
  /**
   * Where the routes read artefacts: the object store when configured, else `reportsDir` itself
   * (also when unset, as in contexts tests build by hand: see artefactStoreOf).
   */
  readonly artefacts?: ArtefactStore;
  close(): Promise<void>;
}

/** Opens the store and the executor the environment asks for (BullMQ with REDIS_URL, else in-process). */
export async function openServiceContext(
  env: ServerEnv = readServerEnv(),
  options: { readonly artefacts?: ArtefactStore } = {},
): Promise<ServiceContext> {
  const store = await openStore({
    databaseUrl: env.databaseUrl,
    dataDir: env.dataDir,
    sessionSecret: env.sessionSecret,
  });
  const reportsDir = join(env.dataDir, 'reports');
  const artefacts = options.artefacts ?? openArtefactStore(env.objectStore, reportsDir);
  try {
    if (env.firstAdmin) await ensureFirstAdmin(store, env.firstAdmin.email, env.firstAdmin.password);
    const executor = await createExecutor({ env, store, reportsDir, artefacts, role: 'server' });
    return {
      env,
      store,
      executor,
      reportsDir,
      artefacts,
      async close() {
        await executor.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

// One context per process, kept on globalThis so that Next.js module reloads share it.
const KEY = Symbol.for('databridge.serviceContext');
type Holder = { [KEY]?: Promise<ServiceContext> };

/** The process's shared context, opened on first use from the environment. */
export function getServiceContext(): Promise<ServiceContext> {
  const holder = globalThis as Holder;
  holder[KEY] ??= openServiceContext().catch((error) => {
    delete holder[KEY];
    throw error;
  });
  return holder[KEY];
}

/** Installs a context (tests, `databridge serve`); the previous one is not closed. */
export function setServiceContext(context: ServiceContext | undefined): void {
  const holder = globalThis as Holder;
  if (context) holder[KEY] = Promise.resolve(context);
  else delete holder[KEY];
}
