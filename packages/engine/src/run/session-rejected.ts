import { cleanseRemoved } from '../staging/cleanse-counts.ts';
import { decodePosition, type Position } from './key-codec.ts';
import type { RunSession } from './run-session.ts';

/** A task of the run with the position of its committed checkpoint, if it has one. */
export interface CommittedTask {
  readonly mappingId: string;
  readonly done: boolean;
  readonly position: Position | undefined;
}

/** Every task of the run with the position of its committed checkpoint, if it has one. */
export async function committedTasks(session: RunSession): Promise<CommittedTask[]> {
  const [tasks, checkpoints] = await Promise.all([
    session.options.state.tasks(session.runId),
    session.checkpoints(),
  ]);
  return tasks.map((t) => {
    const c = checkpoints.get(t.id);
    return { mappingId: t.mappingId, done: c?.done ?? false, position: c && decodePosition(c.position) };
  });
}

/** Rows rejected so far by mapping, as the committed checkpoints record them. */
export async function rejectedByMapping(
  session: RunSession,
  committed?: readonly CommittedTask[],
): Promise<Record<string, number>> {
  const { mappings } = session.plan;
  const rejected: Record<string, number> = {};
  for (const m of mappings) rejected[m.id] = 0;
  for (const t of committed ?? (await committedTasks(session)))
    if (t.position) rejected[t.mappingId]! += t.position.rejected;
  // Children taken out after the load because their parent row was rejected (reject-orphans.ts).
  const notes = await session.options.state.notes(session.runId);
  for (const [id, n] of Object.entries(notes.orphansRejected)) if (id in rejected) rejected[id]! += n;
  // Rows a staged run's cleanse took out before the load.
  for (const m of mappings) rejected[m.id]! += cleanseRemoved(notes.cleanse[m.id]);
  return rejected;
}
