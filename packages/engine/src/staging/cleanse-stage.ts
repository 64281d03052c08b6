import { isTransientFailure } from '../connectors/classify-error.ts';
import type { Connection } from '../connectors/connection.ts';
import { DataBridgeError, messageOf } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { ReadLayout } from '../run/read-layout.ts';
import type { RejectLog } from '../run/reject-log.ts';
import { type RejectedRow, rowObject } from '../run/rejected-row.ts';
import { REJECTED_SAMPLES, type RunStateStore, type TaskRecord } from '../run/run-state.ts';
import type { DialectName } from '../schema/model.ts';
import type { PipelineSettings, TableMapping } from '../spec/spec-schema.ts';
import { checkStatements } from './cleanse-checks.ts';
import { CLEANSE_STEPS, type CleanseSummary } from './cleanse-counts.ts';
import { dedupeByDesign, dedupeStatement } from './cleanse-dedupe.ts';
import type { CleanseMapping, StagedRejection } from './cleanse-mapping.ts';
import { transformRowsHoldingNul, transformStatements } from './cleanse-transforms.ts';
import { jsonParsesSql, rejectBadTypes, typeChecks } from './cleanse-types.ts';
import { decodeStagedRow } from './staged-rows.ts';
import { createStagedTableSql, stagedTable } from './staged-tables.ts';

export interface CleanseInput {
  readonly runId: string;
  /** The run's schema in the staging database. */
  readonly schema: string;
  readonly staging: Connection;
  readonly mappings: readonly PlannedMapping[];
  /** The spec's mappings, in spec order (PlannedMapping.index points into them). */
  readonly specMappings: readonly TableMapping[];
  readonly tasks: readonly TaskRecord[];
  layout(mappingId: string): ReadLayout;
  /** `pipeline.validation.rows`. */
  readonly checkNotNull: boolean;
  /** The run's pipeline settings and databases, which the load converts values with. */
  readonly pipeline: PipelineSettings;
  readonly dialects: { readonly source: DialectName; readonly target: DialectName };
  readonly state: RunStateStore;
  readonly rejects: RejectLog;
  readonly signal: AbortSignal;
}

/** The checkpoint id of a mapping's cleanse in the staging database, beside the extract's. */
export const cleanseTaskId = (mappingId: string) => `cleanse:${mappingId}`;

/** Rejected rows read back from staging at a time, for the rejects file. */
const PAGE = 1_000;

/**
 * The cleanse stage of a staged run, mapping by mapping: the SQL transformations, the type checks,
 * the checks, then the de-duplication, all in one staging transaction committed with the mapping's checkpoint, so a
 * run killed in the middle does it again from the start and a resumed one never twice. A staged row
 * taken out keeps its reason in its `rejected` column (the loads skip it); the reasons then go to the
 * rejects file and the report like the load's rejections, and the counts to the run's notes. A
 * mapping whose counts are in the notes is done.
 */
export async function cleanseStaged(input: CleanseInput): Promise<CleanseSummary[]> {
  await input.staging.ensureCheckpointTable();
  const checkpoints = new Map((await input.staging.readCheckpoints(input.runId)).map((c) => [c.taskId, c]));
  const summaries: Record<string, CleanseSummary> = { ...(await input.state.notes(input.runId)).cleanse };
  for (const mapping of input.mappings) {
    if (summaries[mapping.id]) continue;
    if (input.signal.aborted) throw new DataBridgeError('cancelled', 'the run was cancelled');
    const c = cleanseMapping(input, mapping);
    if (!checkpoints.get(cleanseTaskId(mapping.id))?.done) await runSteps(input, c);
    summaries[mapping.id] = await countSteps(input, c);
    await recordRejected(input, c);
    await input.state.saveNotes(input.runId, { cleanse: { ...summaries } });
  }
  return input.mappings.map((m) => summaries[m.id]!);
}

function cleanseMapping(input: CleanseInput, mapping: PlannedMapping): CleanseMapping {
  const tasks = input.tasks.filter((t) => t.mappingId === mapping.id);
  return {
    mapping,
    spec: input.specMappings[mapping.index]!,
    layout: input.layout(mapping.id),
    tables: tasks.map((t) => input.staging.dialect.qualify(stagedTable(input.schema, t.id))),
    checkNotNull: input.checkNotNull,
    types: {
      dialects: input.dialects,
      pipeline: input.pipeline,
      jsonParses: input.staging.dialect.qualify({ schema: input.schema, name: 'databridge_json_parses' }),
    },
  };
}

