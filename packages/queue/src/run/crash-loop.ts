import {
  abnormalStopsOf,
  appendLogEntries,
  countAbnormalStop,
  type Execution,
  type Store,
  updateExecution,
} from '@databridge/store';
import { settleStages } from './advance-execution.ts';

/** Why a server did not resume an execution by itself; shown in the monitor and the log. */
export const HELD_AFTER_TWO_STOPS =
  'the server stopped twice while running it; resume it by hand once the cause is fixed';

/**
 * What a starting server does with an execution a previous server left unfinished. One found
 * `running` was being driven when its process died without stopping it (a crash, a kill, out of
 * memory; a clean stop leaves it `interrupted`): that death is counted, and the first is resumed
 * by itself, the second leaves it `interrupted` with the reason, for a person to resume. One held
 * that way stays held at later starts. Anything else resumes.
 */
export async function resumeOrHold(
  store: Store,
  execution: Pick<Execution, 'id' | 'status'>,
): Promise<'resume' | 'hold'> {
  if (execution.status === 'interrupted') {
    return (await abnormalStopsOf(store, execution.id)) >= 2 ? 'hold' : 'resume';
  }
  if (execution.status !== 'running') return 'resume';
  if ((await countAbnormalStop(store, execution.id)) < 2) return 'resume';
  const held = await updateExecution(
    store,
    execution.id,
    { status: 'interrupted', errorMessage: HELD_AFTER_TWO_STOPS },
    { from: ['running'] },
  );
  if (!held) return 'hold';
  await settleStages(store, execution.id, 'interrupted');
  await appendLogEntries(store, execution.id, [
    { level: 'error', message: `Not resumed: ${HELD_AFTER_TWO_STOPS}` },
  ]);
  return 'hold';
}
