import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Checkpoint } from '../connectors/connection.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../private-files.ts';
import { RowChecksum } from '../run/checksum.ts';
import { archivedColumns } from '../run/extract-archive-task.ts';
import { decodePosition } from '../run/key-codec.ts';
import type { ReadLayout } from '../run/read-layout.ts';
import type { TaskRecord } from '../run/run-state.ts';

/** The name of the manifest within the execution's artefacts. */
export const EXTRACT_MANIFEST = 'extracts/manifest.json';

/** How the archive's CSV is written (extract-csv.ts), stated in the manifest for whoever reads it. */
const CSV_FORMAT = {
  format: 'csv_gz',
  csv: 'RFC 4180, UTF-8, CRLF, a header row of column names',
  null: 'an empty field without quotes (an empty string is "")',
  bytes: '\\x followed by hex digits',
  boolean: 'true or false',
  reload: "COPY <table> FROM PROGRAM 'zcat <part>' (FORMAT csv, HEADER)",
};

export interface ExtractManifestMapping {
  readonly mapping: string;
  readonly source: string;
  readonly target: string;
  readonly columns: readonly { name: string; type: string }[];
  /** Every task of the mapping finished: the parts hold all its rows. */
  readonly complete: boolean;
  readonly rows: number;
  /**
   * The sum of PostgreSQL's `hashtextextended(<row's canonical text>, 0)` over the archived rows,
   * exact, in decimal: what `validation.checksum` computes (docs/artefacts.md shows the SQL).
   */
  readonly checksum: string;
  readonly parts: readonly {
    name: string;
    task: string;
    rows: number;
    bytes: number;
    sha256: string;
  }[];
}

/**
 * Writes `extracts/manifest.json` into the run's local folder (uploaded with the report when the
 * artefacts go to an object store): per mapping, its parts as the committed checkpoints record them,
 * with rows, sizes, SHA-256 and the rows' checksum. A part no checkpoint names is not listed.
 */
export function writeExtractManifest(
  reportsDir: string,
  runId: string,
  mappings: readonly PlannedMapping[],
  layoutOf: (mappingId: string) => ReadLayout,
  tasks: readonly TaskRecord[],
  checkpoints: ReadonlyMap<string, Checkpoint>,
): string {
  const entries = mappings.map((m): ExtractManifestMapping => {
    const own = tasks.filter((t) => t.mappingId === m.id);
    const parts = own.flatMap((t) => {
      const c = checkpoints.get(t.id);
      const archive = c && decodePosition(c.position).archive;
      return (archive?.parts ?? []).map((p) => ({ ...p, task: t.id }));
    });
    const { rows, digest } = RowChecksum.combine(parts.map((p) => p.sum));
    return {
      mapping: m.id,
      source: `${m.source.schema}.${m.source.name}`,
      target: `${m.target.schema}.${m.target.name}`,
      columns: archivedColumns(m, layoutOf(m.id)),
      complete: own.length > 0 && own.every((t) => checkpoints.get(t.id)?.done === true),
      rows,
      checksum: digest,
      parts: parts.map(({ name, task, rows, bytes, sha256 }) => ({ name, task, rows, bytes, sha256 })),
    };
  });
  const dir = resolve(reportsDir, runId);
  makePrivateDir(join(dir, 'extracts'));
  const file = join(dir, EXTRACT_MANIFEST);
  writeFileSync(file, `${JSON.stringify({ ...CSV_FORMAT, mappings: entries }, null, 2)}\n`, {
    mode: PRIVATE_FILE_MODE,
  });
  return file;
}
