import { DataBridgeError, formatPath, issueSentence, MigrationSpec, peopleError } from '@databridge/engine';
import type { z } from 'zod';

const REF_PREFIX = 'connection:';

/** How a stored spec names a saved connection instead of carrying its URL (and password). */
export function connectionRef(connectionId: string): string {
  return `${REF_PREFIX}${connectionId}`;
}

/**
 * Validates a project's spec with the engine's schema after pointing its source and target at the
 * project's connections: whatever URL the document carried is replaced by a reference, so no
 * credentials are stored inline. Throws `bad_spec` with a sentence for people, e.g. "Batch size must be a
 * whole number from 100 to 10,000 rows (not 20,000).", and the field's path in `where` for programs.
 */
export function checkProjectSpec(
  spec: unknown,
  sourceConnectionId: string,
  targetConnectionId: string,
): MigrationSpec {
  const document = isRecord(spec)
    ? {
        ...spec,
        source: { ...(isRecord(spec.source) ? spec.source : {}), url: connectionRef(sourceConnectionId) },
        target: { ...(isRecord(spec.target) ? spec.target : {}), url: connectionRef(targetConnectionId) },
      }
    : spec;
  const parsed = MigrationSpec.safeParse(document, { error: peopleError });
  if (parsed.success) return parsed.data;
  throw specError(parsed.error);
}

/** Reads a stored spec back, filling defaults that a newer engine may have added since it was written. */
export function readStoredSpec(stored: object, projectName: string): MigrationSpec {
  const parsed = MigrationSpec.safeParse(stored, { error: peopleError });
  if (parsed.success) return parsed.data;
  const error = specError(parsed.error);
  throw new DataBridgeError(
    'bad_spec',
    `The stored spec of project "${projectName}" no longer fits: ${error.message}`,
    {
      where: error.where,
    },
  );
}

/**
 * The first problem as one sentence for people ("Batch size must be …"), its path kept in `where`
 * (the API's `field`) for programs.
 */
function specError(error: z.ZodError): DataBridgeError {
  const issue = error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return new DataBridgeError('bad_spec', `${issueSentence(issue)}${more}`, {
    where: formatPath(path) || 'spec',
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
