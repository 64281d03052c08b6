import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { pipeline, Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { DataBridgeError, messageOf } from '../errors.ts';
import { RowChecksum } from '../run/checksum.ts';
import type { ArchivedPart } from '../run/key-codec.ts';
import type { NormalisedType } from '../schema/model.ts';
import type { Row } from '../values.ts';
import type { ArtefactStore } from './artefact-store.ts';
import { isArtefactStoreError } from './artefact-store-error.ts';
import { csvHeader, csvRecord } from './extract-csv.ts';
import { storeFailureInWords } from './publish-artefacts.ts';

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
  /** Set when the store failed the upload: the next write or close throws it. */
  private failure: DataBridgeError | undefined;

  /**
   * @param name the artefact name within the execution (`extracts/…`), `key` its store key
   * @param columns the archived columns' names (the header) and normalised types (the checksum)
   * @param signal the run's: a pause or cancel stops a wait for the store (one that stopped answering)
   */
  constructor(
    store: ArtefactStore,
    private readonly name: string,
    key: string,
    columns: readonly { readonly name: string; readonly type: NormalisedType }[],
    private readonly signal: AbortSignal,
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
    // A store that fails stops reading: the failure ends the gzip stream too, which wakes a write
    // waiting for it to drain.
    this.upload.catch((error) => {
      this.failure = archiveFailure(name, error);
      this.gzip.destroy(this.failure);
    });
    this.gzip.write(csvHeader(columns.map((c) => c.name)));
  }

  /** Appends rows, waiting while the store is behind (backpressure). */
  async write(rows: readonly Row[]): Promise<void> {
    if (this.failure) throw this.failure;
    if (rows.length === 0) return;
    let text = '';
    for (const row of rows) {
      text += csvRecord(row);
      this.sum.add(row);
    }
    this.rows += rows.length;
    if (!this.gzip.write(text)) await this.unlessStopped(once(this.gzip, 'drain'));
  }

  /** Ends the object and waits until the store holds it. */
  async close(): Promise<ArchivedPart> {
    if (this.failure) throw this.failure;
    this.gzip.end();
    await this.unlessStopped(
      this.upload.catch((error) => {
        throw this.failure ?? archiveFailure(this.name, error);
      }),
    );
    return {
      name: this.name,
      rows: this.rows,
      bytes: this.bytes,
      sha256: this.hash.digest('hex'),
      sum: this.sum.state,
    };
  }

  /** Waits for `work`, or throws `cancelled` as soon as the run is paused or cancelled. */
  private async unlessStopped<T>(work: Promise<T>): Promise<T> {
    const cancelled = () => new DataBridgeError('cancelled', 'the run was cancelled');
    // Left behind when the run stops first: its later failure (the part dropped) is no news.
    work.catch(() => {});
    if (this.signal.aborted) throw cancelled();
    let onAbort = () => {};
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => reject(cancelled());
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([work, stopped]);
    } finally {
      this.signal.removeEventListener('abort', onAbort);
    }
  }

  /** Drops the part (the task failed or stopped); settles once the store has let go of it. */
  async abort(): Promise<void> {
    this.gzip.destroy(new Error('the extract archive part was abandoned'));
    // An object store that stopped answering must not hold up a pause: give it a few seconds.
    await Promise.race([this.upload.catch(() => {}), sleep(ABORT_WAIT_MS, undefined, { ref: false })]);
  }
}

/**
 * A store that failed to take a part fails the task as a lost connection would (retried, resumed),
 * or, for settings a person must fix, as bad credentials would.
 */
function archiveFailure(name: string, error: unknown): DataBridgeError {
  const transient = !isArtefactStoreError(error) || error.isTransient;
  const code = transient ? 'transient' : error.code === 'bad_key' ? 'internal' : 'auth_failed';
  // Every role reads a run's error: in words naming the setting to look at, never the store's
  // address or bucket (the cause, in the server's log, has them).
  const words = isArtefactStoreError(error) ? storeFailureInWords(error) : messageOf(error);
  return new DataBridgeError(code, `the extract archive could not store ${name}: ${words}`, {
    cause: error,
  });
}
