import { DataBridgeError } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import { cleanseFaults, cleanseRemoved } from '../staging/cleanse-counts.ts';
import { type HookResult, runHooks } from './hooks.ts';
import type { RunSession } from './run-session.ts';
import { rejectedByMapping } from './session-rejected.ts';

/**
 * The error policy's verdict once everything ran: under `continue`, rejected rows and failed hooks
 * fail the run now that every table was loaded as far as it would go.
 */
export async function checkPolicy(session: RunSession): Promise<void> {
  if (session.settings.errorPolicy !== 'continue') return;
  const { state } = session.options;
  const rejected = await rejectedByMapping(session);
  // Duplicates that `dedupe: keep first | last` dropped were asked for: they fail nothing.
  const { cleanse } = await state.notes(session.runId);
  const { mappings } = session.plan;
  for (const m of mappings) rejected[m.id]! -= cleanseRemoved(cleanse[m.id]) - cleanseFaults(cleanse[m.id]);
  const tables = mappings.filter((m) => rejected[m.id]! > 0);
  if (tables.length > 0) {
    const samples = await state.rejectedSamples(session.runId);
    const name = (m: PlannedMapping) => `${m.target.schema}.${m.target.name}`;
    const lines = tables.flatMap((m) =>
      samples
        .filter((r) => r.mappingId === m.id)
        .slice(0, 5)
        .map((r) => `${name(m)}${r.column ? `.${r.column}` : ''}: ${r.reason}`),
    );
    const total = tables.reduce((n, m) => n + rejected[m.id]!, 0);
    throw new DataBridgeError(
      'bad_value',
      `${total} row(s) rejected in ${tables.map((m) => `${name(m)} (${rejected[m.id]})`).join(', ')} (error policy continue): ${lines.join('; ')}`,
    );
  }
  const failed = (await state.notes(session.runId)).hooks.filter((r) => !r.ok);
  if (failed.length === 0) return;
  throw new DataBridgeError(
    'hook_failed',
    failed.map((f) => `${f.phase} hook "${f.name}" failed on the ${f.on}: ${f.output}`).join('; '),
  );
}

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
  const { state } = session.options;
  const earlier = (await state.notes(session.runId)).hooks;
  await state.saveNotes(session.runId, { hooks: [...earlier, ...results] });
  const failed = results.find((r) => !r.ok);
  if (failed && session.settings.errorPolicy === 'fail_fast') {
    throw new DataBridgeError(
      'hook_failed',
      `${failed.phase} hook "${failed.name}" failed on the ${failed.on}: ${failed.output}`,
    );
  }
}
