'use server';

import {
  audit,
  getExecutionStatus as executionStatus,
  getExecutionStages,
  type Permission,
  pauseExecution,
  resumeExecution,
  retryExecution,
  type ServiceContext,
  startExecution,
  toServiceError,
} from '@databridge/queue';
import { actionActor } from '../../lib/request-actor.ts';
import type { ApiBody } from '../../lib/respond.ts';

/**
 * The execution API as server actions, for the wizard's monitor: each a thin call into the same
 * service function as its route, with the same permission check, answering the route's JSON body.
 * Next.js checks the origin of every server action call.
 */
async function act<T>(
  permission: Permission,
  work: (context: ServiceContext) => Promise<T>,
  audited?: { action: string; id: (result: T) => string },
): Promise<ApiBody<T>> {
  try {
    const { actor, context, ip } = await actionActor(permission);
    const result = await work(context);
    if (audited)
      await audit(context, actor, audited.action, { kind: 'execution', id: audited.id(result) }, { ip });
    return { success: true, data: result };
  } catch (error) {
    const failure = toServiceError(error);
    return { success: false, error: { code: failure.code, message: failure.message } };
  }
}

export async function startMigrationExecution(projectId: string) {
  return act('run', (context) => startExecution(context, { projectId }, 'manual'), {
    action: 'execution.start',
    id: (r) => r.executionId,
  });
}

export async function getExecutionStatus(executionId: string) {
  return act('read', (context) => executionStatus(context, executionId));
}

export async function pauseMigrationExecution(executionId: string) {
  return act('run', (context) => pauseExecution(context, executionId), {
    action: 'execution.pause',
    id: () => executionId,
  });
}

export async function resumeMigrationExecution(executionId: string) {
  return act('run', (context) => resumeExecution(context, executionId), {
    action: 'execution.resume',
    id: () => executionId,
  });
}

export async function retryMigrationExecution(executionId: string) {
  return act('run', (context) => retryExecution(context, executionId), {
    action: 'execution.retry',
    id: () => executionId,
  });
}

export async function getETLStageStatus(executionId: string) {
  return act('read', (context) => getExecutionStages(context, executionId));
}
