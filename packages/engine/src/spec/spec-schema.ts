import { z } from 'zod';
import { fieldLabel, labelledNumber, peopleError } from './labelled.ts';
import { ScheduleSettings } from './schedule-schema.ts';
import { checkMappingSizes } from './size-limits.ts';
import { checkSync, SyncSettings } from './sync-schema.ts';

/**
 * The migration spec: one document that says what moves where and how. The web wizard edits exactly
 * this document and the CLI runs exactly this document. docs/spec.md describes every field.
 */

/** Every issue of these schemas words itself from the field's path: "Table mapping 3, column 1, target must not be empty." */
const worded = { error: peopleError } as const;

const identifier = z.string(worded).trim().min(1, worded);

/** `table` or `schema.table`. */
export const tableName = identifier.max(255, worded);

export const StringOperation = z.union(
  [
    z.literal('trim'),
    z.literal('upper'),
    z.literal('lower'),
    z
      .object({
        substring: z.object({ start: z.number().int().min(1), length: z.number().int().min(0).optional() }),
      })
      .strict(),
    z.object({ replace: z.object({ from: z.string().min(1), to: z.string() }) }).strict(),
    z
      .object({
        padLeft: z.object({ length: z.number().int().min(1), with: z.string().length(1).default(' ') }),
      })
      .strict(),
    z
      .object({
        padRight: z.object({ length: z.number().int().min(1), with: z.string().length(1).default(' ') }),
      })
      .strict(),
    z.object({ prefix: z.string() }).strict(),
    z.object({ suffix: z.string() }).strict(),
  ],
  {
    error:
      'unknown string operation: use trim, upper, lower, substring, replace, padLeft, padRight, prefix or suffix',
  },
);
export type StringOperation = z.infer<typeof StringOperation>;

const literal = z.union([z.string(), z.number(), z.boolean(worded), z.null()]);

export const ColumnMapping = z
  .object({
    /** The target column this entry fills. */
    target: identifier,
    /** A source column copied (and optionally transformed) into the target column. */
    source: identifier.optional(),
    /** A SQL expression over the source row, evaluated by the source database. */
    expression: z.string().trim().min(1).optional(),
    /** Used when the source value is NULL (or, with neither source nor expression, for every row). */
    default: literal.optional(),
    /** String operations applied in order after reading. */
    transform: z.array(StringOperation).default([]),
    /**
     * What to do with a value the target column cannot take (too long, out of range, not a date):
     * `reject` the row (the default), store `null`, `truncate` it to fit, or `clamp` it to the range.
     */
    onInvalid: z.enum(['reject', 'null', 'truncate', 'clamp'], worded).default('reject'),
  })
  .strict()
  .superRefine((column, ctx) => {
    if (column.source !== undefined && column.expression !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either source or expression, not both',
        path: ['expression'],
      });
    }
    if (column.source === undefined && column.expression === undefined && column.default === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'needs a source column, an expression or a default',
        path: ['target'],
      });
    }
  });
export type ColumnMapping = z.infer<typeof ColumnMapping>;

export const LoadMode = z.enum(['append', 'replace', 'upsert'], worded);
export type LoadMode = z.infer<typeof LoadMode>;

/**
 * De-duplication on the target key in a staged run's cleanse stage (docs/staging.md): among the rows
 * that share a key, keep the `first` in source order, keep the `last` by a source column (the row with
 * its highest value), or keep `none` (every row of a shared key is rejected).
 */
export const Dedupe = z
  .object({
    keep: z.enum(['first', 'last', 'none'], worded),
    /** For `keep: last`: the source column whose highest value wins (later rows win a tie). */
    by: identifier.optional(),
  })
  .strict()
  .superRefine((dedupe, ctx) => {
    if (dedupe.keep === 'last' && dedupe.by === undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'keep: last needs "by", the column whose highest value wins',
        path: ['by'],
      });
    if (dedupe.keep !== 'last' && dedupe.by !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: `"by" goes with keep: last, not keep: ${dedupe.keep}`,
        path: ['by'],
      });
  });
export type Dedupe = z.infer<typeof Dedupe>;

/**
 * A row check of a staged run's cleanse stage: a PostgreSQL condition over the mapping's source
 * columns; a row for which it is false is rejected before the load, with the check's name as reason.
 */
export const RowCheck = z
  .object({
    name: identifier,
    sql: z.string(worded).trim().min(1, worded),
  })
  .strict();
