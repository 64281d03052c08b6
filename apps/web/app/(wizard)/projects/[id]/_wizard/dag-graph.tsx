'use client';

import type { DagTask, RunDag } from '@databridge/engine';
import { useMemo } from 'react';
import { layoutDag, NODE_FONT_PX } from '../../../../../lib/dag-layout.ts';

/** Fill and stroke per kind of task; the legend names them. */
const KINDS = {
  stage: { fill: '#ecfeff', stroke: '#0891b2', legend: 'stage' },
  load_dimensions: { fill: '#eef2ff', stroke: '#4f46e5', legend: 'dimension table (referenced by others)' },
  load_facts: { fill: '#fffbeb', stroke: '#b45309', legend: 'fact table' },
} as const;

type Kind = keyof typeof KINDS;

const kindOf = (task: DagTask): Kind =>
  task.kind === 'stage' ? 'stage' : task.stage === 'load_facts' ? 'load_facts' : 'load_dimensions';

/** A load task's name in its box: the task id without its stage, which the colour and place say. */
function labelOf(task: DagTask): string {
  return task.kind === 'stage' ? task.id : task.id.slice(task.stage.length + 1);
}

/**
 * Step 5's Graph: the run's DAG in SVG, laid out in layers by dagre, every box as wide as its name
 * and the drawing scaled down only when it is wider than the page. A table's box opens its mapping
 * in step 2; the list below says the same for screen readers and keyboards.
 */
export function DagGraph({ dag, projectId }: { dag: RunDag; projectId: string }) {
  const layout = useMemo(
    () =>
      layoutDag(
        dag.tasks.map((task) => ({ id: task.id, label: labelOf(task), task })),
        dag.edges,
      ),
    [dag],
  );
  const mappingHref = (task: DagTask) =>
    `/projects/${encodeURIComponent(projectId)}/columns?mapping=${encodeURIComponent(task.mappingId ?? '')}`;
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-600">
        <span className="font-mono">{dag.dagId}</span>: {dag.description}
      </p>
      <div className="rounded-lg border border-slate-200 bg-white p-2">
        <svg
          role="img"
          aria-labelledby="dag-svg-title"
          data-testid="dag-graph"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width={layout.width}
          height={layout.height}
          style={{ maxWidth: '100%', height: 'auto' }}
        >
          <title id="dag-svg-title">{`The run of ${dag.dagId}: ${dag.tasks.length} tasks`}</title>
          <defs>
            <marker
              id="dag-arrow"
              viewBox="0 0 8 8"
              refX="8"
              refY="4"
              markerWidth="6"
              markerHeight="6"
              orient="auto"
            >
              <path d="M 0 0 L 8 4 L 0 8 z" fill="#64748b" />
            </marker>
          </defs>
          {layout.edges.map((edge) => (
            <path
              key={`${edge.from} ${edge.to}`}
              d={edge.path}
              fill="none"
              stroke="#94a3b8"
              strokeWidth={1.2}
              markerEnd="url(#dag-arrow)"
            />
          ))}
          {layout.nodes.map(({ node, x, y, width, height }) => {
            const colours = KINDS[kindOf(node.task)];
            const box = (
              <g key={node.id} data-task-id={node.id}>
                <title>{`${node.id}: ${node.task.description}`}</title>
                <rect
                  x={x}
                  y={y}
                  width={width}
                  height={height}
                  rx={6}
                  fill={colours.fill}
                  stroke={colours.stroke}
                  strokeWidth={node.task.kind === 'stage' ? 2 : 1.2}
                />
                <text
                  x={x + width / 2}
                  y={y + height / 2}
                  textAnchor="middle"
                  dominantBaseline="central"
                  fontFamily="ui-monospace, 'DejaVu Sans Mono', monospace"
                  fontSize={NODE_FONT_PX}
                  fontWeight={node.task.kind === 'stage' ? 600 : 400}
                  fill="#0f172a"
                >
                  {node.label}
                </text>
              </g>
            );
            return node.task.mappingId ? (
              <a key={node.id} href={mappingHref(node.task)} aria-label={`${node.id}: open its mapping`}>
                {box}
              </a>
            ) : (
              <g key={node.id}>{box}</g>
            );
          })}
        </svg>
      </div>
      <ul className="flex flex-wrap gap-4 text-xs text-slate-700" aria-label="Legend">
        {Object.entries(KINDS).map(([kind, c]) => (
          <li key={kind} className="flex items-center gap-1">
            <span
              aria-hidden="true"
              className="inline-block h-3 w-5 rounded-sm border"
              style={{ background: c.fill, borderColor: c.stroke }}
            />
            {c.legend}
          </li>
        ))}
      </ul>
      <details>
        <summary className="cursor-pointer text-sm font-semibold">
          The run as a list ({dag.tasks.length} tasks)
        </summary>
        <ol className="mt-2 space-y-1 text-sm" aria-label="Tasks of the run in order">
          {dag.tasks.map((task) => (
            <li key={task.id}>
              {task.mappingId ? (
                <a className="font-mono text-cyan-800 underline" href={mappingHref(task)}>
                  {task.id}
                </a>
              ) : (
                <span className="font-mono font-semibold">{task.id}</span>
              )}
              : {task.description}
              {task.upstream.length > 0 ? (
                <span className="text-slate-600"> (after {task.upstream.join(', ')})</span>
              ) : null}
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}
