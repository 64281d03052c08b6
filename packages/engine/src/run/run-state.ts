import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { KeyRange } from '../connectors/connection.ts';

/**
 * The CLI's local record of runs: which spec, which tasks (with their key ranges, fixed at the start so
 * a resume splits the work exactly as before) and how each run ended. Checkpoints themselves live in
 * the target, committed with each batch; the metadata store of a later issue takes this role over.
 */
export interface RunRecord {
  readonly id: string;
  readonly specName: string;
  readonly specHash: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** Target row counts before the first load, by target table, for the validate stage. */
  readonly targetBefore: Record<string, number>;
}

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface TaskRecord {
  readonly id: string;
  readonly mappingId: string;
  readonly range: KeyRange | null;
}

export class RunState {
  private readonly db: Database.Database;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    migrate(this.db);
  }

  createRun(run: Omit<RunRecord, 'endedAt' | 'status'>, tasks: readonly TaskRecord[]): void {
    const insertTask = this.db.prepare(
      'INSERT INTO tasks (run_id, task_id, mapping_id, range_json) VALUES (?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO runs (id, spec_name, spec_hash, status, started_at, target_before) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(run.id, run.specName, run.specHash, 'running', run.startedAt, JSON.stringify(run.targetBefore));
      for (const t of tasks)
        insertTask.run(run.id, t.id, t.mappingId, t.range ? JSON.stringify(rangeToJson(t.range)) : null);
    })();
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as
      | Record<string, string | null>
      | undefined;
    if (!row) return undefined;
    return {
      id: row.id!,
      specName: row.spec_name!,
      specHash: row.spec_hash!,
      status: row.status as RunStatus,
      startedAt: row.started_at!,
      endedAt: row.ended_at ?? null,
      targetBefore: JSON.parse(row.target_before ?? '{}'),
    };
  }

  tasks(runId: string): TaskRecord[] {
    const rows = this.db.prepare('SELECT * FROM tasks WHERE run_id = ? ORDER BY rowid').all(runId) as Record<
      string,
      string | null
    >[];
    return rows.map((r) => ({
      id: r.task_id!,
      mappingId: r.mapping_id!,
      range: r.range_json ? rangeFromJson(JSON.parse(r.range_json)) : null,
    }));
  }

  finishRun(id: string, status: RunStatus, summary: unknown): void {
    this.db
      .prepare('UPDATE runs SET status = ?, ended_at = ?, summary = ? WHERE id = ?')
      .run(status, new Date().toISOString(), JSON.stringify(summary), id);
  }

  /** Pre-migration hooks ran to the end: a resume must not run them again. */
  markPreHooksDone(id: string): void {
    this.db.prepare('UPDATE runs SET pre_hooks_done = 1 WHERE id = ?').run(id);
  }

  preHooksDone(id: string): boolean {
    const row = this.db.prepare('SELECT pre_hooks_done FROM runs WHERE id = ?').get(id) as
      | { pre_hooks_done: number }
      | undefined;
    return row?.pre_hooks_done === 1;
  }

  markRunning(id: string): void {
    this.db.prepare("UPDATE runs SET status = 'running', ended_at = NULL WHERE id = ?").run(id);
  }

  close(): void {
    this.db.close();
  }
}

// Key bounds may be bigints (beyond 2^53); JSON carries them as tagged strings.
function rangeToJson(range: KeyRange): unknown {
  const enc = (v: unknown) => (typeof v === 'bigint' ? { bigint: v.toString() } : v);
  return { column: range.column, from: enc(range.from), to: enc(range.to) };
}

function rangeFromJson(json: { column: string; from?: unknown; to?: unknown }): KeyRange {
  const dec = (v: unknown) =>
    v && typeof v === 'object' && 'bigint' in v
      ? BigInt((v as { bigint: string }).bigint)
      : (v as KeyRange['from']);
  return {
    column: json.column,
    ...(json.from !== undefined && json.from !== null ? { from: dec(json.from) } : {}),
    ...(json.to !== undefined && json.to !== null ? { to: dec(json.to) } : {}),
  };
}

/**
 * The state file's schema, one step per version (PRAGMA user_version): a file written by an older
 * DataBridge is brought up to date in place when opened, keeping its runs.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS runs (
     id TEXT PRIMARY KEY, spec_name TEXT NOT NULL, spec_hash TEXT NOT NULL, status TEXT NOT NULL,
     started_at TEXT NOT NULL, ended_at TEXT, target_before TEXT NOT NULL DEFAULT '{}', summary TEXT);
   CREATE TABLE IF NOT EXISTS tasks (
     run_id TEXT NOT NULL, task_id TEXT NOT NULL, mapping_id TEXT NOT NULL, range_json TEXT,
     PRIMARY KEY (run_id, task_id));`,
  'ALTER TABLE runs ADD COLUMN pre_hooks_done INTEGER NOT NULL DEFAULT 0',
];

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      // Files from before versioning have the first tables already, and maybe the column too.
      if (v === 1 && hasColumn(db, 'runs', 'pre_hooks_done')) return;
      db.exec(MIGRATIONS[v]!);
    })();
    db.pragma(`user_version = ${v + 1}`);
  }
}

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some(
    (c) => c.name === column,
  );
}
