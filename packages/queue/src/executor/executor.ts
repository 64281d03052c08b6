import type { ArtefactStore } from '@databridge/engine';
import type { Store } from '@databridge/store';
import type { ServerEnv } from '../env.ts';

/**
 * Runs executions recorded in the store. Two implementations share this contract and the engine's
 * stage and task functions: in-process (the embedded default) and BullMQ (with REDIS_URL, where any
 * number of `databridge worker` processes do the work). Controls act on an execution already in the
 * store; the service layer checks states and records the request before calling them.
 */
export interface Executor {
  readonly kind: 'in-process' | 'bullmq';
  /** Begins (or continues, after pause or failure) an execution from its checkpoints. */
  start(executionId: string): Promise<void>;
  /** Asks running tasks to stop at their next batch boundary; the status is already `paused`. */
  pause(executionId: string): Promise<void>;
  /** Asks running tasks to stop now; the status is already `cancelled`. */
  cancel(executionId: string): Promise<void>;
  /** Resolves once the execution reaches a state where no task of it runs (tests, CLI). */
  settled(executionId: string): Promise<void>;
  close(): Promise<void>;
}

export interface ExecutorOptions {
  readonly env: ServerEnv;
  readonly store: Store;
  readonly reportsDir: string;
  /** Where ended runs' artefacts are stored (default: the local reports folder, nothing to upload). */
  readonly artefacts?: ArtefactStore;
  /** A server only enqueues when it has a queue; a worker executes. */
  readonly role: 'server' | 'worker';
}
