import { join } from 'node:path';
import { openStore } from '@databridge/store';
import { InProcessExecutor } from '../../src/executor/in-process-executor.ts';

// What `databridge serve` does at start with an in-process executor, alone in a process a test can
// kill: open the store, resume what a previous server left, print the ids resumed, drive them.
const [dataDir, sessionSecret] = process.argv.slice(2) as [string, string];
const store = await openStore({ dataDir, sessionSecret });
const executor = new InProcessExecutor({ store, reportsDir: join(dataDir, 'reports') });
const resumed = await executor.recoverInterrupted();
process.stdout.write(`${JSON.stringify(resumed)}\n`);
for (const id of resumed) await executor.settled(id);
await executor.close();
await store.close();
