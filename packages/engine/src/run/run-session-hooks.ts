/**
 * A RunSession's SQL hooks: run a phase, log each hook, keep the results, and stop a fail_fast run.
 */
import { DataBridgeError } from '../errors.ts';
import { type HookResult, runHooks } from './hooks.ts';
import type { RunSession } from './run-session.ts';

/** Runs a phase's hooks; a failure stops the run (fail_fast) or is kept for the report. */
export async function runHookPhase(session: RunSession, phase: 'pre' | 'post'): Promise<void> {
  await keepHookResults(session, await runPhase(session, phase));
}

async function runPhase(session: RunSession, phase: 'pre' | 'post'): Promise<HookResult[]> {
  const hooks = session.settings.hooks[phase];
  if (hooks.length === 0) return [];
  const results = await runHooks(hooks, phase, { source: session.source, target: session.target });
  for (const r of results)
    session.log[r.ok ? 'info' : 'error'](`${phase} hook ${r.name} ${r.ok ? 'ran' : 'failed'}`, {
      seconds: r.seconds,
      output: r.output,
    });
  return results;
}

async function keepHookResults(session: RunSession, results: readonly HookResult[]): Promise<void> {
  if (results.length === 0) return;
  const earlier = (await session.options.state.notes(session.runId)).hooks;
  await session.options.state.saveNotes(session.runId, { hooks: [...earlier, ...results] });
  const failed = results.find((r) => !r.ok);
  if (failed && session.settings.errorPolicy === 'fail_fast') {
    throw new DataBridgeError(
      'hook_failed',
      `${failed.phase} hook "${failed.name}" failed on the ${failed.on}: ${failed.output}`,
    );
  }
}
