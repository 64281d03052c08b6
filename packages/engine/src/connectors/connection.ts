import type { Readable } from 'node:stream';
import type {
  ColumnInfo,
  DatabaseSchema,
  DialectName,
  NormalisedType,
  TableInfo,
  TableRef,
} from '../schema/model.ts';
import type { Row, Value } from '../values.ts';

/**
 * The contract every database folder (postgres/, mysql/, sqlite/) implements, one file per role:
 * `<db>-connection.ts` (pool, glue), `<db>-introspector.ts`, `<db>-reader.ts`, `<db>-bulk-loader.ts`,
 * `<db>-dialect.ts`. Identifiers are always quoted by the dialect; values always travel as parameters
 * or bulk-load data, never spliced into SQL.
 */

/** What a database can do; a connector declares what it lacks instead of faking it. */
export interface Capabilities {
  /** More than one schema per database (PostgreSQL). MySQL treats databases as schemas; SQLite has `main`. */
  readonly multipleSchemas: boolean;
  /** DDL inside a transaction rolls back with it. */
  readonly transactionalDdl: boolean;
  /** `(a, b) > (?, ?)` comparisons for keyset pagination over composite keys. */
  readonly rowValueComparison: boolean;
  /** Readers can stream a server-side cursor with bounded memory. */
  readonly serverSideCursor: boolean;
  /** PostgreSQL COPY text format in and out, for the byte pass-through fast path. */
  readonly copyText: boolean;
  /**
   * PostgreSQL binary COPY in and out: between two such databases, columns of the very same built-in
   * types pass through without being printed or parsed as text.
   */
  readonly copyBinary: boolean;
  /** How rows go in fastest: COPY, LOAD DATA (or large multi-row INSERTs), prepared INSERTs in transactions. */
  readonly bulkLoad: 'copy' | 'load_data' | 'prepared_insert';
  /** `load_mode: upsert`: an insert that updates the row whose key it repeats. */
  readonly upsert: boolean;
  /** A large table's reads split into key ranges that load in parallel. */
  readonly keyRangeSplit: boolean;
  /** Committed batches are recorded in a table in the target, in the batch's own transaction. */
  readonly checkpointsInTarget: boolean;
}

export const DEFAULT_CAPABILITIES: Capabilities = {
  multipleSchemas: false,
  transactionalDdl: false,
  rowValueComparison: true,
  serverSideCursor: true,
  copyText: false,
  copyBinary: false,
  bulkLoad: 'prepared_insert',
  upsert: true,
  keyRangeSplit: true,
  checkpointsInTarget: true,
};

/** Small hooks where SQL differs between databases. */
export interface Dialect {
  readonly name: DialectName;
  /** The schema a table lands in when the spec names none (`public`, the connected database, `main`). */
  readonly defaultSchema: string;
  quoteIdentifier(name: string): string;
  /** `"schema"."table"` (or the database's equivalent). */
  qualify(table: TableRef): string;
  /** The n-th (1-based) bind parameter: `$1` or `?`. */
  placeholder(index: number): string;
  /** The native type to create for a column of another database, e.g. `varchar(40)`, `numeric(10,2)`. */
  columnType(column: Pick<ColumnInfo, 'type' | 'length' | 'precision' | 'scale' | 'nativeType'>): string;
  /** `CREATE TABLE` for a table of another database, primary key included, foreign keys excluded. */
  createTable(table: TableInfo, target: TableRef): string;
  /** `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ...` statements, run after every table exists. */
  addForeignKeys(table: TableInfo, target: TableRef): string[];
}

/**
 * How `checksumInDatabase` hashes a row: by its text (`row_text`, any version), or each value by its
 * type's own hash function (`values`, when `hashesValues` says both servers can): the same rows give
 * the same digest only when both sides use the same form.
 */
export type InDatabaseHash =
  | { readonly form: 'row_text' }
  | { readonly form: 'values'; readonly nativeTypes: readonly string[] };

/** One column of a SELECT: a source column, or a SQL expression evaluated by the source database. */
export type SelectItem = { readonly column: string } | { readonly expression: string };

