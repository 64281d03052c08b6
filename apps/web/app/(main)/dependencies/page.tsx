import {
  type DependencyEdge,
  type DependencyNode,
  dependencyGraph,
  getServiceContext,
} from '@databridge/queue';
import type { Metadata } from 'next';
import Link from 'next/link';
import { pageActor } from '../../../lib/request-actor.ts';
import { Notice, PageTitle } from '../../_components/ui.tsx';
import { DependencyGraphSvg } from './dependency-graph-svg.tsx';
import { depths } from './graph-layout.ts';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Dependencies' };

function ProjectLink({ node }: { node: DependencyNode }) {
  return (
    <Link href={`/projects/${node.id}/schedule`} className="font-semibold text-ink underline">
      {node.name}
    </Link>
  );
}

/** Which projects wait for which: a picture, and the same as lists for the keyboard and screen readers. */
export default async function DependenciesPage() {
  await pageActor();
  const graph = await dependencyGraph(await getServiceContext());
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  // A project may name the same upstream twice (by id and by name): one arrow is enough.
  const edges = [...new Map(graph.edges.map((e) => [`${e.from}\n${e.to}`, e])).values()];
  const depth = depths(graph.nodes, edges);
  const nodes = [...graph.nodes].sort(
    (a, b) => (depth.get(a.id) ?? 0) - (depth.get(b.id) ?? 0) || a.name.localeCompare(b.name),
  );
  const sortedEdges = [...edges].sort(
    (a, b) =>
      (byId.get(a.to)?.name ?? '').localeCompare(byId.get(b.to)?.name ?? '') ||
      (byId.get(a.from)?.name ?? '').localeCompare(byId.get(b.from)?.name ?? ''),
  );
  const unknown = nodes.filter((n) => n.unresolved.length > 0);

  return (
    <div className="mx-auto max-w-6xl space-y-6">
      <PageTitle
        title="Dependencies"
        description="A project waits for the run of the same date of each project it depends on. Set them in step 4 (Schedule) of a project."
      />
      {graph.cycle ? (
        <Notice tone="error">
          These projects wait for each other in a cycle, so their scheduled runs would wait forever:{' '}
          {graph.cycle}. Remove one of these dependencies.
        </Notice>
      ) : null}
      {unknown.length > 0 ? (
        <Notice tone="warning">
          {unknown.length === 1 ? 'One project waits' : `${unknown.length} projects wait`} for a project that
          does not exist (or whose name several projects share): its scheduled runs keep waiting until the
          dependency is fixed.
        </Notice>
      ) : null}

      {nodes.length === 0 ? (
        <Notice tone="info">
          No project yet.{' '}
          <Link href="/projects" className="font-semibold underline">
            Create one
          </Link>
        </Notice>
      ) : (
        <>
          <section aria-labelledby="dependencies-graph" className="space-y-2">
            <h2 id="dependencies-graph" className="text-lg font-semibold">
              Graph
            </h2>
            <div className="overflow-x-auto rounded-md border border-slate-200 bg-slate-50 p-2">
              <DependencyGraphSvg
                nodes={nodes}
                edges={edges}
                label={`Dependency graph of ${nodes.length} project${nodes.length === 1 ? '' : 's'}, upstream on the left; the lists below say the same.`}
              />
            </div>
          </section>

          <section aria-labelledby="dependencies-edges" className="space-y-2">
            <h2 id="dependencies-edges" className="text-lg font-semibold">
              Who waits for whom
            </h2>
            {sortedEdges.length === 0 ? (
              <p className="text-sm text-slate-600">No project waits for another.</p>
            ) : (
              <ul className="list-disc space-y-1 pl-5 text-sm">
                {sortedEdges.map((edge) => (
                  <EdgeItem key={`${edge.from}\n${edge.to}`} edge={edge} byId={byId} />
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="dependencies-projects" className="space-y-2">
            <h2 id="dependencies-projects" className="text-lg font-semibold">
              Projects and their timetables
            </h2>
            <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white text-sm">
              {nodes.map((node) => (
                <li key={node.id} className="px-3 py-2">
                  <ProjectLink node={node} />
                  <span className="text-slate-600">
                    {' '}
                    — {node.schedule ?? 'no timetable: runs when started'}
                    {node.schedule && !node.enabled ? ' (paused)' : ''}
                  </span>
                  {node.unresolved.length > 0 ? (
                    <p className="font-medium text-amber-800">
                      ⚠ Waits for unknown {node.unresolved.length === 1 ? 'project' : 'projects'}:{' '}
                      {node.unresolved.map((ref) => `“${ref}”`).join(', ')}
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </div>
  );
}

function EdgeItem({ edge, byId }: { edge: DependencyEdge; byId: ReadonlyMap<string, DependencyNode> }) {
  const from = byId.get(edge.from);
  const to = byId.get(edge.to);
  if (!from || !to) return null;
  return (
    <li>
      <ProjectLink node={to} /> waits for <ProjectLink node={from} />
    </li>
  );
}
