import type { HeldStagingView } from '@databridge/queue';
import { formatTime } from '../../../lib/format.ts';

/** How long ago `iso` was, in the largest whole unit: `3 h`, `2 d`; an em dash when unknown. */
export function ageOf(iso: string | null, now: Date): string {
  if (!iso) return '—';
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(iso)) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / 1440)} d`;
}

/** When the retention drops a schema, in words: a time (or "at the next tick"), after n runs, or never. */
export function dropText(drop: HeldStagingView['drop'], now: Date): string {
  if (drop.kind === 'never') return `not by itself: ${drop.why}`;
  if (drop.kind === 'after_runs')
    return `after ${drop.runs} more completed run${drop.runs === 1 ? '' : 's'} of the project`;
  return Date.parse(drop.at) <= now.getTime() ? 'at the scheduler’s next tick' : formatTime(drop.at);
}
