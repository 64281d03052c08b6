import type { z } from 'zod';
import { issueSentence, peopleError } from '../../../../../lib/client-safe.ts';

/** A draft's verdict: the value the spec takes, or one sentence per field and the first of them. */
export type DraftCheck<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>>; readonly message: string };

/**
 * Checks what a form's draft would put in the spec against the same schema the server uses. Errors
 * are keyed by the field's dotted path (`hooks.pre.0.sql`), the first issue of a field winning, so a
 * form shows each field's own sentence; `message` is the first of them, or `fallback`.
 */
export function checkDraft<T>(schema: z.ZodType<T>, candidate: unknown, fallback: string): DraftCheck<T> {
  const parsed = schema.safeParse(candidate, { error: peopleError });
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    errors[issue.path.map(String).join('.')] ??= issueSentence(issue);
  }
  return { ok: false, errors, message: Object.values(errors)[0] ?? fallback };
}

/** A number field's text as the schema sees it: blank is not zero but missing (NaN fails the check). */
export function numberOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}
