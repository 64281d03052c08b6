import type { MigrationPlan, PlannedMapping, StageId } from '../plan/plan-types.ts';
import { STAGES } from '../plan/plan-types.ts';
import type { LoadMode } from '../spec/spec-schema.ts';
import { AIRFLOW_ID_MAX, airflowSlug, dagIdFor } from './airflow-names.ts';

/** One task of the run's DAG: a stage, or a load task of a table (one per key range when split). */
export interface DagTask {
  /** Airflow `task_id`: `extract`, `load_facts.invoice_line`, `load_facts.invoice_line.part_3`. */
  readonly id: string;
  readonly kind: 'stage' | 'load';
  readonly stage: StageId;
  /** The task ids it waits for. */
  readonly upstream: readonly string[];
  /** Source, target, rows estimated and mode for a load task; what the stage does for a stage. */
  readonly description: string;
  /** Load tasks only: the mapping (`m3`) whose mapping page the task opens. */
  readonly mappingId?: string;
  readonly source?: string;
  readonly target?: string;
  readonly rowsEstimated?: number;
  readonly mode?: LoadMode;
  /** Key-range part, 1-based, and how many parts the table loads in. */
  readonly part?: number;
  readonly parts?: number;
}

export interface RunDag {
  /** `databridge__<project slug>`, valid under Airflow's rules. */
  readonly dagId: string;
  readonly description: string;
  /** Parents before children: a task comes after every task it waits for. */
  readonly tasks: readonly DagTask[];
  /** Every dependency once, `from` upstream of `to`. */
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

const STAGE_DESCRIPTIONS: Record<StageId, string> = {
  extract: 'Reads every mapped source table (or copies it once into staging).',
  transform: 'Converts and checks each row against its target column.',
  load_dimensions: 'Done once every table another table references is loaded.',
  load_facts: 'Done once every other table is loaded.',
  validate: 'Compares row counts and checksums, and runs the validation rules.',
  report: 'Writes the run report.',
};

const INTEGER_KEYS = new Set(['int16', 'int32', 'int64']);

/**
 * The run of a plan as a DAG: the six stages in order, and between the stage before a load stage and
 * the load stage itself one task per table (one per key range when the table is large enough to
 * split, estimated from the source's row count as the run splits it from the exact count). A load
 * task waits for the load tasks of the tables its foreign keys reference only when those keys are
 * checked row by row (`foreignKeyCheck: per_row` on an existing table); checked after the load, the
 * tables of a stage load side by side. `projectName` defaults to the spec's name.
 */
export function buildRunDag(plan: MigrationPlan, projectName: string = plan.spec.name): RunDag {
  const { batchSize, parallelism, foreignKeyCheck } = plan.spec.pipeline;
  const loadIds = loadTaskIds(plan.mappings);
  const partsOf = new Map(plan.mappings.map((m) => [m.id, estimatedParts(m, batchSize, parallelism)]));
  const idsOf = (m: PlannedMapping): string[] => {
    const base = loadIds.get(m.id)!;
    const parts = partsOf.get(m.id)!;
    return parts < 2 ? [base] : Array.from({ length: parts }, (_, i) => `${base}.part_${i + 1}`);
  };
  const byTarget = new Map(plan.mappings.map((m) => [`${m.target.schema}.${m.target.name}`, m]));

  const tasks: DagTask[] = [];
  let previous: string | undefined;
  for (const stage of STAGES) {
    if (stage === 'load_dimensions' || stage === 'load_facts') {
      const mappings = plan.mappings.filter((m) => m.stage === stage).sort((a, b) => a.level - b.level);
      const inStage: string[] = [];
      for (const m of mappings) {
        const parents =
          foreignKeyCheck === 'per_row' && !m.createTarget
            ? referencedMappings(m, byTarget).filter((p) => p.stage === stage && p.level < m.level)
            : [];
        const upstream = [...(previous ? [previous] : []), ...parents.flatMap(idsOf)];
        const ids = idsOf(m);
        for (const [i, id] of ids.entries()) {
          tasks.push(loadTask(m, id, stage, upstream, ids.length > 1 ? i + 1 : undefined, ids.length));
          inStage.push(id);
        }
      }
      tasks.push(stageTask(stage, inStage.length > 0 ? inStage : previous ? [previous] : []));
    } else {
      tasks.push(stageTask(stage, previous ? [previous] : []));
    }
    previous = stage;
  }
  return {
    dagId: dagIdFor(projectName),
    description: `DataBridge project “${projectName}”: ${plan.mappings.length} table${plan.mappings.length === 1 ? '' : 's'} in ${tasks.filter((t) => t.kind === 'load').length} load tasks`,
    tasks,
    edges: tasks.flatMap((t) => t.upstream.map((from) => ({ from, to: t.id }))),
  };
}

function stageTask(stage: StageId, upstream: readonly string[]): DagTask {
  return { id: stage, kind: 'stage', stage, upstream, description: STAGE_DESCRIPTIONS[stage] };
}

function loadTask(
  m: PlannedMapping,
  id: string,
  stage: StageId,
  upstream: readonly string[],
  part: number | undefined,
  parts: number,
): DagTask {
  const source = `${m.source.schema}.${m.source.name}`;
  const target = `${m.target.schema}.${m.target.name}`;
  const rows = m.source.rowEstimate;
  const partText = part ? `, key range ${part} of ${parts}` : '';
  return {
    id,
    kind: 'load',
    stage,
    upstream,
    description: `${source} → ${target}: about ${rows.toLocaleString('en-US')} rows, ${m.mode}${m.createTarget ? ' into a created table' : ''}${partText}`,
    mappingId: m.id,
    source,
    target,
    rowsEstimated: rows,
    mode: m.mode,
    ...(part ? { part, parts } : {}),
  };
}

/** Mappings writing the tables this mapping's target references (itself excluded). */
function referencedMappings(
  m: PlannedMapping,
  byTarget: ReadonlyMap<string, PlannedMapping>,
): PlannedMapping[] {
  const own = `${m.target.schema}.${m.target.name}`;
  const found = new Set<PlannedMapping>();
  for (const fk of m.target.foreignKeys) {
    const parent = `${fk.referencedSchema}.${fk.referencedTable}`;
    const mapping = byTarget.get(parent);
    if (parent !== own && mapping) found.add(mapping);
  }
  return [...found];
}

/** As planTasks splits: a single integer key, not `replace`, and at least two batches per part. */
function estimatedParts(m: PlannedMapping, batchSize: number, parallelism: number): number {
  const key = m.sourceKey.length === 1 ? m.source.columns.find((c) => c.name === m.sourceKey[0]) : undefined;
  if (!key || !INTEGER_KEYS.has(key.type) || m.mode === 'replace') return 1;
  const parts = Math.min(parallelism, Math.floor(m.source.rowEstimate / batchSize));
  return parts < 2 ? 1 : parts;
}

/**
 * `<stage>.<target table slug>` per mapping; the schema joins the name when two targets share a
 * name, and a number when two mappings share a target. Cut to leave room for `.part_16`.
 */
function loadTaskIds(mappings: readonly PlannedMapping[]): Map<string, string> {
  const taken = new Set<string>();
  const ids = new Map<string, string>();
  for (const m of mappings) {
    const shared = new Set(
      mappings.filter((o) => o.target.name === m.target.name).map((o) => o.target.schema),
    );
    const name = shared.size > 1 ? `${m.target.schema}_${m.target.name}` : m.target.name;
    const base = `${m.stage}.${(airflowSlug(name) || m.id).slice(0, AIRFLOW_ID_MAX - 40)}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    ids.set(m.id, id);
  }
  return ids;
}
