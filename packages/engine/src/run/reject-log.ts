import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../private-files.ts';
import type { RejectedRow } from './rejected-row.ts';

const SAMPLES = 20;

/**
 * Rejected rows of a run: one JSON-lines file per mapping under `<report folder>/rejects/`, plus the
 * first few of each kept for the report. Counts that must survive a crash travel in the checkpoints.
 */
export class RejectLog {
  private readonly samples = new Map<string, RejectedRow[]>();
  private readonly paths = new Map<string, string>();

  constructor(private readonly dir: string) {}

  record(rows: readonly RejectedRow[]): void {
    if (rows.length === 0) return;
    makePrivateDir(this.dir);
    const byMapping = new Map<string, RejectedRow[]>();
    for (const r of rows) byMapping.set(r.mappingId, [...(byMapping.get(r.mappingId) ?? []), r]);
    for (const [mappingId, list] of byMapping) {
      const path = this.pathOf(mappingId, list[0]!.table);
      appendFileSync(path, list.map((r) => JSON.stringify(r)).join('\n') + '\n', { mode: PRIVATE_FILE_MODE });
      const kept = this.samples.get(mappingId) ?? [];
      kept.push(...list.slice(0, SAMPLES - kept.length));
      this.samples.set(mappingId, kept);
    }
  }

  /**
   * Forgets what a mapping's file holds, so that it can be written again from the start: for a stage
   * that records all of a mapping's rejected rows at once, repeated after a crash (the cleanse).
   */
  restart(mappingId: string, table: string): void {
    rmSync(this.pathFor(mappingId, table), { force: true });
    this.samples.delete(mappingId);
  }

  /** The first rejected rows of a mapping (at most 20). */
  samplesOf(mappingId: string): readonly RejectedRow[] {
    return this.samples.get(mappingId) ?? [];
  }

  /** The rejects file of a mapping, when it has one. */
  fileOf(mappingId: string): string | null {
    return this.paths.get(mappingId) ?? null;
  }

  /** Where a mapping's rejects go; the same in every process, so a report can find another's file. */
  pathFor(mappingId: string, table: string): string {
    return join(this.dir, `${mappingId}-${table.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl`);
  }

  private pathOf(mappingId: string, table: string): string {
    let path = this.paths.get(mappingId);
    if (!path) {
      path = this.pathFor(mappingId, table);
      this.paths.set(mappingId, path);
    }
    return path;
  }
}
