import type { ConnectOptions, ReadRequest } from '../../connectors/connection.ts';
import type { ErrorCode } from '../../errors.ts';
import type { PlannedMapping } from '../../plan/plan-types.ts';
import type { ColumnInfo, DialectName } from '../../schema/model.ts';
import type { ErrorPolicy, PipelineSettings } from '../../spec/spec-schema.ts';
import type { Value } from '../../values.ts';
import type { ServerSumState } from '../checksum.ts';
import type { RejectedRow } from '../rejected-row.ts';

/** What a loader thread needs to read, convert and encode one task's rows (all plain data). */
export interface ThreadTask {
  readonly source: { readonly url: string; readonly options: ConnectOptions };
  readonly mapping: PlannedMapping;
  readonly settings: PipelineSettings;
  readonly dialects: { readonly source: DialectName; readonly target: DialectName };
  /** The task's read, in key order, after its last checkpoint's key. */
  readonly request: ReadRequest;
  readonly batchSize: number;
  readonly policy: ErrorPolicy;
  /** The running source sum, continued from the checkpoint's state when resuming. */
  readonly sum?: {
    readonly types: readonly ColumnInfo[];
    readonly indexes: readonly number[];
    readonly state?: ServerSumState;
  };
}

/** One batch of `batchSize` rows read (fewer at the end), as COPY text for the target. */
export interface EncodedBatch {
  /** COPY text of the rows that passed the transform. */
  readonly chunks: readonly Uint8Array[];
  readonly rowsRead: number;
  /** Rows in `chunks`. */
  readonly rowsOut: number;
  /** Rows the transform refused, with their reasons. */
  readonly rejected: readonly RejectedRow[];
  /** Key of the batch's last row read (the checkpoint's position). */
  readonly lastKey: Value[] | undefined;
  readonly sum: ServerSumState | undefined;
  /** The task's last batch. */
  readonly done: boolean;
  /** Time spent reading and converting the batch. */
  readonly readMs: number;
}

export type ToThread =
  | { readonly type: 'start'; readonly job: number; readonly task: ThreadTask }
  /** The last batch is committed; its buffers come back for reuse. */
  | { readonly type: 'ack'; readonly job: number; readonly buffers: readonly ArrayBuffer[] }
  | { readonly type: 'abort'; readonly job: number }
  /** The run is over: close the connections and end. */
  | { readonly type: 'close' };

export type FromThread =
  | ({ readonly type: 'batch'; readonly job: number } & EncodedBatch)
  /** Under fail_fast, a row was rejected: these rows stop the run. */
  | {
      readonly type: 'stopped';
      readonly job: number;
      readonly message: string;
      readonly rejected: readonly RejectedRow[];
    }
  | { readonly type: 'failed'; readonly job: number; readonly code: ErrorCode; readonly message: string };
