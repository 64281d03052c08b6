import {
  buildRunDag,
  type MappingPreview,
  type PlanWarning,
  parseConnectionUrl,
  peopleError,
  planMigration,
  previewMigration,
  type RunDag,
  STAGES,
  type StageId,
  type WarningKind,
} from '@databridge/engine';
import { runnableSpec } from '@databridge/store';
import { z } from 'zod';
import { type AlertDeliveryProblem, alertDeliveryProblems } from '../alerts/delivery-problems.ts';
import { smtpStatus } from '../alerts/smtp-settings.ts';
import type { ServiceContext } from '../context.ts';
import { withLogicalDate } from '../run/execution-spec.ts';
import { maskSecrets } from './mask-secrets.ts';
import { requireProject } from './projects-service.ts';
import { ServiceError, toServiceError } from './service-error.ts';
import { checkSqliteLocation } from './sqlite-files.ts';

/** Query of `GET /api/projects/[id]/preview`. */
export const PreviewQuery = z
  .object({
    /** Sample rows per mapping, 1 to 10 (default 10). */
    rows: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be from 1 to 10')
      .max(10, 'must be from 1 to 10')
      .default(10),
    /** Only the mappings reading or writing this table. */
    table: z.string().trim().min(1, 'must not be empty').max(255).optional(),
  })
  .strict();
export type PreviewQuery = z.input<typeof PreviewQuery>;

/** The wizard step a plan warning is fixed in. */
export type WarningFixStep = 'tables' | 'columns' | 'pipeline';

const FIX_STEP: Record<WarningKind, WarningFixStep> = {
  type_compatibility: 'columns',
  null_constraint: 'columns',
  primary_key_conflict: 'tables',
  schema_mismatch: 'tables',
  foreign_key: 'tables',
  schema_object: 'pipeline',
  source_snapshot: 'pipeline',
};

export interface PlanStageTable {
  readonly mappingId: string;
  readonly source: string;
  readonly target: string;
  /** The run creates the target table. */
  readonly createTarget: boolean;
  /** Foreign-key level inside a load stage: 0 loads first. */
  readonly level: number;
}

/** The run's DAG: its six stages in order, each with the tables it works on. */
export interface PlanStage {
  readonly id: StageId;
  readonly tables: readonly PlanStageTable[];
}

export interface ProjectPreview {
  readonly stages: readonly PlanStage[];
  /** The run as a DAG of stages and load tasks: what step 5's Graph draws. */
  readonly dag: RunDag;
  readonly warnings: readonly (PlanWarning & { readonly step: WarningFixStep })[];
  /** Why the schedule's alerts would not arrive (fixed in step 4, the schedule). */
  readonly alertProblems: readonly AlertDeliveryProblem[];
  readonly mappings: readonly MappingPreview[];
  /** The DDL the run executes for the tables it creates, in its order (what `databridge plan --ddl` prints). */
  readonly ddl: { readonly beforeLoad: readonly string[]; readonly afterLoad: readonly string[] };
}

/**
 * Plans the project's saved spec against both databases and runs the first rows (default 10) of each
 * mapping through its transformations without writing anything: the DAG of the run, the plan's
 * warnings with the step that fixes each, and per mapping the rows as read beside the rows the target
 * would get, rejected rows with their reason. `bad_input` for a spec the plan refuses (unknown table
 * or column, bad SQL), `unavailable` when a database does not answer. Never returns a password.
 */
export async function previewProject(
  ctx: Pick<ServiceContext, 'store' | 'env'>,
  id: string,
  query: PreviewQuery = {},
): Promise<ProjectPreview> {
  const options = PreviewQuery.parse(query, { error: peopleError });
  const project = await requireProject(ctx, id);
  // A preview reads as a run started now would: `{{logical_date}}` in a filter is the current time.
  const saved = await runnableSpec(ctx.store, id).catch((error: unknown) => {
    throw toServiceError(error);
  });
  const spec = withLogicalDate(saved, new Date());
  const secrets = [spec.source.url, spec.target.url]
    .map((url) => parseConnectionUrl(url).password)
    .filter((p): p is string => Boolean(p));
  const sourceFolder = checkSqliteLocation(ctx.env, spec.source.url, 'source.url');
  const sqliteFolder = checkSqliteLocation(ctx.env, spec.target.url, 'target.url') ?? sourceFolder;
  try {
    const plan = await planMigration(spec, undefined, sqliteFolder, ctx.env.staging);
    const mappings = await previewMigration({
      spec,
      ...(sqliteFolder ? { sqliteFolder } : {}),
      rows: options.rows,
      ...(options.table ? { table: options.table } : {}),
    });
    const table = (m: (typeof plan.mappings)[number]): PlanStageTable => ({
      mappingId: m.id,
      source: `${m.source.schema}.${m.source.name}`,
      target: `${m.target.schema}.${m.target.name}`,
      createTarget: m.createTarget,
      level: m.level,
    });
    const validates = Object.values(spec.pipeline.validation).some(Boolean) || spec.pipeline.rules.length > 0;
    const stages: PlanStage[] = STAGES.map((stage) => ({
      id: stage,
      tables:
        stage === 'load_dimensions' || stage === 'load_facts'
          ? plan.mappings
              .filter((m) => m.stage === stage)
              .sort((a, b) => a.level - b.level)
              .map(table)
          : stage === 'report' || (stage === 'validate' && !validates)
            ? []
            : plan.mappings.map(table),
    }));
    const view: ProjectPreview = {
      stages,
      dag: buildRunDag(plan, project.name),
      warnings: plan.warnings.map((w) => ({ ...w, step: FIX_STEP[w.kind] })),
      alertProblems: alertDeliveryProblems(spec.schedule?.alerts, smtpStatus()),
      mappings,
      ddl: {
        beforeLoad: (plan.ddl?.beforeLoad ?? []).map((s) => s.sql),
        afterLoad: (plan.ddl?.afterLoad ?? []).map((s) => s.sql),
      },
    };
    return withoutSecrets(view, secrets);
  } catch (error) {
    const failure = toServiceError(error);
    // A spec the plan refuses is the user's to fix: 400 with the engine's message.
    const code = failure.code === 'internal' && isPlanError(error) ? 'bad_input' : failure.code;
    throw new ServiceError(code, scrub(failure.message, secrets), { cause: error });
  }
}

function isPlanError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'bad_spec' || code === 'unknown_table' || code === 'unknown_column';
}

function scrub(text: string, secrets: readonly string[]): string {
  return maskSecrets(text, secrets);
}

/** A sample row could in principle echo a password stored in a table: mask it like any other. */
function withoutSecrets<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const text = JSON.stringify(value);
  const clean = scrub(
    text,
    secrets.map((s) => JSON.stringify(s).slice(1, -1)),
  );
  return clean === text ? value : (JSON.parse(clean) as T);
}
