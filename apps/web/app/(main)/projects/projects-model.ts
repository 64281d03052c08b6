import type { ProjectSummary } from '@databridge/queue';
import { fieldErrors } from '../../../lib/api-client.ts';
import { CreateProjectInput, peopleError } from '../../../lib/client-safe.ts';

/**
 * The projects page's model, without React: a new project's fields and their check, the body of a
 * spec import, and what the list shows of a project's last run.
 */
export interface ConnectionOption {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
}

export interface NewProjectDraft {
  name: string;
  sourceConnectionId: string;
  targetConnectionId: string;
}

export const EMPTY_PROJECT: NewProjectDraft = { name: '', sourceConnectionId: '', targetConnectionId: '' };

/** The new project's fields by the API's own schema: none sent until each has what it needs. */
export function checkNewProject(
  values: NewProjectDraft,
): { ok: true } | { ok: false; errors: Record<string, string> } {
  const result = CreateProjectInput.safeParse(values, { error: peopleError });
  return result.success ? { ok: true } : { ok: false, errors: fieldErrors(result.error.issues) };
}

/** What an import sends: the file's text and name, and only the choices the user made (blank: from the file). */
export function importBody(
  text: string,
  fileName: string,
  choices: { name: string; source: string; target: string },
): Record<string, string> {
  return {
    text,
    fileName,
    ...(choices.name.trim() ? { name: choices.name } : {}),
    ...(choices.source ? { sourceConnectionId: choices.source } : {}),
    ...(choices.target ? { targetConnectionId: choices.target } : {}),
  };
}

/** When the project last ran: its start, or when it was queued if it has not started. */
export function lastRunAt(execution: NonNullable<ProjectSummary['lastExecution']>): string | null {
  return execution.startedAt ?? execution.createdAt;
}
