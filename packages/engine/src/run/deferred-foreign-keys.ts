import { classifyFailure } from '../connectors/classify-error.ts';
import type { Connection, DeclaredForeignKey } from '../connectors/connection.ts';
import { DataBridgeError, messageOf } from '../errors.ts';
import type { PlannedMapping, PlanWarning } from '../plan/plan-types.ts';
import type { TableRef } from '../schema/model.ts';
import type { PipelineSettings } from '../spec/spec-schema.ts';
import type { RunLog } from './run-log.ts';
import type { RunStateStore } from './run-state.ts';
import { runPool } from './task-pool.ts';

/**
 * A foreign key dropped for the load: `dropped` until it is added back, `unchecked` when it was
 * added back but the loaded rows break it (it stays NOT VALID: enforced for new rows, a retry checks
 * again), `restored` once added back and checked.
 */
export interface DeferredForeignKey extends DeclaredForeignKey {
  readonly state: 'dropped' | 'unchecked' | 'restored';
  /** Why the last attempt left it dropped or unchecked; cleared once it is restored. */
  readonly problem?: string;
}

const qualified = (t: TableRef) => `${t.schema}.${t.name}`;

/**
 * The existing target tables whose foreign keys can wait for the end of the load: tables that held
 * nothing before the run (or are replaced by it) and that this run appends to. A table that holds
 * other rows keeps its constraints: its users may be writing to it.
 */
export function tablesToDefer(
  mappings: readonly PlannedMapping[],
  settings: Pick<PipelineSettings, 'foreignKeyCheck'>,
  targetBefore: Readonly<Record<string, number>>,
): TableRef[] {
  if (settings.foreignKeyCheck !== 'after_load') return [];
  const tables = new Map<string, TableRef>();
  const excluded = new Set<string>();
  for (const m of mappings) {
    const key = qualified(m.target);
    const eligible =
      !m.createTarget && m.mode !== 'upsert' && (m.mode === 'replace' || targetBefore[key] === 0);
    if (!eligible) excluded.add(key);
    else tables.set(key, { schema: m.target.schema, name: m.target.name });
  }
  return [...tables].filter(([key]) => !excluded.has(key)).map(([, t]) => t);
}

/**
 * Records the tables' foreign keys in the run state, then drops them. The record comes first, so a
 * crash between the two still leaves the run knowing what to add back.
 */
export async function deferForeignKeys(
  target: Connection,
  state: RunStateStore,
  runId: string,
  tables: readonly TableRef[],
  log: RunLog,
): Promise<void> {
  if (!target.foreignKeys || tables.length === 0) return;
  const declared = await target.foreignKeys.list(tables);
  if (declared.length === 0) return;
  const deferred: DeferredForeignKey[] = declared.map((fk) => ({ ...fk, state: 'dropped' }));
  await state.saveNotes(runId, { deferredForeignKeys: deferred });
  const kept: DeferredForeignKey[] = [];
  for (const fk of deferred) if (!(await target.foreignKeys.drop(fk))) kept.push(fk);
  const dropped = deferred.filter((fk) => !kept.includes(fk));
  if (kept.length > 0) {
    await state.saveNotes(runId, { deferredForeignKeys: dropped });
    log.warning('foreign keys checked row by row: only the table owner may drop them for the load', {
      constraints: kept.map(nameOf),
    });
  }
  if (dropped.length > 0)
    log.info('foreign keys dropped for the load, checked once after it', {
      constraints: dropped.map(nameOf),
    });
}

const nameOf = (fk: DeclaredForeignKey) => `${qualified(fk.table)}.${fk.name}`;

export interface RestoreOptions {
  /** Throw on the first constraint the loaded rows break (fail_fast); else report it as a warning. */
  readonly strict: boolean;
  /** Leave alone constraints a previous attempt added back unchecked (a run that already failed). */
  readonly skipUnchecked?: boolean;
  /** Keys checked at the same time (the run's parallelism); one after another when omitted. */
  readonly parallelism?: number;
}

/**
 * Adds back every foreign key this run dropped and checks the loaded rows against it in one pass.
 * Returns the warnings for constraints the rows break; under `strict`, throws instead.
 *
 * The keys are added back (NOT VALID, a moment each) one after another, then checked side by side:
 * a check holds only a lock that other checks of other tables do not wait for, whereas adding two
 * keys between the same two tables at once could deadlock.
 */
