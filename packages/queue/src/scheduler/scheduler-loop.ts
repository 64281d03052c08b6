import { setTimeout as sleep } from 'node:timers/promises';
import { type TickContext, type TickOptions, tick } from './tick.ts';
import type { TickSummary } from './tick-summary.ts';

export interface SchedulerLoopOptions extends TickOptions {
  /** Between the starts of two ticks; default 30 s. */
  readonly intervalMs?: number;
  /** Stops the loop after the tick in progress. */
  readonly signal: AbortSignal;
  readonly onTick?: (summary: TickSummary) => void;
  /** A tick that failed as a whole (the store did not answer); the loop goes on. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Ticks every `intervalMs` until `signal` aborts, then resolves once the tick in progress is done.
 * What `databridge scheduler` and `databridge serve` run; any number may run at once, on any
 * machine that reaches the metadata store.
 */
export async function runScheduler(ctx: TickContext, options: SchedulerLoopOptions): Promise<void> {
  const { intervalMs = 30_000, signal, onTick, onError, ...tickOptions } = options;
  while (!signal.aborted) {
    const began = Date.now();
    try {
      const summary = await tick(ctx, new Date(), tickOptions);
      onTick?.(summary);
    } catch (error) {
      onError?.(error);
    }
    const wait = Math.max(0, intervalMs - (Date.now() - began));
    await sleep(wait, undefined, { signal }).catch(() => {});
  }
}