export interface KeyRange {
  /** The single key column the range is on. */
  readonly column: string;
  /** Inclusive lower bound; open when undefined. */
  readonly from?: Value;
  /** Exclusive upper bound; open when undefined. */
  readonly to?: Value;
}

export interface ReadRequest {
  readonly table: TableRef;
  readonly select: readonly SelectItem[];
  /** Rows come back ordered by these columns (keyset order). */
  readonly orderBy?: readonly string[];
  /** Keyset pagination: only rows whose `orderBy` tuple is strictly greater than this one. */
  readonly after?: readonly Value[];
  /** Only rows inside this half-open range of a single key column. */
  readonly range?: KeyRange;
  /** A filter written by the spec's author, ANDed to the query as is (the author is trusted like a hook). */
  readonly where?: string;
  /**
   * Only with a snapshot from `Connection.openSnapshot`: `stream` reads the data as of that
   * snapshot, whenever it runs (at most `readers` streams at once).
   */
  readonly snapshot?: string;
  readonly limit?: number;
}

export interface Reader {
  /** One bounded query: returns every matching row, in `select` order. Use with `limit` or `range`. */
  fetch(request: ReadRequest, signal?: AbortSignal): Promise<Row[]>;
  /** Streams the whole selection through a server-side cursor, `batchSize` rows at a time. */
  stream(request: ReadRequest, batchSize: number, signal?: AbortSignal): AsyncIterable<Row[]>;
  /** Minimum and maximum of a column (null for an empty table). */
  bounds(table: TableRef, column: string): Promise<{ min: Value; max: Value }>;
  /** Exact row count, with the optional filter. */
  count(table: TableRef, where?: string): Promise<number>;
  /**
   * Only where `capabilities.copyText`: the rows of a request as PostgreSQL COPY text, streamed from
   * the server without being parsed, for the byte pass-through between two such databases.
   */
  copyOutText?(request: ReadRequest): Readable;
  /**
   * Only in PostgreSQL: the rows of a request as binary COPY, for a pass-through into another
   * PostgreSQL's columns of the very same types (see postgres/postgres-binary-copy.ts).
   */
  copyOutBinary?(request: ReadRequest): Readable;
  /**
   * Only where the database can: an order-independent checksum of the request's rows computed by the
   * server itself, over each row's text form or its values' hashes (`hash`). Comparable only between
   * two databases of the same kind whose columns have the very same native types, hashed in the same form.
   */
  checksumInDatabase?(request: ReadRequest, hash?: InDatabaseHash): Promise<{ rows: number; digest: string }>;
  /**
   * Only where `checksumInDatabase` can: true when the server can hash each value of columns of these
   * native types by the type's own hash function instead of printing the row (`InDatabaseHash`).
   */
  hashesValues?(nativeTypes: readonly string[]): Promise<boolean>;
  /**
   * Only where the database can: the checksum DataBridge computes in its PostgreSQL mode (run/checksum.ts),
   * summed by the server over each row's canonical text, so it compares with rows DataBridge read
   * from any other database, for columns whose types are all in `canonicalChecksumTypes`.
   */
  checksumCanonical?(
    request: ReadRequest,
    columns: readonly { name: string; type: NormalisedType }[],
  ): Promise<{ rows: number; digest: string }>;
  readonly canonicalChecksumTypes?: ReadonlySet<NormalisedType>;
}

/** Where a batch goes: the target table and its columns in the order of the values in each row. */
export interface LoadTarget {
  readonly table: TableRef;
  readonly columns: readonly ColumnInfo[];
}

export type WriteMode = 'append' | 'upsert';

/**
 * A committed batch's position, written in the same target transaction as the batch itself so that a
 * run killed at any instant resumes with no gap and no duplicate.
 */
export interface Checkpoint {
  readonly runId: string;
  /** One task of the run: a table mapping, or one key range of it. */
  readonly taskId: string;
  /** JSON of the task's position: everything up to it is committed. */
  readonly position: string;
  /** Rows written by the task so far, this batch included. */
  readonly rowsWritten: number;
  readonly done: boolean;
}

