import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigration } from '../../src/run/run-migration.ts';
import type { RunSummary } from '../../src/run/run-summary.ts';
import { parseSpec } from '../../src/spec/load-spec.ts';

/** Runs spec text end to end with its own state file and reports folder, as the CLI would. */
export async function runSpec(
  text: string,
  env: NodeJS.ProcessEnv = {},
  options: { stateDir?: string; resumeRunId?: string; signal?: AbortSignal } = {},
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
  });
}
