/**
 * How long a completed staged run's schema is kept (`pipeline.keepStaging`): hours after the run
 * ended, or the schemas of the project's last n completed runs.
 */
export type KeepStaging = { readonly hours: number } | { readonly runs: number };

/** A failed, cancelled or paused run keeps its staged rows this long for its retry, by default. */
export const FAILED_RETENTION_DAYS = 7;

/** Where the run of a held schema stands, from the metadata store when it knows the run, else the ledger. */
export type HeldRunState = 'running' | 'completed' | 'failed' | 'cancelled' | 'paused' | 'unknown';

/** What the retention needs to know of one schema held in the staging database. */
export interface HeldRun {
  readonly schema: string;
  /** The project (a spec's name on the CLI); runs retention counts runs per project. */
  readonly project: string | null;
  readonly state: HeldRunState;
  /** When it ended, or stopped (paused): the retention counts from here. */
  readonly endedAt: Date | null;
  readonly keep: KeepStaging | null;
}

/** When a held schema goes: `at` (past means now), once `runs` more runs complete, or never by itself. */
export type DropWhen =
  | { readonly kind: 'at'; readonly at: Date; readonly why: string }
  | { readonly kind: 'after_runs'; readonly runs: number; readonly why: string }
  | { readonly kind: 'never'; readonly why: string };

export interface RetentionLimits {
  /** Days a failed, cancelled or paused run keeps its schema; default FAILED_RETENTION_DAYS. */
  readonly failedDays?: number;
}

const HOUR = 3_600_000;

/**
 * The retention's answer for one schema among all those held (runs retention compares a run with the
 * newer completed runs of its project). A running run's schema is never dropped; nor is one whose run
 * nobody knows (made before the ledger, or by another tool): that is a person's call.
 */
export function dropWhen(run: HeldRun, all: readonly HeldRun[], limits: RetentionLimits = {}): DropWhen {
  const failedDays = limits.failedDays ?? FAILED_RETENTION_DAYS;
  if (run.state === 'running') return { kind: 'never', why: 'its run is running' };
  if (run.state === 'unknown' || !run.endedAt)
    return { kind: 'never', why: 'no record of its run: drop it by hand if it is not needed' };
  if (run.state !== 'completed') {
    return {
      kind: 'at',
      at: new Date(run.endedAt.getTime() + failedDays * 24 * HOUR),
      why: `a ${run.state} run keeps its staged rows ${failedDays} day(s) for a retry`,
    };
  }
  const keep = run.keep;
  if (!keep) return { kind: 'at', at: run.endedAt, why: 'completed, and keepStaging is not set' };
  if ('hours' in keep)
    return {
      kind: 'at',
      at: new Date(run.endedAt.getTime() + keep.hours * HOUR),
      why: `keepStaging: ${keep.hours} hour(s) after the run completed`,
    };
  const ended = run.endedAt.getTime();
  const newer = all
    .filter(
      (r) =>
        r !== run &&
        r.state === 'completed' &&
        r.project === run.project &&
        r.endedAt !== null &&
        (r.endedAt.getTime() > ended || (r.endedAt.getTime() === ended && r.schema > run.schema)),
    )
    .map((r) => r.endedAt!.getTime())
    .sort((a, b) => a - b);
  const why = `keepStaging: the last ${keep.runs} completed run(s) of the project`;
  const pushedOutBy = newer[keep.runs - 1];
  return pushedOutBy === undefined
    ? { kind: 'after_runs', runs: keep.runs - newer.length, why }
    : { kind: 'at', at: new Date(pushedOutBy), why };
}

/** The held schemas whose time has come at `now`, each with why. */
export function expiredRuns(
  runs: readonly HeldRun[],
  now: Date,
  limits: RetentionLimits = {},
): { run: HeldRun; why: string }[] {
  const expired: { run: HeldRun; why: string }[] = [];
  for (const run of runs) {
    const when = dropWhen(run, runs, limits);
    if (when.kind === 'at' && when.at.getTime() <= now.getTime()) expired.push({ run, why: when.why });
  }
  return expired;
}