/** A dedicated connection holding one open transaction. */
export interface LoadSession {
  truncate(table: TableRef): Promise<void>;
  /**
   * Writes rows through the database's bulk path (COPY, multi-row INSERT, prepared INSERTs).
   * `key` names the conflict columns for `upsert`. Returns the number of rows written.
   */
  write(target: LoadTarget, rows: readonly Row[], mode: WriteMode, key: readonly string[]): Promise<number>;
  writeCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /** Only where `capabilities.copyText`: pipes COPY text into the target; returns the rows copied. */
  copyInText?(target: LoadTarget, source: Readable): Promise<number>;
  /** Only where the reader has `copyOutBinary`: pipes its binary COPY in; returns the rows copied. */
  copyInBinary?(target: LoadTarget, source: Readable): Promise<number>;
  /**
   * Marks a point inside the transaction. After a failed write, `rollbackTo` the point undoes the
   * write alone and leaves the transaction usable: how the runner isolates one bad row in a batch.
   */
  savepoint(name: string): Promise<void>;
  rollbackTo(name: string): Promise<void>;
  /** Forgets a savepoint that is no longer needed (PostgreSQL slows down past 64 open ones). */
  releaseSavepoint(name: string): Promise<void>;
  /** Runs a statement inside the transaction (hooks, fix-ups). */
  execute(sql: string, params?: readonly Value[]): Promise<void>;
  commit(): Promise<void>;
  /** Rolls back and releases the connection; safe to call after commit or twice. */
  rollback(): Promise<void>;
}

export interface BulkLoader {
  /** Takes a connection from the pool and opens a transaction on it. */
  begin(): Promise<LoadSession>;
}

export interface Connection {
  readonly dialect: Dialect;
  readonly capabilities: Capabilities;
  /** The URL with its password masked, safe to print. */
  readonly displayUrl: string;
  readonly reader: Reader;
  readonly loader: BulkLoader;
  /** Reads schemas, tables, columns, keys and row estimates; `schemas` limits which schemas. */
  introspect(options?: { schemas?: readonly string[] }): Promise<DatabaseSchema>;
  /** Runs one statement outside any load transaction and returns its rows as objects. */
  query(sql: string, params?: readonly Value[]): Promise<Record<string, unknown>[]>;
  /** Creates the checkpoint table if missing (`_databridge_checkpoints` in the default schema). */
  ensureCheckpointTable(): Promise<void>;
  readCheckpoints(runId: string): Promise<Checkpoint[]>;
  /** Dropping foreign keys for a load and adding them back checked once; absent where unsupported. */
  readonly foreignKeys?: ForeignKeyControl;
  /**
   * Ends the statements this connection has in flight (a cancel, or a pause or shutdown whose grace
   * ran out): asks the server to cancel each, and after `graceMs` ends the sessions still busy, so no
   * statement, transaction or lock outlives the run. Absent where nothing can be in flight while it
   * would run (SQLite's statements run synchronously; close() releases its handles).
   */
  cancelInFlight?(graceMs: number): Promise<void>;
  /**
   * Opens what lets `readers` parallel streams read the source in one consistent state (see
   * docs/staging.md): PostgreSQL exports one snapshot, MySQL/MariaDB start one consistent-snapshot
   * transaction per reader (under a global read lock where the user may take it), SQLite opens one
   * read transaction. `tables` are the tables about to be read (MySQL names those no snapshot covers).
   * Hold it until `release`; undefined where the database cannot (a connection opened lazily asks the
   * real one).
   */
  openSnapshot?(options: SnapshotOptions): Promise<SourceSnapshot | undefined>;
  close(): Promise<void>;
}

export interface SnapshotOptions {
  /** How many streams will read at once. */
  readonly readers: number;
  readonly tables: readonly TableRef[];
}

/**
 * What one source snapshot promises: `one_snapshot`, every reader sees the very same snapshot
 * (PostgreSQL's exported snapshot, SQLite's one read transaction); `started_under_lock`, each reader
 * has its own consistent snapshot, all started while a global read lock held every commit off, so
 * all see the same committed data (MySQL/MariaDB with the RELOAD privilege); `snapshot_per_reader`,
 * each reader its own consistent snapshot, started together but without a lock, so a commit between
 * two starts is seen by one reader and not the other (MySQL/MariaDB without RELOAD).
 */
