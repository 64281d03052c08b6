'use server';

import {
  getExecutionStatus as executionStatus,
  getExecutionStages,
  getServiceContext,
  pauseExecution,
  resumeExecution,
  retryExecution,
  startExecution,
  toServiceError,
} from '@databridge/queue';
import type { ApiBody } from '../../lib/respond.ts';

/**
 * The execution API as server actions, for the wizard's monitor: each a thin call into the same
 * service function as its route, answering the route's JSON body. Next.js checks the origin of every
 * server action call.
 */
async function act<T>(work: () => Promise<T>): Promise<ApiBody<T>> {
  try {
    return { success: true, data: await work() };
  } catch (error) {
    const failure = toServiceError(error);
    return { success: false, error: { code: failure.code, message: failure.message } };
  }
}

export async function startMigrationExecution(projectId: string) {
  return act(async () => startExecution(await getServiceContext(), { projectId }, 'manual'));
}

export async function getExecutionStatus(executionId: string) {
  return act(async () => executionStatus(await getServiceContext(), executionId));
}

export async function pauseMigrationExecution(executionId: string) {
  return act(async () => pauseExecution(await getServiceContext(), executionId));
}

export async function resumeMigrationExecution(executionId: string) {
  return act(async () => resumeExecution(await getServiceContext(), executionId));
}

export async function retryMigrationExecution(executionId: string) {
  return act(async () => retryExecution(await getServiceContext(), executionId));
}

export async function getETLStageStatus(executionId: string) {
  return act(async () => getExecutionStages(await getServiceContext(), executionId));
}
