import { ScheduleSettings } from '@databridge/engine';
import { listProjects } from '@databridge/store';
import type { ServiceContext } from '../context.ts';
import { describeSchedule } from '../schedule/cron.ts';
import { describeCycle, findCycle } from '../schedule/dependency-graph.ts';
import { ServiceError } from '../services/service-error.ts';
import { indexProjects, resolvedIds, resolveProject } from './project-index.ts';

type Ctx = Pick<ServiceContext, 'store'>;

/**
 * Checks a project's `schedule.dependsOn` before it is saved: every entry must name one existing
 * project (by id, or by a name only one project has), and the project must not end up waiting for
 * itself through others. Throws `bad_input` naming `schedule.dependsOn` and the problem, e.g.
 * `schedule.dependsOn: projects wait for each other in a cycle: a → b → c → a`. Pass `projectId`
 * null for a project not created yet, with its `name` so that others that already name it count.
 * Returns the upstream projects the entries resolve to, in order.
 */
export async function checkDependencies(
  ctx: Ctx,
  projectId: string | null,
  dependsOn: readonly string[],
  options: { readonly name?: string } = {},
): Promise<{ id: string; name: string }[]> {
  const projects = await listProjects(ctx.store);
  const self = projectId === null ? undefined : projects.find((p) => p.id === projectId);
  if (projectId !== null && !self) throw new ServiceError('not_found', `There is no project ${projectId}`);
  const selfId = projectId ?? '(new project)';
  const selfName = options.name ?? self?.name ?? selfId;
  const others = projects.filter((p) => p.id !== projectId);
  // The project as it will be saved: its (new) name counts for entries of others that name it.
  const index = indexProjects<{ id: string; name: string }>([...others, { id: selfId, name: selfName }]);

  const upstream: { id: string; name: string }[] = [];
  for (const ref of dependsOn) {
    const found = resolveProject(index, ref);
    if (!found.ok) throw new ServiceError('bad_input', `schedule.dependsOn: ${found.problem}`);
    upstream.push({ id: found.project.id, name: found.project.name });
  }

  const edges = new Map<string, string[]>();
  for (const p of others) edges.set(p.id, resolvedIds(index, p.spec.schedule?.dependsOn ?? []));
  edges.set(
    selfId,
    upstream.map((u) => u.id),
  );
  const cycle = findCycle(edges);
  if (cycle) {
    const names = cycle.map((id) => (id === selfId ? selfName : (index.byId.get(id)?.name ?? id)));
    throw new ServiceError(
      'bad_input',
      `schedule.dependsOn: projects wait for each other in a cycle: ${describeCycle(names)}`,
    );
  }
  return upstream;
}

/**
 * The `schedule.dependsOn` of a spec as a caller received it (raw JSON or YAML, or parsed): what
 * to pass to `checkDependencies` before saving. Empty when there is none or the schedule is
 * malformed (the spec's own validation reports that).
 */
export function dependsOnOf(spec: unknown): string[] {
  const schedule = (spec as { schedule?: unknown } | null | undefined)?.schedule;
  if (schedule === undefined) return [];
  const parsed = ScheduleSettings.safeParse(schedule);
  return parsed.success ? [...parsed.data.dependsOn] : [];
}

/** A project in the dependency graph, with its timetable in words. */
export interface DependencyNode {
  readonly id: string;
  readonly name: string;
  /** E.g. "At 02:30, Monday through Friday (Europe/Berlin time)"; null without a timetable. */
  readonly schedule: string | null;
  readonly enabled: boolean;
  /** `dependsOn` entries that name no single project (they keep the project's runs waiting). */
  readonly unresolved: readonly string[];
}

/** An upstream project and a project that waits for it. */
export interface DependencyEdge {
  readonly from: string;
  readonly to: string;
}

export interface DependencyGraph {
  readonly nodes: readonly DependencyNode[];
  readonly edges: readonly DependencyEdge[];
  /** A cycle saved before checks existed (or through renames), as names; null when there is none. */
  readonly cycle: string | null;
}

/** Every project with its schedule, and an edge from each upstream project to each that waits for it. */
export async function dependencyGraph(ctx: Ctx): Promise<DependencyGraph> {
  const projects = await listProjects(ctx.store);
  const index = indexProjects(projects);
  const nodes: DependencyNode[] = [];
  const edges: DependencyEdge[] = [];
  const upstreamOf = new Map<string, string[]>();
  for (const p of projects) {
    const schedule = p.spec.schedule;
    const unresolved: string[] = [];
    const upstream: string[] = [];
    for (const ref of schedule?.dependsOn ?? []) {
      const found = resolveProject(index, ref);
      if (found.ok) upstream.push(found.project.id);
      else unresolved.push(ref);
    }
    upstreamOf.set(p.id, upstream);
    for (const from of upstream) edges.push({ from, to: p.id });
    nodes.push({
      id: p.id,
      name: p.name,
      schedule: schedule?.cron ? describeTimetable(schedule.cron, schedule.timezone) : null,
      enabled: Boolean(schedule?.cron) && schedule?.enabled !== false,
      unresolved,
    });
  }
  const cycle = findCycle(upstreamOf);
  return {
    nodes,
    edges,
    cycle: cycle && describeCycle(cycle.map((id) => index.byId.get(id)?.name ?? id)),
  };
}

function describeTimetable(cron: string, timezone: string): string {
  try {
    return describeSchedule({ cron, timezone });
  } catch {
    return cron;
  }
}
