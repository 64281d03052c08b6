/** What `schedule.dependsOn` can name: a project, by id or name. */
export interface Named {
  readonly id: string;
  readonly name: string;
}

/** Projects by id and by name, for resolving `schedule.dependsOn`, which may use either. */
export interface ProjectIndex<P extends Named> {
  readonly byId: ReadonlyMap<string, P>;
  readonly byName: ReadonlyMap<string, readonly P[]>;
}

export function indexProjects<P extends Named>(projects: readonly P[]): ProjectIndex<P> {
  const byId = new Map(projects.map((p) => [p.id, p]));
  const byName = new Map<string, P[]>();
  for (const p of projects) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return { byId, byName };
}

export type Resolved<P> =
  | { readonly ok: true; readonly project: P }
  | { readonly ok: false; readonly problem: string };

/** One `dependsOn` entry: a project id, else a project name that only one project has. */
export function resolveProject<P extends Named>(index: ProjectIndex<P>, ref: string): Resolved<P> {
  const byId = index.byId.get(ref);
  if (byId) return { ok: true, project: byId };
  const named = index.byName.get(ref) ?? [];
  if (named.length === 1) return { ok: true, project: named[0]! };
  if (named.length === 0) return { ok: false, problem: `there is no project "${ref}"` };
  const ids = named.map((p) => p.id).join(', ');
  return {
    ok: false,
    problem: `${named.length} projects are named "${ref}": name the one meant by its id (${ids})`,
  };
}

/** The ids a project's `dependsOn` entries resolve to; entries that name no single project are left out. */
export function resolvedIds<P extends Named>(index: ProjectIndex<P>, refs: readonly string[]): string[] {
  return refs.flatMap((ref) => {
    const found = resolveProject(index, ref);
    return found.ok ? [found.project.id] : [];
  });
}
