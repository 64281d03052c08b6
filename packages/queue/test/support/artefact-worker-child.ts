import { join } from 'node:path';
import { openArtefactStore } from '@databridge/engine';
import { openStore } from '@databridge/store';
import { readServerEnv } from '../../src/env.ts';
import { InProcessExecutor } from '../../src/executor/in-process-executor.ts';

// A worker on another machine: its own data folder, the shared metadata store (DATABASE_URL) and the
// object store from the environment. Runs the execution it is given, then exits.
const [executionId] = process.argv.slice(2) as [string];
const env = readServerEnv();
const store = await openStore({
  databaseUrl: env.databaseUrl,
  dataDir: env.dataDir,
  sessionSecret: env.sessionSecret,
});
const reportsDir = join(env.dataDir, 'reports');
const artefacts = openArtefactStore(env.objectStore, reportsDir);
const executor = new InProcessExecutor({ store, reportsDir, artefacts });
await executor.start(executionId);
await executor.settled(executionId);
await executor.close();
await store.close();
