import { BackfillInput, backfill, ProjectId } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/**
 * `{ from, to }` → 201 with one run per scheduled time of the project's timetable in the range,
 * each with that time as its logical date; the scheduler starts them as `maxActiveRuns` allows.
 * 400 names the field (no timetable, a range backwards, in the future or over 1,000 runs), 404 for
 * an unknown project.
 */
export const POST = route<{ id: string }>('run', async (call) => {
  const id = call.id(ProjectId);
  const input = await call.body(BackfillInput);
  const runs = await backfill(call.context, id, input.from, input.to);
  await call.audit('project.backfill', { kind: 'project', id }, { from: input.from, to: input.to });
  return { data: runs, status: 201 };
});
