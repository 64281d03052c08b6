/**
 * The error policy's verdict on a RunSession once every stage ran.
 */
import { DataBridgeError } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { RunSession } from './run-session.ts';
import { rejectedByMapping } from './run-session-validate.ts';

/**
 * The error policy's verdict once everything ran: under `continue`, rejected rows and failed hooks
 * fail the run now that every table was loaded as far as it would go.
 */
export async function checkPolicy(session: RunSession): Promise<void> {
  if (session.settings.errorPolicy !== 'continue') return;
  const rejected = await rejectedByMapping(session);
  const tables = session.plan.mappings.filter((m) => rejected[m.id]! > 0);
  if (tables.length > 0) {
    const samples = await session.options.state.rejectedSamples(session.runId);
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
  const failed = (await session.options.state.notes(session.runId)).hooks.filter((r) => !r.ok);
  if (failed.length === 0) return;
  throw new DataBridgeError(
    'hook_failed',
    failed.map((f) => `${f.phase} hook "${f.name}" failed on the ${f.on}: ${f.output}`).join('; '),
  );
}
