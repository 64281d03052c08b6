import { DataBridgeError } from '../errors.ts';
import { cleanseFaults } from '../staging/cleanse-counts.ts';
import { cleanseStaged } from '../staging/cleanse-stage.ts';
import type { RunSession } from './run-session.ts';

/**
 * The cleanse half of the transform stage, staged runs only: the SQL transformations, type checks,
 * checks and de-duplication in the staging database, rows taken out before anything is loaded (see
 * staging/cleanse-stage.ts). Under fail_fast a row taken out for a fault fails the run here, and
 * again on a resume; duplicates dropped by `keep: first | last` are not faults.
 */
export async function cleanseStage(session: RunSession): Promise<void> {
  if (!session.staged) return;
  const { runId, settings, plan } = session;
  const { state } = session.options;
  const summaries = await cleanseStaged({
    runId,
    schema: session.staged.schema,
    staging: session.staged.connection,
    mappings: plan.mappings,
    specMappings: plan.spec.mappings,
    tasks: await state.tasks(runId),
    layout: (id) => session.transforms().get(id)!.layout,
    checkNotNull: settings.validation.rows,
    pipeline: settings,
    dialects: { source: session.source.dialect.name, target: session.target.dialect.name },
    state,
    rejects: session.rejects,
    signal: session.signal,
  });
  for (const s of summaries) {
    const words = s.steps.map((step) => `${step.step} ${step.rejected}`).join(', ');
    session.log.info(
      `cleanse of ${s.table}: ${s.staged} staged, taken out: ${words}; ${s.passed} left to load`,
      {
        mappingId: s.mappingId,
      },
    );
  }
  const faults = summaries.filter((s) => cleanseFaults(s) > 0);
  if (faults.length === 0 || settings.errorPolicy !== 'fail_fast') return;
  const samples = await state.rejectedSamples(runId);
  const first = samples.find((r) => r.mappingId === faults[0]!.mappingId);
  throw new DataBridgeError(
    'bad_value',
    `${faults.map((s) => `${cleanseFaults(s)} row(s) of ${s.table}`).join(', ')} rejected by the cleanse stage before the load (error policy fail_fast)${first ? `: ${first.column ? `${first.column}: ` : ''}${first.reason}` : ''}`,
  );
}
