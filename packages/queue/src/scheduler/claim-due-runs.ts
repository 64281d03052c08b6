import type { ScheduleSettings } from '@databridge/engine';
import {
  claimScheduledRun,
  getScheduleState,
  type Project,
  type Store,
  saveScheduleState,
} from '@databridge/store';
import { dueRuns } from '../schedule/due-runs.ts';

/**
 * What identifies a timetable: when it changes (another cron, another time zone, switched off or
 * on), the schedule starts afresh from the save that changed it instead of catching up the new
 * timetable over the old one's history.
 */
function timetableKey(schedule: ScheduleSettings): string {
  return JSON.stringify([schedule.cron ?? null, schedule.timezone, schedule.enabled]);
}

/**
 * Claims the runs of a project's timetable that are due at `now` (as `waiting` scheduled runs) and
 * returns how many this call claimed. Due means scheduled after the last logical date handled: with
 * catch-up every one missed since, without only the latest. A timetable the scheduler has not seen
 * before starts from the project's last save, when it was written, never from history.
 */
export async function claimDueRuns(store: Store, project: Project, now: Date): Promise<number> {
  const schedule = project.spec.schedule;
  if (!schedule?.cron) return 0;
  const key = timetableKey(schedule);
  let state = await getScheduleState(store, project.id);
  if (!state || state.timetable !== key) {
    const saved = Date.parse(project.updatedAt);
    const since = new Date(state ? Math.max(saved, Date.parse(state.lastDueAt)) : saved);
    await saveScheduleState(store, { projectId: project.id, timetable: key, lastDueAt: since });
    state = { projectId: project.id, timetable: key, lastDueAt: since.toISOString() };
  }
  // Airflow starts an Airflow-owned timetable's runs through the API: starting them here too would run each twice.
  if (!schedule.enabled || schedule.owner === 'airflow') return 0;
  const due = dueRuns({
    schedule: { cron: schedule.cron, timezone: schedule.timezone },
    lastScheduledAt: new Date(state.lastDueAt),
    now,
    catchUp: schedule.catchUp,
  });
  let claimed = 0;
  for (const logicalDate of due) {
    // A conflict means another scheduler (or a backfill) has this date: it is started once all the same.
    if (await claimScheduledRun(store, { projectId: project.id, logicalDate, kind: 'schedule' })) claimed++;
  }
  const last = due.at(-1);
  if (last) await saveScheduleState(store, { projectId: project.id, timetable: key, lastDueAt: last });
  return claimed;
}
