import { PAUSED, STOP_NOW } from '@databridge/engine';
import { getExecution, type Store } from '@databridge/store';

export interface ExecutionWatch {
  /**
   * Aborted once the execution leaves `running`, or this process shuts down. The reason is PAUSED for a
   * pause or a shutdown (statements in flight get the session's grace to reach a batch boundary) and
   * STOP_NOW otherwise (a cancel or a failure elsewhere: statements in flight are ended at once).
   */
  readonly signal: AbortSignal;
  /**
   * Why the signal fired: the execution was paused, cancelled or failed elsewhere (`stopped`), or this
   * process is shutting down (`interrupted`: the parent signal).
   */
  readonly reason: 'paused' | 'stopped' | 'interrupted' | undefined;
  stop(): void;
}

/** How often a running task looks at its execution's status: the delay of a pause or cancel. */
const POLL_MS = 250;

/**
 * Watches an execution's status in the store while work for it runs in this process, and aborts the
 * work when a pause or cancel arrives (from any process: the API, another worker whose task failed).
 * The store is the one channel every executor shares, so pause works the same in-process and on
 * BullMQ workers on other machines.
 */
export function watchExecution(store: Store, executionId: string, parent?: AbortSignal): ExecutionWatch {
  const controller = new AbortController();
  let reason: ExecutionWatch['reason'];
  const abort = (why: 'paused' | 'stopped' | 'interrupted') => {
    if (controller.signal.aborted) return;
    reason = why;
    controller.abort(why === 'stopped' ? STOP_NOW : PAUSED);
  };
  const onParentAbort = () => abort('interrupted');
  parent?.addEventListener('abort', onParentAbort, { once: true });
  if (parent?.aborted) abort('interrupted');
  let polling = false;
  const timer = setInterval(async () => {
    if (polling) return;
    polling = true;
    try {
      const status = (await getExecution(store, executionId))?.status;
      if (status === 'paused') abort('paused');
      else if (status !== 'running') abort('stopped');
    } catch {
      // The store did not answer this time; the next poll asks again.
    } finally {
      polling = false;
    }
  }, POLL_MS);
  return {
    signal: controller.signal,
    get reason() {
      return reason;
    },
    stop() {
      clearInterval(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