export type SnapshotKind = 'one_snapshot' | 'started_under_lock' | 'snapshot_per_reader';

/**
 * What a staged extract could promise about the source rows it copied: the kind of its snapshot for
 * an extract done in one attempt; `per_attempt`, an extract resumed after an interruption (each
 * attempt read its own snapshot); `per_reader`, a source without snapshots, each reader at its own moment.
 */
export type SnapshotGuarantee = SnapshotKind | 'per_attempt' | 'per_reader';

export interface SourceSnapshot {
  /** For `ReadRequest.snapshot`. */
  readonly id: string;
  readonly kind: SnapshotKind;
  /** Tables read without any snapshot (MySQL's MyISAM, MEMORY, ARCHIVE... tables). */
  readonly withoutSnapshot: readonly TableRef[];
  /** `snapshot_per_reader`: why there was no global read lock, and how far apart the readers started. */
  readonly noLock?: {
    readonly reason: 'no_reload_privilege' | 'lock_wait_timeout';
    readonly spreadMs: number;
  };
  /** Ends what the snapshot held open (transactions, connections); safe to call twice. */
  release(): Promise<void>;
}

/** A foreign key as the target declares it, kept so that it can be added back exactly. */
export interface DeclaredForeignKey {
  /** The table the constraint is declared on (the referencing one). */
  readonly table: TableRef;
  readonly name: string;
  /** The clause after `ADD CONSTRAINT name`, e.g. `FOREIGN KEY (a) REFERENCES b(id) ON DELETE CASCADE`. */
  readonly definition: string;
  /** False for a constraint declared NOT VALID: it is added back without checking existing rows. */
  readonly validated: boolean;
}

export interface ForeignKeyControl {
  /** The foreign keys declared on these tables. */
  list(tables: readonly TableRef[]): Promise<DeclaredForeignKey[]>;
  /** Drops it; false when the user may not (the constraint stays and checks row by row). */
  drop(fk: DeclaredForeignKey): Promise<boolean>;
  /** Adds it back without checking the rows already there (NOT VALID); repeating it does nothing. */
  add(fk: DeclaredForeignKey): Promise<void>;
  /** Checks every row once; on a violation the constraint stays unchecked and this throws. */
  validate(fk: DeclaredForeignKey): Promise<void>;
}

export interface ConnectOptions {
  /** Upper bound of pooled connections; the runner sets it from the pipeline's parallelism. Default 4. */
  readonly poolSize?: number;
  /**
   * How long a streaming read waits for its server before taking the connection for dead (default
   * 5 minutes, see stall-guard.ts).
   */
  readonly stallTimeoutMs?: number;
  /**
   * Set by a shared server, never by the CLI: SQLite files only inside this folder, and no statement
   * that reaches another file (ATTACH, DETACH, VACUUM INTO, extensions). Other databases ignore it.
   */
  readonly sqliteFolder?: SqliteFolder;
  /**
   * How long a SQLite writer waits for the file's write lock while another program holds it and
   * nobody commits (default 60 s, see sqlite-lock-wait.ts). A lock held by DataBridge itself, in this
   * process or another, is waited for without limit. Other databases ignore it.
   */
  readonly sqliteLockWaitMs?: number;
}

/**
 * Where a shared server lets SQLite files live. A server passes it to `openConnection` so that a user
 * of the web API cannot open the server's own files (its metadata store, its secrets) as a database,
 * and so that statements from users cannot reach other files. The CLI passes none: the user owns the
 * machine.
 */
export interface SqliteFolder {
  /** SQLite files must resolve inside this folder, symlinks followed. */
  readonly folder: string;
  /** Folders inside `folder` that are still refused (the server's data folder when it lies inside). */
  readonly except?: readonly string[];
  /** How the operator changes `folder`, for the refusal message (e.g. `set DATABRIDGE_SQLITE_DIR`). */
  readonly howToChange?: string;
  /**
   * The server's own metadata store when it is PostgreSQL (DATABASE_URL): a PostgreSQL connection
   * that reaches that database, under any name, is refused as it opens.
   */
  readonly postgresStoreUrl?: string;
}

export type { NormalisedType };