export type RowCheck = z.infer<typeof RowCheck>;

export const TableMapping = z
  .object({
    /** Source table, `table` or `schema.table`. */
    source: tableName,
    /** Target table, `table` or `schema.table`. */
    target: tableName,
    mode: LoadMode.default('append'),
    /** Conflict columns for `upsert`; the target's primary key when omitted. */
    key: z.array(identifier).optional(),
    /** A filter on the source rows, a SQL condition in the source's dialect. */
    where: z.string().trim().min(1).optional(),
    columns: z.array(ColumnMapping, worded).min(1, {
      error: (issue) => `${fieldLabel(issue.path?.slice(0, -1) ?? [])}: map at least one column.`,
    }),
    /** Source columns deliberately left behind (documentation; unmapped columns are never copied). */
    exclude: z.array(identifier).default([]),
    /** Full or incremental loads from run to run (sync-schema.ts); full when omitted. */
    sync: SyncSettings.optional(),
    /** Staged runs only: de-duplication on the target key before the load. */
    dedupe: Dedupe.optional(),
    /** Staged runs only: row checks that reject rows before the load. */
    checks: z.array(RowCheck).optional(),
  })
  .strict()
  // Sizes are checked per mapping, where the message can name the mapping and the column.
  .superRefine(checkMappingSizes)
  .superRefine(checkSync);
export type TableMapping = z.infer<typeof TableMapping>;

export const ConnectionRef = z
  .object({
    /** A connection URL; `${VARIABLE}` references are read from the environment. */
    url: z.string().trim().min(1),
    /** Schema used for table names given without one. */
    schema: identifier.optional(),
  })
  .strict();

/**
 * What a rejected row does to the run: `fail_fast` stops at the first; `continue` loads every good row
 * of every table and fails the run at the end, listing what was rejected; `skip_and_log` loads every
 * good row and succeeds, with each rejected row in the rejects file and the report.
 */
export const ErrorPolicy = z.enum(['fail_fast', 'continue', 'skip_and_log'], worded);
export type ErrorPolicy = z.infer<typeof ErrorPolicy>;

/** A SQL statement run before or after the load, on the target unless it says `source`. */
export const Hook = z
  .object({
    name: identifier.optional(),
    sql: z.string(worded).trim().min(1, worded),
    on: z.enum(['target', 'source'], worded).default('target'),
  })
  .strict();
export type Hook = z.infer<typeof Hook>;

/**
 * A custom validation rule: a query returning one value, run after the load; the validate stage
 * fails, naming the rule, when the value is not `expect` (0 by default).
 */
export const ValidationRule = z
  .object({
    name: identifier,
    sql: z.string(worded).trim().min(1, worded),
    expect: z.union([z.number(), z.string(), z.boolean(worded), z.null()]).default(0),
    on: z.enum(['target', 'source'], worded).default('target'),
  })
  .strict();
export type ValidationRule = z.infer<typeof ValidationRule>;

