import { artefactKey } from '../artefacts/artefact-keys.ts';
import type { ArtefactStore } from '../artefacts/artefact-store.ts';
import { ExtractArchivePart } from '../artefacts/extract-archive-part.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { NormalisedType } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';
import type { ArchivedPart, ArchiveState } from './key-codec.ts';
import type { ReadLayout } from './read-layout.ts';

/** Rows per archive part by default: a resumed task reads at most about this many rows again. */
export const EXTRACT_PART_ROWS = 1_000_000;

export interface ExtractArchiveSettings {
  readonly store: ArtefactStore;
  readonly runId: string;
  /** The run's: a pause or cancel stops a wait for the store. */
  readonly signal: AbortSignal;
  /** Rows after which a part is stored at the next commit. Default EXTRACT_PART_ROWS. */
  readonly partRows?: number;
}

/** The folder of a mapping's parts within the execution: `extracts/<mapping id>-<source table>`. */
export function extractFolder(mapping: PlannedMapping): string {
  return `extracts/${mapping.id}-${mapping.source.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** The archived columns: what the load reads (the mapped columns, then key columns it pages by). */
export function archivedColumns(
  mapping: PlannedMapping,
  layout: ReadLayout,
): { name: string; type: NormalisedType }[] {
  return layout.select.map((item, i) => {
    if ('column' in item) {
      const column = mapping.source.columns.find((c) => c.name === item.column);
      return { name: item.column, type: column?.type ?? 'unknown' };
    }
    return { name: `expression_${i + 1}`, type: 'unknown' };
  });
}

/**
 * One task's extract archive: the rows the load reads, tapped as they stream, in parts of about
 * `partRows` rows. A part is stored at a commit, before the checkpoint that records it, so:
 * - a part in the checkpoint is in the store, whole;
 * - a crash between storing a part and committing its checkpoint leaves a part the resume writes
 *   again under the same name (same rows, so no duplicate);
 * - rows committed into a part not stored yet are read again from the source by the resume, from the
 *   last stored part's key, into the archive alone (they are not loaded twice).
 */
export class ExtractArchiveTask {
  private part: ExtractArchivePart | undefined;
  private readonly parts: ArchivedPart[];
  private key: Value[] | undefined;
  private partRowsSoFar = 0;
  /** Rows the stream yields first that the target has already: archived, not loaded. */
  readonly replayRows: number;
  private readonly columns: { name: string; type: NormalisedType }[];

  constructor(
    private readonly settings: ExtractArchiveSettings,
    private readonly mapping: PlannedMapping,
    layout: ReadLayout,
    private readonly taskId: string,
    resumed: ArchiveState | undefined,
  ) {
    this.columns = archivedColumns(mapping, layout);
    this.parts = [...(resumed?.parts ?? [])];
    this.key = resumed?.key;
    this.replayRows = resumed?.rows ?? 0;
  }

  /** Where the task's stream starts for the archive: after the last row of its stored parts. */
  get resumeKey(): Value[] | undefined {
    return this.key;
  }

  async write(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    this.part ??= this.openPart();
    await this.part.write(rows);
    this.partRowsSoFar += rows.length;
  }

  /**
   * At a commit whose last row has `lastKey`: stores the open part when it is full or the task is
   * done (a task without rows stores a part with the header alone), and returns the state the
   * checkpoint records.
   */
  async atCommit(lastKey: Value[] | undefined, done: boolean): Promise<ArchiveState> {
    const full = this.partRowsSoFar >= (this.settings.partRows ?? EXTRACT_PART_ROWS);
    if (done && !this.part && this.parts.length === 0) this.part = this.openPart();
    if (this.part && (done || full)) {
      this.parts.push(await this.part.close());
      this.part = undefined;
      this.key = lastKey;
      this.partRowsSoFar = 0;
    }
    return { parts: [...this.parts], key: this.key, rows: this.partRowsSoFar };
  }

  /** The task stopped or failed: the open part is dropped (its rows are in no checkpoint's parts). */
  async abort(): Promise<void> {
    const part = this.part;
    this.part = undefined;
    await part?.abort();
  }

  private openPart(): ExtractArchivePart {
    const name = `${extractFolder(this.mapping)}/${this.taskId}-part${String(this.parts.length + 1).padStart(4, '0')}.csv.gz`;
    return new ExtractArchivePart(
      this.settings.store,
      name,
      artefactKey(this.settings.runId, name),
      this.columns,
      this.settings.signal,
    );
  }
}