export async function restoreForeignKeys(
  target: Connection,
  state: RunStateStore,
  runId: string,
  log: RunLog,
  options: RestoreOptions,
): Promise<PlanWarning[]> {
  const control = target.foreignKeys;
  let deferred = [...(await state.notes(runId)).deferredForeignKeys];
  const pending = deferred.filter(
    (fk) => fk.state === 'dropped' || (fk.state === 'unchecked' && !options.skipUnchecked),
  );
  if (!control || pending.length === 0) return [];
  // Keys finish in any order: each save carries every change so far, saves in turn.
  let saving = Promise.resolve();
  const save = (fk: DeferredForeignKey, next: DeferredForeignKey['state'], problem?: string) => {
    deferred = deferred.map((d) =>
      d.table === fk.table && d.name === fk.name ? withState(d, next, problem) : d,
    );
    saving = saving.then(() => state.saveNotes(runId, { deferredForeignKeys: deferred }));
    return saving;
  };
  const warnings: (PlanWarning | undefined)[] = new Array(pending.length);
  const started = new Map<DeferredForeignKey, number>();
  /** A key the rows break (or that cannot come back): logged, and a warning or, when strict, the error. */
  const broken = async (
    index: number,
    fk: DeferredForeignKey,
    next: DeferredForeignKey['state'],
    error: unknown,
  ) => {
    const message =
      next === 'unchecked'
        ? `foreign key ${fk.name} is back, NOT VALID, but the loaded rows break it: ${messageOf(error)}`
        : `foreign key ${fk.name}, dropped for the load, could not be added back: ${messageOf(error)}`;
    await save(fk, next, message);
    log.error(`${qualified(fk.table)}: ${message}`);
    if (options.strict)
      throw new DataBridgeError('constraint_violation', `${qualified(fk.table)}: ${message}`);
    warnings[index] = {
      kind: 'foreign_key',
      table: qualified(fk.table),
      message,
      fix:
        next === 'unchecked'
          ? `load the missing parent rows, then run ALTER TABLE ${qualified(fk.table)} VALIDATE CONSTRAINT ${fk.name} (or retry the run)`
          : `add it back: ALTER TABLE ${qualified(fk.table)} ADD CONSTRAINT ${fk.name} ${fk.definition}`,
    };
  };
  /**
   * A lost connection, a timeout, a missing privilege: not the rows' fault. What was done is kept
   * (`unchecked` is checked again by the next attempt) and the error says what it is.
   */
  const notTheRows = async (fk: DeferredForeignKey, next: DeferredForeignKey['state'], error: unknown) => {
    if (classifyFailure(error) === 'constraint_violation') return false;
    await save(fk, next).catch(() => undefined);
    throw error;
  };
  /** A key back and, when it was a checked one, checked: saved and logged with its time. */
  const restored = async (fk: DeferredForeignKey, checked: boolean) => {
    await save(fk, 'restored');
    log.info(`foreign key ${nameOf(fk)} added back${checked ? ' and checked' : ''}`, {
      seconds: Number(((performance.now() - (started.get(fk) ?? 0)) / 1000).toFixed(2)),
    });
  };
  const toCheck: { fk: DeferredForeignKey; index: number }[] = [];
  for (const [index, fk] of pending.entries()) {
    started.set(fk, performance.now());
    try {
      await control.add(fk);
    } catch (error) {
      if (!(await notTheRows(fk, fk.state, error))) await broken(index, fk, fk.state, error);
      continue;
    }
    if (fk.validated) toCheck.push({ fk, index });
    else await restored(fk, false);
  }
  await runPool(
    toCheck,
    options.parallelism ?? 1,
    async ({ fk, index }) => {
      try {
        await control.validate(fk);
      } catch (error) {
        if (!(await notTheRows(fk, 'unchecked', error))) await broken(index, fk, 'unchecked', error);
        return;
      }
      await restored(fk, true);
    },
    () => {},
  );
  return warnings.filter((w): w is PlanWarning => w !== undefined);
}

function withState(
  fk: DeferredForeignKey,
  state: DeferredForeignKey['state'],
  problem: string | undefined,
): DeferredForeignKey {
  const { problem: _earlier, ...rest } = fk;
  return problem === undefined ? { ...rest, state } : { ...rest, state, problem };
}

/**
 * What the report says of the foreign keys dropped for the load, from their state now (never from an
 * earlier attempt: a key a later resume restored has no warning): a key the rows break, one that
 * could not be added back, one still dropped because the run has not gone on yet.
 */
export function stillDroppedWarnings(deferred: readonly DeferredForeignKey[]): PlanWarning[] {
  return deferred
    .filter((fk) => fk.state !== 'restored')
    .map((fk) => {
      const table = qualified(fk.table);
      if (fk.state === 'unchecked')
        return {
          kind: 'foreign_key',
          table,
          message: fk.problem ?? `foreign key ${fk.name} is back, NOT VALID, but not checked yet`,
          fix: `load the missing parent rows, then run ALTER TABLE ${table} VALIDATE CONSTRAINT ${fk.name} (or retry the run)`,
        };
      if (fk.problem)
        return {
          kind: 'foreign_key',
          table,
          message: fk.problem,
          fix: `add it back: ALTER TABLE ${table} ADD CONSTRAINT ${fk.name} ${fk.definition}`,
        };
      return {
        kind: 'foreign_key',
        table,
        message: `foreign key ${fk.name} is dropped for the load until the run goes on`,
        fix: 'resume the run (it adds the key back and checks it), or cancel it (it adds the key back)',
      };
    });
}
