import type {
  Connection,
  LoadSession,
  ReadRequest,
  SnapshotGuarantee,
  SnapshotKind,
  SourceSnapshot,
} from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import { decodePosition, encodePosition } from '../run/key-codec.ts';
import type { ReadLayout } from '../run/read-layout.ts';
import type { TaskRecord } from '../run/run-state.ts';
import { pageRequest } from '../run/run-task.ts';
import { runPool } from '../run/task-pool.ts';
import type { TableRef } from '../schema/model.ts';
import type { Value } from '../values.ts';
import { encodeStagedRow } from './staged-rows.ts';
import { createStagedTableSql, STAGED_COLUMNS, stagedTable } from './staged-tables.ts';

export interface StageExtractInput {
  readonly runId: string;
  /** The run's schema in the staging database. */
  readonly schema: string;
  readonly staging: Connection;
  readonly source: Connection;
  readonly tasks: readonly TaskRecord[];
  mapping(id: string): PlannedMapping;
  layout(mappingId: string): ReadLayout;
  readonly batchSize: number;
  readonly parallelism: number;
  readonly signal: AbortSignal;
}

/** The guarantee, and what the report needs to explain it. */
export interface ExtractSnapshot {
  readonly guarantee: SnapshotGuarantee;
  /** The kind of this attempt's snapshot, when the extract resumed (`per_attempt`). */
  readonly attempt?: SnapshotKind;
  readonly readers: number;
  readonly withoutSnapshot: readonly TableRef[];
  readonly noLock?: SourceSnapshot['noLock'];
}

/** The checkpoint id of a task's copy into staging, beside the load checkpoints of the same run. */
export const stagedTaskId = (taskId: string) => `stage:${taskId}`;

/**
 * Copies every task's rows (the mapping's selected columns, its filter, the task's key range) from the
 * source into the run's staging schema with COPY, tasks side by side up to `parallelism`. A keyed
 * task commits each batch with its checkpoint in the staging database, so a killed extract resumes
 * after the last committed key; a task without a key copies in one transaction, which a resume starts
 * over. Tasks already copied are not read again.
 */
export async function stageExtract(input: StageExtractInput): Promise<ExtractSnapshot | undefined> {
  await input.staging.query(
    `CREATE SCHEMA IF NOT EXISTS ${input.staging.dialect.quoteIdentifier(input.schema)}`,
  );
  await input.staging.ensureCheckpointTable();
  const checkpoints = new Map((await input.staging.readCheckpoints(input.runId)).map((c) => [c.taskId, c]));
  const left = input.tasks.filter((t) => !checkpoints.get(stagedTaskId(t.id))?.done);
  if (left.length === 0) return undefined;
  const readers = Math.max(1, Math.min(input.parallelism, left.length));
  // Taken after the counts and key ranges: the first and last ranges are open, so every row of the
  // snapshot falls in one of them whatever changed since.
  const snapshot = await input.source.openSnapshot?.({ readers, tables: sourceTables(input, left) });
  try {
    await runPool(
      left,
      readers,
      (task) => stageTask(input, task, checkpoints.get(stagedTaskId(task.id))?.position, snapshot?.id),
      () => {},
    );
  } finally {
    await snapshot?.release();
  }
  if (!snapshot) return { guarantee: 'per_reader', readers, withoutSnapshot: [] };
  const { kind, withoutSnapshot, noLock } = snapshot;
  const common = { readers, withoutSnapshot, ...(noLock ? { noLock } : {}) };
  return checkpoints.size > 0
    ? { guarantee: 'per_attempt', attempt: kind, ...common }
    : { guarantee: kind, ...common };
}

/** The distinct source tables of these tasks. */
function sourceTables(input: StageExtractInput, tasks: readonly TaskRecord[]): TableRef[] {
  const tables = new Map<string, TableRef>();
  for (const t of tasks) {
    const { schema, name } = input.mapping(t.mappingId).source;
    tables.set(JSON.stringify([schema, name]), { schema, name });
  }
  return [...tables.values()];
}

async function stageTask(
  input: StageExtractInput,
  task: TaskRecord,
  position: string | undefined,
  snapshot: string | undefined,
) {
  const mapping = input.mapping(task.mappingId);
  const layout = input.layout(mapping.id);
  const table = stagedTable(input.schema, task.id);
  for (const sql of createStagedTableSql(input.staging.dialect.qualify(table)))
    await input.staging.query(sql);
  const keyed = mapping.sourceKey.length > 0;
  const start = position ? decodePosition(position) : undefined;
  const base: ReadRequest = {
    table: mapping.source,
    select: layout.select,
    ...(task.range ? { range: task.range } : {}),
    ...(mapping.where ? { where: mapping.where } : {}),
    ...(keyed ? { orderBy: mapping.sourceKey } : {}),
    ...(snapshot ? { snapshot } : {}),
  };
  const request = keyed ? pageRequest(base, start?.key) : base;
  const target = { table, columns: STAGED_COLUMNS };
  let seq = keyed && start ? await lastSeq(input, task.id) : 0;
  let session: LoadSession | undefined;
  let lastKey: Value[] | undefined = start?.key;
  let inBatch = 0;
  const commit = async (done: boolean) => {
    session ??= await input.staging.loader.begin();
    await session.writeCheckpoint({
      runId: input.runId,
      taskId: stagedTaskId(task.id),
      position: encodePosition({ key: lastKey, rejected: 0 }),
      rowsWritten: seq,
      done,
    });
    await session.commit();
    await session.rollback();
    session = undefined;
    inBatch = 0;
  };
  try {
    session = await input.staging.loader.begin();
    // A task without a key starts over: what an earlier try copied goes in the same transaction.
    if (!keyed) await session.truncate(table);
    for await (const rows of input.source.reader.stream(
      request,
      Math.min(input.batchSize, 2_000),
      input.signal,
    )) {
      const staged = rows.map((row) => {
        const key = keyed ? layout.keyIndex.map((k) => row[k]!) : undefined;
        return [++seq, key ? encodeStagedKey(key) : null, encodeStagedRow(row)];
      });
      session ??= await input.staging.loader.begin();
      await session.write(target, staged, 'append', []);
      if (keyed) lastKey = layout.keyIndex.map((k) => rows[rows.length - 1]![k]!);
      inBatch += rows.length;
      if (keyed && inBatch >= input.batchSize) await commit(false);
      if (input.signal.aborted) throw new DataBridgeError('cancelled', 'the run was cancelled');
    }
    await commit(true);
  } finally {
    await session?.rollback();
  }
}

/** The key of a staged row as the loads' checkpoints will name it (see StagedSource). */
export function encodeStagedKey(key: readonly Value[]): string {
  return encodeStagedRow(key);
}

async function lastSeq(input: StageExtractInput, taskId: string): Promise<number> {
  const table = input.staging.dialect.qualify(stagedTable(input.schema, taskId));
  const [row] = await input.staging.query(`SELECT coalesce(max(seq), 0) AS seq FROM ${table}`);
  return Number(row?.seq ?? 0);
}
