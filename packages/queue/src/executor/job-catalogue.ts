import { RetrySettings } from '@databridge/engine';
import { z } from 'zod';

// Every job the BullMQ executor puts on its queue, with the schema its data is read back with. Job
// data carries ids and settings, never credentials: BullMQ keeps it in Redis in clear text.

/** Runs the stages that need no parallel work, then adds the next flow of tasks (or settles). */
export const AdvanceJobData = z
  .object({
    executionId: z.string().min(1),
    /** Counts retries of a stage that failed with a transient error. */
    attempt: z.number().int().min(1).optional(),
  })
  .strict();
export type AdvanceJobData = z.infer<typeof AdvanceJobData>;

/** Loads one table or key range of a load stage. */
export const TaskJobData = z
  .object({
    executionId: z.string().min(1),
    taskId: z.string().min(1),
    parallelism: z.number().int().min(1),
    retries: RetrySettings,
  })
  .strict();
export type TaskJobData = z.infer<typeof TaskJobData>;

export const JOBS = { advance: AdvanceJobData, task: TaskJobData } as const;
export type JobName = keyof typeof JOBS;

/**
 * How long finished jobs stay in Redis, for every job: enough to look into recent runs, bounded so
 * that Redis (which must run with `noeviction`) does not fill up.
 */
export const JOB_RETENTION = { removeOnComplete: 1000, removeOnFail: 5000 } as const;

/**
 * A job's data read back with its schema, so that a job written by another version of DataBridge
 * (or by hand) fails with a message naming the job and the field instead of deep inside a run.
 */
export function readJobData<N extends JobName>(name: N, data: unknown): z.infer<(typeof JOBS)[N]> {
  const parsed = JOBS[name].safeParse(data);
  if (parsed.success) return parsed.data as z.infer<(typeof JOBS)[N]>;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : 'its data';
  throw new Error(`BullMQ job "${name}" has malformed data (${field}: ${issue.message}); it was not run`);
}

/** True when `name` is a job this executor knows. */
export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}
