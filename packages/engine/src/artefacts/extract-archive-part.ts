import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { pipeline, Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { DataBridgeError } from '../errors.ts';
import { RowChecksum } from '../run/checksum.ts';
import type { ArchivedPart } from '../run/key-codec.ts';
import type { NormalisedType } from '../schema/model.ts';
import type { Row } from '../values.ts';
import type { ArtefactStore } from './artefact-store.ts';
import { ArtefactStoreError } from './artefact-store-error.ts';
import { csvHeader, csvRecord } from './extract-csv.ts';

/** How long dropping a part waits for the store to let go of it. */
const ABORT_WAIT_MS = 5_000;

/**
 * One gzip CSV object of an extract archive, written while rows stream: each page is compressed and
 * handed to the store as it comes (an object store uploads it in 5 MiB parts), so memory holds a page
 * and a part, never the file. The object appears only once `close` succeeds: a local file is renamed
 * into place, an object store completes its multipart upload; an aborted part leaves nothing.
 */
export class ExtractArchivePart {
  private readonly gzip: Gzip = createGzip();
  private readonly hash = createHash('sha256');
  private readonly sum: RowChecksum;
  private readonly upload: Promise<void>;
  private bytes = 0;
  private rows = 0;

  /**
   * @param name the artefact name within the execution (`extracts/…`), `key` its store key
   * @param columns the archived columns' names (the header) and normalised types (the checksum)
   */
  constructor(
    store: ArtefactStore,
    private readonly name: string,
    key: string,
    columns: readonly { readonly name: string; readonly type: NormalisedType }[],
  ) {
    this.sum = RowChecksum.postgres(columns);
    // Counts and hashes the compressed bytes on their way to the store: the manifest's size and
    // SHA-256 are those of the stored object, which a user can check with sha256sum.
    const counted = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.hash.update(chunk);
        this.bytes += chunk.length;
        done(null, chunk);
      },
    });
    pipeline(this.gzip, counted, () => {});
    // Rows arrive slower than an object store takes them: one part in flight is enough, and holds
    // one part (5 MiB) in memory instead of four.
    this.upload = store.put(key, counted, { contentType: 'application/gzip', partsInFlight: 1 });
    // Observed by write and close; until then a failure must not go unhandled.
    this.upload.catch(() => {});
    this.gzip.write(csvHeader(columns.map((c) => c.name)));
  }

  /** Appends rows, waiting while the store is behind (backpressure). */
  async write(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    let text = '';
    for (const row of rows) {
      text += csvRecord(row);
      this.sum.add(row);
    }
    this.rows += rows.length;
    if (!this.gzip.write(text)) await Promise.race([once(this.gzip, 'drain'), this.failed()]);
  }

  /** Ends the object and waits until the store holds it. */
  async close(): Promise<ArchivedPart> {
    this.gzip.end();
    await this.upload.catch((error) => {
      throw archiveFailure(this.name, error);
    });
    return {
      name: this.name,
      rows: this.rows,
      bytes: this.bytes,
      sha256: this.hash.digest('hex'),
      sum: this.sum.state,
    };
  }

  /** Drops the part (the task failed or stopped); settles once the store has let go of it. */
  async abort(): Promise<void> {
    this.gzip.destroy(new Error('the extract archive part was abandoned'));
    // An object store that stopped answering must not hold up a pause: give it a few seconds.
    await Promise.race([this.upload.catch(() => {}), sleep(ABORT_WAIT_MS, undefined, { ref: false })]);
  }

  /** Settles only when the upload failed (a store that stopped reading would never drain). */
  private failed(): Promise<never> {
    return this.upload.then(
      () => new Promise<never>(() => {}),
      (error) => {
        throw archiveFailure(this.name, error);
      },
    );
  }
}

/**
 * A store that failed to take a part fails the task as a lost connection would (retried, resumed),
 * or, for settings a person must fix, as bad credentials would.
 */
function archiveFailure(name: string, error: unknown): DataBridgeError {
  const transient = !(error instanceof ArtefactStoreError) || error.isTransient;
  const code = transient ? 'transient' : error.code === 'bad_key' ? 'internal' : 'auth_failed';
  const words = error instanceof Error ? error.message : String(error);
  return new DataBridgeError(code, `the extract archive could not store ${name}: ${words}`, {
    cause: error,
  });
}
