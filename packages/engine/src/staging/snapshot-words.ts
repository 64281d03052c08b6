import type { SnapshotGuarantee } from '../connectors/connection.ts';
import type { PlanWarning } from '../plan/plan-types.ts';
import type { SnapshotNote } from '../run/run-summary.ts';
import type { ExtractSnapshot } from './staged-extract.ts';

const NO_LOCK_BECAUSE = {
  no_reload_privilege: 'the source user may not take it: it needs the RELOAD privilege',
  lock_wait_timeout: 'FLUSH TABLES WITH READ LOCK waited 10 s for running statements and was given up',
} as const;

const NO_LOCK_FIX = {
  no_reload_privilege:
    'grant the source user RELOAD (GRANT RELOAD ON *.* TO <user>) so that the readers start under FLUSH TABLES WITH READ LOCK (a managed service such as Amazon RDS refuses it to every user), or stop writes to the source during the extract',
  lock_wait_timeout:
    'extract when no long statement runs on the source, or stop writes to it during the extract',
} as const;

function words(s: ExtractSnapshot, kind: SnapshotGuarantee): string {
  const n = s.readers === 1 ? 'the one reader' : `the ${s.readers} parallel readers`;
  switch (kind) {
    case 'one_snapshot':
      return `every table was read from one snapshot of the source, shared by ${n}`;
    case 'started_under_lock':
      return `every table was read as of one moment: each of ${n} kept its own consistent snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT) for every table it read, all started under a global read lock (FLUSH TABLES WITH READ LOCK) that held commits off, so all saw the same committed data`;
    case 'snapshot_per_reader':
      return `each of ${n} kept its own consistent snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT) for every table it read, all started within ${s.noLock?.spreadMs ?? 0} ms of each other but without a global read lock (${NO_LOCK_BECAUSE[s.noLock?.reason ?? 'no_reload_privilege']}): a write committed in that window is seen by some readers and not by others`;
    case 'per_attempt': {
      const attempt =
        s.attempt && s.attempt !== 'one_snapshot' ? `; within the last attempt, ${words(s, s.attempt)}` : '';
      return `the extract was resumed: the tables copied before and after the interruption come from different snapshots of the source, one per attempt${attempt}`;
    }
    case 'per_reader':
      return 'the source cannot be read in a snapshot: each reader saw it at its own moment';
  }
}

/**
 * The line the run log and the report carry, and the warnings the report lists: one when the
 * readers did not all see the same data, one for each table read without any snapshot.
 */
export function describeSnapshot(s: ExtractSnapshot): { note: SnapshotNote; warnings: PlanWarning[] } {
  const message = `staged extract: ${words(s, s.guarantee)}`;
  const warnings: PlanWarning[] = [];
  const exact = s.guarantee === 'one_snapshot' || s.guarantee === 'started_under_lock';
  if (!exact) {
    const reason = s.noLock?.reason;
    warnings.push({
      kind: 'source_snapshot',
      table: '*',
      message,
      fix:
        (s.guarantee === 'snapshot_per_reader' || s.attempt === 'snapshot_per_reader') && reason
          ? NO_LOCK_FIX[reason]
          : 'stop writes to the source during the extract if its tables must agree with each other',
    });
  }
  for (const t of s.withoutSnapshot) {
    warnings.push({
      kind: 'source_snapshot',
      table: `${t.schema}.${t.name}`,
      message: `staged extract: ${t.schema}.${t.name} is not an InnoDB table, and no other engine keeps a consistent snapshot: it was read as of the moment its reader reached it`,
      fix: 'convert it to InnoDB (ALTER TABLE ... ENGINE=InnoDB), or stop writes to it during the extract',
    });
  }
  return { note: { guarantee: s.guarantee, message }, warnings };
}
