import type { AlertKind } from '../alerts/alert-message.ts';
import type { ChannelResult } from '../alerts/deliver-alert.ts';

/** One scheduled run as a tick reports it. */
export interface RunRef {
  readonly projectId: string;
  readonly projectName: string;
  /** The scheduled instant the run is for, ISO-8601. */
  readonly logicalDate: string;
  readonly kind: 'schedule' | 'backfill';
}

export interface StartedRun extends RunRef {
  readonly executionId: string;
}

export interface HeldRun extends RunRef {
  /** Why it waits or was skipped, e.g. `waiting for "orders": its run for … is running`. */
  readonly reason: string;
}

export interface SentAlert {
  readonly kind: AlertKind;
  readonly projectId: string;
  readonly executionId: string;
  /** One result per channel (email, Slack); `ok: false` when that channel gave up. */
  readonly channels: readonly ChannelResult[];
}

export interface TickProblem {
  readonly projectId?: string;
  readonly message: string;
}

/** What one tick did. */
export interface TickSummary {
  /** The tick's `now`, ISO-8601. */
  readonly at: string;
  readonly started: StartedRun[];
  readonly waiting: HeldRun[];
  readonly skipped: HeldRun[];
  readonly alerts: SentAlert[];
  /** Projects another scheduler was handling at that moment: it starts their runs. */
  readonly busy: string[];
  /** Problems with one project or alert; the tick went on with the others. */
  readonly errors: TickProblem[];
  /** Staging schemas the retention dropped, with the run and why. */
  readonly stagingDropped: { readonly schema: string; readonly runId: string; readonly why: string }[];
}

export function emptySummary(now: Date): TickSummary {
  return {
    at: now.toISOString(),
    started: [],
    waiting: [],
    skipped: [],
    alerts: [],
    busy: [],
    errors: [],
    stagingDropped: [],
  };
}

/** The summary as log lines, one per thing that happened; none for a tick that did nothing. */
export function describeTick(summary: TickSummary): string[] {
  const run = (r: RunRef) =>
    `"${r.projectName}" for ${r.logicalDate}${r.kind === 'backfill' ? ' (backfill)' : ''}`;
  return [
    ...summary.started.map((r) => `started ${run(r)}: execution ${r.executionId}`),
    ...grouped(summary.waiting).map(([first, count, last]) =>
      count === 1
        ? `waiting ${run(first)}: ${first.reason}`
        : `waiting ${count} runs of "${first.projectName}" (${first.logicalDate} to ${last.logicalDate}): ${first.reason}`,
    ),
    ...summary.skipped.map((r) => `skipped ${run(r)}: ${r.reason}`),
    ...summary.alerts.map((a) => {
      const channels = a.channels.map((c) => `${c.channel} ${c.ok ? 'sent' : `failed (${c.error})`}`);
      return `${a.kind} alert for execution ${a.executionId}: ${channels.join(', ') || 'no channel'}`;
    }),
    ...summary.stagingDropped.map((d) => `staging schema ${d.schema} of run ${d.runId} dropped: ${d.why}`),
    ...summary.errors.map((e) => `error${e.projectId ? ` in project ${e.projectId}` : ''}: ${e.message}`),
  ];
}

/** Runs of one project held for one reason, as [first, count, last]: a long backlog is one line. */
function grouped(runs: readonly HeldRun[]): [HeldRun, number, HeldRun][] {
  const groups = new Map<string, [HeldRun, number, HeldRun]>();
  for (const r of runs) {
    const key = `${r.projectId}\n${r.reason}`;
    const group = groups.get(key);
    if (group) groups.set(key, [group[0], group[1] + 1, r]);
    else groups.set(key, [r, 1, r]);
  }
  return [...groups.values()];
}