export const PipelineSettings = z
  .object({
    /** Rows per batch; each batch commits with its checkpoint. */
    batchSize: labelledNumber({ label: 'Batch size', min: 100, max: 10_000, unit: 'rows' }).default(5_000),
    /** Tasks running at once; large tables split into this many key ranges. */
    parallelism: labelledNumber({ label: 'Parallelism', min: 1, max: 16, unit: 'tasks at once' }).default(4),
    errorPolicy: ErrorPolicy.default('fail_fast'),
    logLevel: z.enum(['debug', 'info', 'warning', 'error'], worded).default('info'),
    /** Create missing target tables from the source schema with mapped names and types. */
    createTables: z.boolean(worded).default(false),
    /**
     * What the run does to the target's schema and rows, where set (it then stands in for
     * `createTables`): `create` missing tables and load them, `data_only` load existing tables only,
     * `schema_only` create missing tables with all they get after a load, and move no row.
     */
    schema: z.enum(['create', 'data_only', 'schema_only'], worded).optional(),
    /**
     * Created PostgreSQL tables: a source ENUM column as an enum type of its own (`type`), or as a
     * varchar with a CHECK constraint listing its labels (`check`, easier to change later).
     */
    enums: z.enum(['type', 'check'], worded).default('type'),
    /** Created PostgreSQL tables: MySQL's `ON UPDATE CURRENT_TIMESTAMP` as a BEFORE UPDATE trigger. */
    onUpdateTriggers: z.boolean(worded).default(true),
    /**
     * MySQL zero dates (`0000-00-00`, a zero month or day) for the whole run: `reject` their rows (a
     * column's `onInvalid` still applies), or store them as NULL (created columns then allow NULL).
     */
    zeroDates: z.enum(['reject', 'null'], worded).default('reject'),
    /**
     * When the foreign keys of existing target tables that start empty are checked: `after_load`
     * drops them for the load and adds them back, every row checked in one pass (PostgreSQL targets);
     * `per_row` keeps them, so the database checks each row as it arrives.
     */
    foreignKeyCheck: z.enum(['after_load', 'per_row'], worded).default('after_load'),
    /**
     * Seconds a streaming read waits for its source server, or a load statement for its target's
     * answer, before taking the connection for dead and failing with a transient error (a retry or a
     * resume then goes on): the last resort when neither the socket nor the driver says the server
     * is gone.
     */
    stallTimeoutSeconds: labelledNumber({
      label: 'Stall timeout',
      min: 10,
      max: 86_400,
      unit: 'seconds',
    }).default(300),
    /**
     * `direct` (the default when unset) streams rows from source to target; `database` first copies
     * them from one source snapshot into a schema of the run's own in the staging database
     * (STAGING_DATABASE_URL or `databridge run --staging <url>`, PostgreSQL), and loads from there.
     */
    staging: z.enum(['direct', 'database'], worded).optional(),
    /**
     * How long a completed staged run's schema stays in the staging database (docs/staging.md,
     * retention): `{ hours: n }` after the run ended, or `{ runs: n }`, the schemas of the project's
     * last n completed runs. Unset: dropped once the report is written. Failed, cancelled and paused
     * runs keep theirs for a retry whatever this says, up to DATABRIDGE_STAGING_FAILED_RETENTION_DAYS.
     */
    keepStaging: z
      .union(
        [
          z
            .object({ hours: labelledNumber({ label: 'Keep staging', min: 1, max: 8_760, unit: 'hours' }) })
            .strict(),
          z
            .object({ runs: labelledNumber({ label: 'Keep staging', min: 1, max: 100, unit: 'runs' }) })
            .strict(),
        ],
        { error: 'give a number of hours ({ hours: 1 to 8760 }) or of runs ({ runs: 1 to 100 }).' },
      )
      .optional(),
    /**
     * `csv_gz` keeps every row each mapping extracts, as the load reads it, in gzip-compressed CSV
     * objects under the execution's artefacts (`extracts/`, with a manifest of row counts and
     * checksums), for audit and replay; `none` (the default when unset) keeps none.
     */
    extractArchive: z.enum(['none', 'csv_gz'], worded).optional(),
    /** Statements run in order before the first row moves (`pre`) and after the last (`post`). */
    hooks: z
      .object({ pre: z.array(Hook).default([]), post: z.array(Hook).default([]) })
      .strict()
      .prefault({}),
    /** SQL assertions checked in the validate stage. */
    rules: z.array(ValidationRule).default([]),
    validation: z
      .object({
        /** After the load: source rows against target rows, per table. */
        rowCount: z.boolean(worded).default(true),
        /** After the load: order-independent checksum of every copied column, for plain copies. */
        checksum: z.boolean(worded).default(true),
        /** Before the load: NULL into NOT NULL rejected per row, not per batch by the database. */
        rows: z.boolean(worded).default(true),
        /** Before the load: every value converted and checked against its target type (lengths, ranges, dates). */
        types: z.boolean(worded).default(true),
        /** At plan time: a column whose types cannot convert at all is an error, not a warning. */
        schema: z.boolean(worded).default(true),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type PipelineSettings = z.infer<typeof PipelineSettings>;

export const MigrationSpec = z
  .object({
    version: z.literal(1).default(1),
    name: identifier.default('migration'),
    source: ConnectionRef,
    target: ConnectionRef,
    pipeline: PipelineSettings.prefault({}),
    /** When the project runs by itself; absent means only when started by hand. */
    schedule: ScheduleSettings.optional(),
    mappings: z.array(TableMapping, worded).min(1, { error: 'Map at least one table.' }),
  })
  .strict();
export type MigrationSpec = z.infer<typeof MigrationSpec>;
export type MigrationSpecInput = z.input<typeof MigrationSpec>;
