/** The six wizard steps, in order; `slug` is the route segment under /projects/[id]/. */
export const STEPS = [
  { slug: 'tables', title: 'Select tables', description: 'Which source tables load into which targets' },
  { slug: 'columns', title: 'Map columns', description: 'Column pairs and their transformations' },
  { slug: 'pipeline', title: 'Configure pipeline', description: 'Batches, parallelism, errors, hooks' },
  { slug: 'schedule', title: 'Schedule', description: 'When it runs, what it waits for, who is told' },
  { slug: 'preview', title: 'Preview and validate', description: 'Sample rows and the plan’s warnings' },
  { slug: 'execute', title: 'Execute and monitor', description: 'Start, watch, pause, retry' },
] as const;

export type StepSlug = (typeof STEPS)[number]['slug'];

/** `complete` (done and valid), `error` (needs fixing), `todo` (not done yet). */
export type StepState = 'complete' | 'error' | 'todo';

/** A step's page heading, numbered as the sidebar numbers it: "4. Schedule". */
export function stepHeading(slug: StepSlug): string {
  const index = STEPS.findIndex((s) => s.slug === slug);
  return `${index + 1}. ${STEPS[index]?.title ?? slug}`;
}

export function stepIndex(pathname: string): number {
  const slug = pathname.split('/').filter(Boolean)[2];
  const index = STEPS.findIndex((s) => s.slug === slug);
  return Math.max(index, 0);
}
