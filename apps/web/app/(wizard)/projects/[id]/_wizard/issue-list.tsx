import type { Issue } from './validation.ts';

/** The checks of a step: errors first (they block a run), then warnings. Nothing when all is well. */
export function IssueList({ issues, label }: { issues: readonly Issue[]; label: string }) {
  if (issues.length === 0) return null;
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  return (
    <section aria-label={label} className="space-y-2">
      {errors.length > 0 ? (
        <div
          role="alert"
          className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900"
        >
          <p className="font-semibold">
            {errors.length} problem{errors.length > 1 ? 's' : ''} to fix
          </p>
          <ul className="mt-1 list-disc pl-5">
            {errors.slice(0, 12).map((issue) => (
              <li key={issue.message}>{issue.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {warnings.length > 0 ? (
        <details className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          <summary className="cursor-pointer font-semibold">
            {warnings.length} warning{warnings.length > 1 ? 's' : ''}
          </summary>
          <ul className="mt-1 max-h-48 list-disc overflow-y-auto pl-5">
            {warnings.map((issue) => (
              <li key={issue.message}>{issue.message}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
