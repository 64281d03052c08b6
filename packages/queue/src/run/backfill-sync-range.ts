import type { MigrationSpec, SyncRange } from '@databridge/engine';
import { getExecutionLogicalDate, type Store, scheduledRunKindOf } from '@databridge/store';
import { compileSchedule } from '../schedule/cron.ts';
import { scanBetween } from '../schedule/occurrences.ts';

/** How far ahead the next scheduled time is looked for (a yearly timetable's). */
const LOOK_AHEAD_MS = 400 * 24 * 3_600_000;

/**
 * The cursor range a backfill run re-reads for its incremental mappings: from its logical date to
 * the timetable's next time (as a `{{logical_date}}` filter reads its day), so that the live cursor
 * neither starts nor moves. Undefined for any other run.
 */
export async function backfillSyncRange(
  store: Store,
  executionId: string,
  spec: MigrationSpec,
): Promise<SyncRange | undefined> {
  const cron = spec.schedule?.cron;
  if (!cron || !spec.mappings.some((m) => m.sync && m.sync.mode !== 'full')) return undefined;
  if ((await scheduledRunKindOf(store, executionId)) !== 'backfill') return undefined;
  const logicalDate = await getExecutionLogicalDate(store, executionId);
  if (!logicalDate) return undefined;
  const from = new Date(logicalDate).getTime();
  const schedule = compileSchedule({ cron, timezone: spec.schedule?.timezone ?? 'UTC' });
  const [next] = scanBetween(schedule, from, from + LOOK_AHEAD_MS, 1);
  return { from: new Date(from).toISOString(), to: next === undefined ? null : new Date(next).toISOString() };
}
