import {
  type ArtefactStore,
  formatBytes,
  listStoredExecutions,
  openArtefactStore,
  pruneArtefacts,
  readObjectStoreConfig,
  retentionCutoff,
  type StoredExecution,
} from '@databridge/engine';
import { Command, InvalidArgumentError } from 'commander';
import { reportsDir } from '../paths.ts';

/**
 * `databridge artefacts list | prune`: the executions whose reports, logs, rejects and DDL are kept
 * in the artefact store (the object store of SAP_OBJECT_STORE_URL, else `<data folder>/reports`),
 * and removing those older than a number of days.
 */
export function artefactsCommand(): Command {
  const command = new Command('artefacts')
    .description(
      'list or prune the stored reports, logs, rejects and DDL of executions (object store or data folder)',
    )
    .exitOverride();
  command
    .command('list')
    .exitOverride()
    .description('each execution with artefacts: files, size, when the newest was written (oldest first)')
    .option('--older-than <days>', 'only executions whose newest artefact is older than this', days)
    .option('--json', 'one JSON document')
    .action(async (opts: { olderThan?: number; json?: boolean }) => {
      const store = await openStore();
      const all = await listStoredExecutions(store);
      const shown = opts.olderThan === undefined ? all : all.filter(olderThan(opts.olderThan));
      print(store, shown, opts.json === true, 'stored');
    });
  command
    .command('prune')
    .exitOverride()
    .description('remove the artefacts of executions whose newest artefact is older than --older-than days')
    .requiredOption('--older-than <days>', 'age in days; every file of such an execution goes', days)
    .option('--dry-run', 'only list what would be removed')
    .option('--json', 'one JSON document')
    .action(async (opts: { olderThan: number; dryRun?: boolean; json?: boolean }) => {
      const store = await openStore();
      const removed = await pruneArtefacts(store, retentionCutoff(opts.olderThan), {
        dryRun: opts.dryRun === true,
      });
      print(store, removed, opts.json === true, opts.dryRun ? 'would remove' : 'removed');
    });
  return command;
}

async function openStore(): Promise<ArtefactStore> {
  const store = openArtefactStore(readObjectStoreConfig(process.env), reportsDir());
  await store.check();
  return store;
}

function olderThan(days: number) {
  const cutoff = retentionCutoff(days).getTime();
  return (e: StoredExecution) => e.newest.getTime() < cutoff;
}

function print(store: ArtefactStore, list: readonly StoredExecution[], json: boolean, verb: string): void {
  const bytes = list.reduce((n, e) => n + e.bytes, 0);
  if (json) {
    const executions = list.map((e) => ({ ...e, newest: e.newest.toISOString() }));
    process.stdout.write(`${JSON.stringify({ store: store.description, executions, bytes }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${store.description}: ${verb} ${list.length} execution(s), ${formatBytes(bytes)}\n`);
  for (const e of list) {
    process.stdout.write(
      `  ${e.executionId}  ${String(e.objects).padStart(3)} file(s)  ${formatBytes(e.bytes).padStart(10)}  ${e.newest.toISOString()}\n`,
    );
  }
}

function days(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 0) throw new InvalidArgumentError('a whole number of days, e.g. 30');
  return n;
}
