import type { Connection } from '../connectors/connection.ts';
import { messageOf } from '../errors.ts';
import type { Hook } from '../spec/spec-schema.ts';
import { keptText } from './kept-text.ts';

/** The most characters of a hook's rows kept in the summary and the report. */
const MAX_OUTPUT = 2_000;

export interface HookResult {
  readonly name: string;
  readonly phase: 'pre' | 'post';
  readonly on: 'target' | 'source';
  readonly ok: boolean;
  readonly seconds: number;
  /** Rows returned (the first 10) or the error message. */
  readonly output: string;
}

/**
 * Runs hooks in order, each on its own (outside any load transaction). A failure stops the list and
 * is returned, not thrown: the error policy decides what it does to the run.
 */
export async function runHooks(
  hooks: readonly Hook[],
  phase: 'pre' | 'post',
  connections: { source: Connection; target: Connection },
): Promise<HookResult[]> {
  const results: HookResult[] = [];
  for (const [i, hook] of hooks.entries()) {
    const started = performance.now();
    const name = hook.name ?? `${phase}[${i}]`;
    try {
      const rows = await connections[hook.on].query(hook.sql);
      const output = rows.length === 0 ? 'ok' : keptText(JSON.stringify(rows.slice(0, 10)), MAX_OUTPUT);
      results.push({
        name,
        phase,
        on: hook.on,
        ok: true,
        seconds: (performance.now() - started) / 1000,
        output,
      });
    } catch (error) {
      results.push({
        name,
        phase,
        on: hook.on,
        ok: false,
        seconds: (performance.now() - started) / 1000,
        output: messageOf(error),
      });
      break;
    }
  }
  return results;
}
