import type { Redis } from 'ioredis';

/**
 * Leases in Redis that BullMQ does not give us: at most `parallelism` tasks of one execution run at
 * once across all workers (the pipeline's setting), and one task never runs in two places (a resume
 * racing a pause that has not stopped yet). A lease expires unless renewed, so a worker killed with
 * SIGKILL frees its slot by itself, in time for the stalled job to be picked up elsewhere.
 */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[5] then return 0 end
if not redis.call('ZSCORE', KEYS[1], ARGV[4]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 4)
redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[2])
return 1`;

const RELEASE = `
if redis.call('GET', KEYS[2]) == ARGV[2] then
  redis.call('DEL', KEYS[2])
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 1`;

export interface TaskLease {
  readonly executionId: string;
  readonly taskId: string;
  /** Who holds it: unique per job attempt. */
  readonly owner: string;
  readonly parallelism: number;
}

export class RedisLeases {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** How long a lease lives without renewal. */
    readonly leaseMs: number,
  ) {}

  /** Takes (or renews) a task's lease; false when the execution's slots are full or another holds the task. */
  async acquire(lease: TaskLease): Promise<boolean> {
    const result = await this.redis.eval(
      ACQUIRE,
      2,
      this.slotsKey(lease.executionId),
      this.taskKey(lease.executionId, lease.taskId),
      Date.now(),
      this.leaseMs,
      lease.parallelism,
      lease.taskId,
      lease.owner,
    );
    return result === 1;
  }

  async release(lease: TaskLease): Promise<void> {
    await this.redis.eval(
      RELEASE,
      2,
      this.slotsKey(lease.executionId),
      this.taskKey(lease.executionId, lease.taskId),
      lease.taskId,
      lease.owner,
    );
  }

  private slotsKey(executionId: string): string {
    return `${this.prefix}:slots:${executionId}`;
  }

  private taskKey(executionId: string, taskId: string): string {
    return `${this.prefix}:task:${executionId}:${taskId}`;
  }
}