async function runSteps(input: CleanseInput, c: CleanseMapping): Promise<void> {
  // Tables staged before the cleanse existed lack the column that keeps a row's reason.
  for (const table of c.tables) for (const sql of createStagedTableSql(table)) await input.staging.query(sql);
  if (typeChecks(c).length > 0) await input.staging.query(jsonParsesSql(c.types.jsonParses));
  // Read before the transaction: nothing but this stage writes the mapping's staged rows.
  const holdingNul = await transformRowsHoldingNul(c, (sql, params) => input.staging.query(sql, params));
  const session = await input.staging.loader.begin();
  try {
    for (const sql of transformStatements(c)) await session.execute(sql);
    for (const s of holdingNul) await session.execute(s.sql, s.params);
    await rejectBadTypes(c, (sql, params) => input.staging.query(sql, params), session);
    for (const check of checkStatements(c)) {
      try {
        await session.execute(check.sql);
      } catch (error) {
        if (!check.where || isTransientFailure(error)) throw error;
        throw new DataBridgeError(
          'bad_spec',
          `check "${check.name}" of ${c.mapping.source.name} -> ${c.mapping.target.name} cannot run in the staging database (${messageOf(error)}): a check is a PostgreSQL condition over the source columns the mapping copies`,
          { where: check.where, cause: error },
        );
      }
    }
    const dedupe = dedupeStatement(c);
    if (dedupe) await session.execute(dedupe);
    await session.writeCheckpoint({
      runId: input.runId,
      taskId: cleanseTaskId(c.mapping.id),
      position: '{}',
      rowsWritten: 0,
      done: true,
    });
    await session.commit();
  } finally {
    await session.rollback();
  }
}

async function countSteps(input: CleanseInput, c: CleanseMapping): Promise<CleanseSummary> {
  const counts = { staged: 0, transforms: 0, types: 0, checks: 0, dedupe: 0 };
  for (const table of c.tables) {
    const [row] = await input.staging.query(
      `SELECT count(*) AS staged, ${CLEANSE_STEPS.map((s) => `count(*) FILTER (WHERE rejected->>'step' = '${s}') AS ${s}`).join(', ')} FROM ${table}`,
    );
    counts.staged += Number(row?.staged ?? 0);
    for (const s of CLEANSE_STEPS) counts[s] += Number(row?.[s] ?? 0);
  }
  let left = counts.staged;
  const steps = CLEANSE_STEPS.map((step) => {
    const rowsIn = left;
    left -= counts[step];
    return {
      step,
      rowsIn,
      rejected: counts[step],
      rowsOut: left,
      byDesign: step === 'dedupe' && dedupeByDesign(c),
    };
  });
  return {
    mappingId: c.mapping.id,
    table: `${c.mapping.target.schema}.${c.mapping.target.name}`,
    staged: counts.staged,
    steps,
    passed: left,
  };
}

/** The rows the cleanse took out, into the rejects file and the report's samples, once. */
async function recordRejected(input: CleanseInput, c: CleanseMapping): Promise<void> {
  const names = c.layout.select.map((s) => ('column' in s ? s.column : s.expression));
  const table = `${c.mapping.target.schema}.${c.mapping.target.name}`;
  // A process killed while recording left part of them: the mapping's loads have not run yet (they
  // come after this stage), so its rejects file holds nothing else and is written again whole, and
  // the samples an earlier attempt kept stay as they are.
  input.rejects.restart(c.mapping.id, table);
  const kept = (await input.state.rejectedSamples(input.runId)).some((r) => r.mappingId === c.mapping.id);
  let samples = kept ? REJECTED_SAMPLES : 0;
  for (const staged of c.tables) {
    let after = 0;
    for (;;) {
      const page = await input.staging.query(
        `SELECT seq, row, rejected FROM ${staged} WHERE rejected IS NOT NULL AND seq > $1 ORDER BY seq LIMIT ${PAGE}`,
        [after],
      );
      if (page.length === 0) break;
      after = Number(page[page.length - 1]!.seq);
      const rows = page.map((r): RejectedRow => {
        const why = (typeof r.rejected === 'string' ? JSON.parse(r.rejected) : r.rejected) as StagedRejection;
        return {
          mappingId: c.mapping.id,
          table,
          column: why.column,
          value: why.exactValue === undefined ? why.value : (JSON.parse(why.exactValue) as string),
          reason: why.reason,
          code: why.code,
          row: rowObject(names, decodeStagedRow(String(r.row))),
        };
      });
      input.rejects.record(rows);
      if (samples < REJECTED_SAMPLES) await input.state.addRejectedSamples(input.runId, c.mapping.id, rows);
      samples += rows.length;
    }
  }
}
