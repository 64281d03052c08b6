import type { PlanWarning, WarningKind } from './plan-types.ts';

/** Warnings of one kind with one fix on this many columns or more read as one line. */
const GROUP_FROM = 3;

export interface WarningGroup {
  readonly kind: WarningKind;
  /** One line: the warning itself, or `N columns: a, b, c…` with the first one's words. */
  readonly summary: string;
  readonly fix: string;
  /** Every warning of the group, for a reader who unfolds it. */
  readonly warnings: readonly PlanWarning[];
}

/**
 * The plan's warnings as a reader takes them in: those of one kind that share a fix, on three or more
 * columns, collapse into one line naming the columns, so that the one true warning of another kind is
 * not drowned. The CLI and the wizard read the same groups; the list itself stays whole in the plan.
 */
export function groupWarnings(warnings: readonly PlanWarning[]): WarningGroup[] {
  const byKey = new Map<string, PlanWarning[]>();
  for (const w of warnings) {
    const key = `${w.kind}\u0000${w.fix}`;
    byKey.set(key, [...(byKey.get(key) ?? []), w]);
  }
  const where = (w: PlanWarning) => `${w.table}${w.column ? `.${w.column}` : ''}`;
  return [...byKey.values()].flatMap((group): WarningGroup[] => {
    const first = group[0]!;
    if (group.length < GROUP_FROM)
      return group.map((w) => ({
        kind: w.kind,
        summary: `${where(w)}: ${w.message}`,
        fix: w.fix,
        warnings: [w],
      }));
    const names = group.map(where);
    const shown =
      names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', ');
    return [
      {
        kind: first.kind,
        summary: `${group.length} columns (${shown}), e.g. ${where(first)}: ${first.message}`,
        fix: first.fix,
        warnings: group,
      },
    ];
  });
}
