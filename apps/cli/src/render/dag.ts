import type { RunDag } from '@databridge/engine';

/** The DAG as a person reads it: each task with what it waits for and what it does. */
export function renderDag(dag: RunDag): string {
  const out = [`DAG ${dag.dagId}: ${dag.description}`, ''];
  for (const task of dag.tasks) {
    const waits = task.upstream.length > 0 ? `  <- ${task.upstream.join(', ')}` : '';
    out.push(`${task.id}${waits}`);
    out.push(`    ${task.description}`);
  }
  return `${out.join('\n')}\n`;
}
