import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { makePrivateDir, makePrivateFile } from '../private-files.ts';
import type { RejectedRow } from '../run/rejected-row.ts';
import {
  cursorFromJson,
  cursorToJson,
  EMPTY_NOTES,
  type NewRun,
  REJECTED_SAMPLES,
  type RunNotes,
  type RunRecord,
  type RunStateStore,
  type RunStatus,
  rangeFromJson,
  rangeToJson,
  type TaskRecord,
} from '../run/run-state.ts';
import type { RunSummary } from '../run/run-summary.ts';
import type { SavedCursor, SourceColumn } from '../run/sync-window.ts';
import type { Value } from '../values.ts';

/** The CLI's record of runs: a local SQLite file (`.databridge/state.sqlite`). */
export class SqliteRunState implements RunStateStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    makePrivateDir(dirname(file));
    makePrivateFile(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
  }

  async createRun(run: NewRun, tasks: readonly TaskRecord[]): Promise<void> {
    const insertTask = this.db.prepare(
      'INSERT INTO tasks (run_id, task_id, mapping_id, range_json) VALUES (?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO runs (id, spec_name, spec_hash, status, started_at, target_before, plan, rows_total)
           VALUES (?, ?, ?, 'running', ?, ?, ?, ?)`,
        )
        .run(
          run.id,
          run.specName,
          run.specHash,
          run.startedAt,
          JSON.stringify(run.targetBefore),
          run.plan,
          JSON.stringify(run.rowsTotal),
        );
      for (const t of tasks) insertTask.run(run.id, t.id, t.mappingId, t.range ? rangeToJson(t.range) : null);
    })();
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      specName: row.spec_name,
      specHash: row.spec_hash,
      status: row.status as RunStatus,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      targetBefore: JSON.parse(row.target_before || '{}'),
      plan: row.plan ?? '',
      rowsTotal: JSON.parse(row.rows_total || '{}'),
      preHooksDone: row.pre_hooks_done === 1,
    };
  }

  async tasks(runId: string): Promise<TaskRecord[]> {
    const rows = this.db.prepare('SELECT * FROM tasks WHERE run_id = ? ORDER BY rowid').all(runId) as Record<
      string,
      string | null
    >[];
    return rows.map((r) => ({
      id: r.task_id!,
      mappingId: r.mapping_id!,
      range: r.range_json ? rangeFromJson(r.range_json) : null,
    }));
  }

  async finishRun(id: string, status: RunStatus, summary: RunSummary): Promise<void> {
    this.db
      .prepare('UPDATE runs SET status = ?, ended_at = ?, summary = ? WHERE id = ?')
      .run(status, new Date().toISOString(), JSON.stringify(summary), id);
  }

  /** The summary a finished run was recorded with, for rewriting its report; undefined before it finished. */
  finishedSummary(id: string): RunSummary | undefined {
    const row = this.db.prepare('SELECT summary FROM runs WHERE id = ?').get(id) as
      | { summary: string | null }
      | undefined;
    return row?.summary ? (JSON.parse(row.summary) as RunSummary) : undefined;
  }

  async markPreHooksDone(id: string): Promise<void> {
    this.db.prepare('UPDATE runs SET pre_hooks_done = 1 WHERE id = ?').run(id);
  }

  async markRunning(id: string): Promise<void> {
    this.db.prepare("UPDATE runs SET status = 'running', ended_at = NULL WHERE id = ?").run(id);
  }

  async saveNotes(id: string, notes: Partial<RunNotes>): Promise<void> {
    const merged = { ...(await this.notes(id)), ...notes };
    this.db
      .prepare(
        'INSERT INTO run_notes (run_id, notes) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET notes = excluded.notes',
      )
      .run(id, JSON.stringify(merged));
  }

  async notes(id: string): Promise<RunNotes> {
    const row = this.db.prepare('SELECT notes FROM run_notes WHERE run_id = ?').get(id) as
      | { notes: string | null }
      | undefined;
    return { ...EMPTY_NOTES, ...(row?.notes ? JSON.parse(row.notes) : {}) };
  }

  async addRejectedSamples(id: string, mappingId: string, rows: readonly RejectedRow[]): Promise<void> {
    const insert = this.db.prepare(
      'INSERT INTO rejected_samples (run_id, mapping_id, row_json) VALUES (?, ?, ?)',
    );
    this.db.transaction(() => {
      const { n } = this.db
        .prepare('SELECT count(*) AS n FROM rejected_samples WHERE run_id = ? AND mapping_id = ?')
        .get(id, mappingId) as { n: number };
      for (const r of rows.slice(0, Math.max(0, REJECTED_SAMPLES - n)))
        insert.run(id, mappingId, JSON.stringify(r));
    })();
  }

  async rejectedSamples(id: string): Promise<RejectedRow[]> {
    const rows = this.db
      .prepare('SELECT row_json FROM rejected_samples WHERE run_id = ? ORDER BY rowid')
      .all(id) as { row_json: string }[];
    return rows.map((r) => JSON.parse(r.row_json));
  }

  async savedCursors(_runId: string, specName: string): Promise<Record<string, SavedCursor>> {
    const rows = this.db
      .prepare(
        'SELECT mapping_key, value_json, run_id, saved_at, columns_json FROM sync_cursors WHERE spec_name = ?',
      )
      .all(specName) as {
      mapping_key: string;
      value_json: string;
      run_id: string;
      saved_at: string;
      columns_json: string | null;
    }[];
    return Object.fromEntries(
      rows.map((r) => [
        r.mapping_key,
        {
          value: cursorFromJson(r.value_json),
          runId: r.run_id,
          savedAt: r.saved_at,
          ...(r.columns_json ? { columns: JSON.parse(r.columns_json) as SourceColumn[] } : {}),
        },
      ]),
    );
  }

  async saveCursors(
    runId: string,
    specName: string,
    cursors: Readonly<Record<string, Value>>,
    columns: Readonly<Record<string, readonly SourceColumn[]>> = {},
  ): Promise<void> {
    const upsert = this.db.prepare(
      `INSERT INTO sync_cursors (spec_name, mapping_key, value_json, run_id, saved_at, columns_json)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (spec_name, mapping_key) DO UPDATE SET value_json = excluded.value_json,
         run_id = excluded.run_id, saved_at = excluded.saved_at, columns_json = excluded.columns_json`,
    );
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(cursors)) {
        const kept = columns[key] ? JSON.stringify(columns[key]) : null;
        upsert.run(specName, key, cursorToJson(value), runId, now, kept);
      }
    })();
  }

  /**
   * Forgets the saved cursors of a spec (of one mapping, by its cursorKey), so that the next run of
   * each is a full load; returns the keys forgotten.
   */
  resetCursors(specName: string, mappingKey?: string): string[] {
    const rows = this.db
      .prepare(
        `DELETE FROM sync_cursors WHERE spec_name = ?${mappingKey ? ' AND mapping_key = ?' : ''} RETURNING mapping_key`,
      )
      .all(...(mappingKey ? [specName, mappingKey] : [specName])) as { mapping_key: string }[];
    return rows.map((r) => r.mapping_key).sort();
  }

  close(): void {
    this.db.close();
  }
}

interface RunRow {
  id: string;
  spec_name: string;
  spec_hash: string;
  status: string;
  started_at: string;
  ended_at: string | null;
  target_before: string;
  plan: string | null;
  rows_total: string | null;
  pre_hooks_done: number;
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
  // Runs recorded before plans were kept have none: a resume of one re-plans, as it did then.
  `ALTER TABLE runs ADD COLUMN plan TEXT;
   ALTER TABLE runs ADD COLUMN rows_total TEXT;
   CREATE TABLE run_notes (run_id TEXT PRIMARY KEY, notes TEXT NOT NULL);
   CREATE TABLE rejected_samples (run_id TEXT NOT NULL, mapping_id TEXT NOT NULL, row_json TEXT NOT NULL);
   CREATE INDEX rejected_samples_run ON rejected_samples (run_id, mapping_id);`,
  // Incremental mappings' cursors, per spec name and mapping (sync-window.ts cursorKey).
  `CREATE TABLE sync_cursors (
     spec_name TEXT NOT NULL, mapping_key TEXT NOT NULL, value_json TEXT NOT NULL, run_id TEXT NOT NULL,
     saved_at TEXT NOT NULL, columns_json TEXT, PRIMARY KEY (spec_name, mapping_key));`,
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
