import type { DependencyEdge, DependencyNode } from '@databridge/queue';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type PlacedNode } from './graph-layout.ts';

/** `text` cut to `max` characters with an ellipsis; the node's tooltip keeps the whole of it. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The third line of a node: what needs attention first. */
function flag(node: DependencyNode): { text: string; tone: 'warning' | 'muted' } | null {
  if (node.unresolved.length > 0) {
    return { text: `⚠ Waits for unknown: ${node.unresolved.join(', ')}`, tone: 'warning' };
  }
  if (node.schedule && !node.enabled) return { text: 'Paused', tone: 'muted' };
  return null;
}

function Node({ placed }: { placed: PlacedNode }) {
  const { node, x, y } = placed;
  const note = flag(node);
  const schedule = node.schedule ?? 'No timetable: runs when started';
  return (
    // The list below the graph carries the same links for the keyboard and screen readers.
    <a href={`/projects/${node.id}/schedule`} tabIndex={-1} className="group">
      <title>{[node.name, schedule, note?.text].filter(Boolean).join('\n')}</title>
      <rect
        x={x}
        y={y}
        width={NODE_WIDTH}
        height={NODE_HEIGHT}
        rx={8}
        className={`fill-white group-hover:fill-slate-50 ${note?.tone === 'warning' ? 'stroke-amber-500' : 'stroke-slate-300'}`}
        strokeWidth={note?.tone === 'warning' ? 2 : 1}
      />
      <text x={x + 12} y={y + 22} className="fill-ink text-sm font-semibold group-hover:underline">
        {clip(node.name, 27)}
      </text>
      <text x={x + 12} y={y + 42} className="fill-slate-600 text-xs">
        {clip(schedule, 37)}
      </text>
      {note ? (
        <text
          x={x + 12}
          y={y + 61}
          className={`text-xs ${note.tone === 'warning' ? 'fill-amber-800 font-semibold' : 'fill-slate-500'}`}
        >
          {clip(note.text, 37)}
        </text>
      ) : null}
    </a>
  );
}

/**
 * The dependency graph as a picture: projects in columns by depth, upstream on the left, with an
 * arrow from each upstream project to each project that waits for it. Each project links to its
 * schedule step.
 */
export function DependencyGraphSvg(props: {
  nodes: readonly DependencyNode[];
  edges: readonly DependencyEdge[];
  label: string;
}) {
  const layout = layoutGraph(props.nodes, props.edges);
  return (
    <svg
      role="img"
      aria-label={props.label}
      width={layout.width}
      height={layout.height}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
    >
      <defs>
        <marker
          id="dependency-arrow"
          viewBox="0 0 10 10"
          refX={9}
          refY={5}
          markerWidth={8}
          markerHeight={8}
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" className="fill-slate-500" />
        </marker>
      </defs>
      {layout.edges.map((edge) => (
        <path
          key={`${edge.from}->${edge.to}`}
          d={edge.path}
          fill="none"
          className={edge.backward ? 'stroke-red-600' : 'stroke-slate-500'}
          strokeWidth={1.5}
          strokeDasharray={edge.backward ? '6 4' : undefined}
          markerEnd="url(#dependency-arrow)"
        />
      ))}
      {layout.nodes.map((placed) => (
        <Node key={placed.node.id} placed={placed} />
      ))}
    </svg>
  );
}
