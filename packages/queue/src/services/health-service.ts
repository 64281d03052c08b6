import { performance } from 'node:perf_hooks';
import { pingStore } from '@databridge/store';
import type { ServiceContext } from '../context.ts';
import { ServiceError } from './service-error.ts';

export interface Health {
  readonly status: 'ok';
  readonly store: 'postgres' | 'sqlite';
  readonly storeLatencyMs: number;
}

/** Readiness: one small query on the metadata store. `unavailable` (503) when it does not answer. */
export async function checkHealth(ctx: Pick<ServiceContext, 'store'>): Promise<Health> {
  const started = performance.now();
  try {
    await pingStore(ctx.store);
  } catch (error) {
    throw new ServiceError('unavailable', 'The metadata store does not answer', { cause: error });
  }
  return {
    status: 'ok',
    store: ctx.store.dialect,
    storeLatencyMs: Math.round(performance.now() - started),
  };
}
