import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtefactStore } from '../../src/artefacts/artefact-store.ts';
import type { RunLogEntry } from '../../src/run/run-log.ts';
import { PAUSED, runMigration } from '../../src/run/run-migration.ts';
import type { RunSummary } from '../../src/run/run-summary.ts';
import { parseSpec } from '../../src/spec/load-spec.ts';
import type { StagingDatabase } from '../../src/staging/staging-config.ts';
import { rawExec, type TestDatabase } from './databases.ts';

/** Runs spec text end to end with its own state file and reports folder, as the CLI would. */
export async function runSpec(
  text: string,
  env: NodeJS.ProcessEnv = {},
  options: {
    stateDir?: string;
    resumeRunId?: string;
    signal?: AbortSignal;
    artefacts?: ArtefactStore;
    extractPartRows?: number;
    staging?: StagingDatabase;
    onLog?: (entry: RunLogEntry) => void;
  } = {},
): Promise<RunSummary> {
  const dir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'databridge-run-'));
  const loaded = parseSpec(text, 'spec.yaml', env);
  return runMigration({
    spec: loaded.spec,
    lineOf: loaded.lineOf,
    specHash: createHash('sha256').update(text).digest('hex'),
    state: { file: join(dir, 'state.sqlite') },
    reportsDir: join(dir, 'reports'),
    ...(options.resumeRunId ? { resumeRunId: options.resumeRunId } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.artefacts ? { artefacts: options.artefacts } : {}),
    ...(options.extractPartRows ? { extractPartRows: options.extractPartRows } : {}),
    ...(options.staging ? { staging: options.staging } : {}),
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });
}

/**
 * Runs spec text and pauses it (as `databridge` does on SIGINT) once the PostgreSQL target's `table`
 * holds at least `rows` committed rows: a pause that lands mid-load whatever the machine's speed.
 */
export async function runSpecPausedAt(
  text: string,
  target: TestDatabase,
  table: string,
  rows: number,
  stateDir: string,
  options: { artefacts?: ArtefactStore; extractPartRows?: number } = {},
): Promise<RunSummary> {
  const pause = new AbortController();
  const watcher = setInterval(async () => {
    const counted = await rawExec(target, 'postgres', `SELECT count(*)::int AS n FROM ${table}`).catch(
      () => [],
    );
    if (((counted[0] as { n?: number } | undefined)?.n ?? 0) >= rows) pause.abort(PAUSED);
  }, 20);
  try {
    return await runSpec(text, {}, { ...options, stateDir, signal: pause.signal });
  } finally {
    clearInterval(watcher);
  }
}
