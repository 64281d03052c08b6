import type {
  BulkLoader,
  Capabilities,
  Connection,
  Reader,
  ReadRequest,
  SelectItem,
} from '../connectors/connection.ts';
import { DEFAULT_CAPABILITIES } from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { ReadLayout } from '../run/read-layout.ts';
import type { TaskRecord } from '../run/run-state.ts';
import type { DatabaseSchema, TableRef } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';
import { encodeStagedKey } from './staged-extract.ts';
import { decodeStagedRow } from './staged-rows.ts';
import { stagedTable } from './staged-tables.ts';

export interface StagedSourceInput {
  readonly schema: string;
  readonly staging: Connection;
  /** The real source's dialect, so that names print as the source spells them. */
  readonly sourceDialect: Connection['dialect'];
  readonly mappings: readonly PlannedMapping[];
  readonly tasks: readonly TaskRecord[];
  layout(mappingId: string): ReadLayout;
}

/**
 * The source as the load and validate stages see it in a staged run: every read is answered from the
 * run's staging schema, never from the source database. A request names the source table, filter and
 * key range a task read at extract; it is answered from that task's staged rows, in the order they
 * were read, with only the columns asked for.
 */
export class StagedSource implements Connection {
  readonly capabilities: Capabilities = { ...DEFAULT_CAPABILITIES, keyRangeSplit: false };
  readonly reader: Reader;

  constructor(private readonly input: StagedSourceInput) {
    this.reader = {
      fetch: (request, signal) => this.fetch(request, signal),
      stream: (request, batchSize, signal) => this.stream(request, batchSize, signal),
      count: (table, where) => this.count(table, where),
      bounds: () => Promise.reject(new DataBridgeError('internal', 'a staged run splits tables at extract')),
    };
  }

  get dialect() {
    return this.input.sourceDialect;
  }

  get displayUrl(): string {
    return `${this.input.staging.displayUrl} (schema ${this.input.schema})`;
  }

  get loader(): BulkLoader {
    throw new DataBridgeError('internal', 'nothing is written to the source of a staged run');
  }

  introspect(): Promise<DatabaseSchema> {
    return Promise.reject(new DataBridgeError('internal', 'a staged run keeps its plan'));
  }

  query(): Promise<Record<string, unknown>[]> {
    return Promise.reject(
      new DataBridgeError('internal', 'a staged run does not query its source after extract'),
    );
  }

  ensureCheckpointTable(): Promise<void> {
    return Promise.resolve();
  }

  readCheckpoints() {
    return Promise.resolve([]);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async fetch(request: ReadRequest, signal?: AbortSignal): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const page of this.stream(request, request.limit ?? 2_000, signal)) rows.push(...page);
    return request.limit === undefined ? rows : rows.slice(0, request.limit);
  }

  /** Every staged row, those the cleanse took out included: the source's count, as validation wants it. */
  private async count(table: TableRef, where?: string): Promise<number> {
    const { tasks } = this.resolve({ table, select: [], ...(where ? { where } : {}) }, false);
    let n = 0;
    for (const t of tasks) {
      const [row] = await this.input.staging.query(`SELECT count(*) AS n FROM ${this.qualified(t)}`);
      n += Number(row?.n ?? 0);
    }
    return n;
  }

  private async *stream(request: ReadRequest, batchSize: number, signal?: AbortSignal): AsyncIterable<Row[]> {
    const { tasks, project } = this.resolve(request, true);
    let left = request.limit ?? Number.POSITIVE_INFINITY;
    for (const task of tasks) {
      const table = this.qualified(task);
      let seq = request.after ? await this.seqOf(table, request.after) : 0;
      while (left > 0) {
        // Ending quietly would read as the end of the rows, and the task would commit itself done.
        if (signal?.aborted) throw new DataBridgeError('cancelled', 'the run was cancelled');
        const limit = Math.min(batchSize, left);
        const page = await this.input.staging.query(
          // Rows the cleanse stage took out are not loaded (their reasons are in the rejects file).
          `SELECT seq, row FROM ${table} WHERE seq > $1 AND rejected IS NULL ORDER BY seq LIMIT ${limit}`,
          [seq],
        );
        if (page.length === 0) break;
        seq = Number(page[page.length - 1]!.seq);
        left -= page.length;
        yield page.map((r) => project(decodeStagedRow(String(r.row))));
      }
    }
  }

  /** The seq of the staged row with this key: the rows after it are the ones still to load. */
  private async seqOf(table: string, key: readonly Value[]): Promise<number> {
    const [row] = await this.input.staging.query(`SELECT seq FROM ${table} WHERE key = $1`, [
      encodeStagedKey(key),
    ]);
    if (!row)
      throw new DataBridgeError(
        'internal',
        `the staging table ${table} holds no row with the checkpoint's key`,
      );
    return Number(row.seq);
  }

  private qualified(task: TaskRecord): string {
    return this.input.staging.dialect.qualify(stagedTable(this.input.schema, task.id));
  }

  /** The tasks whose staged rows answer a request, and how to pick the requested columns out of a row. */
  private resolve(request: ReadRequest, needColumns: boolean) {
    const same = (a: TableRef, b: TableRef) => a.schema === b.schema && a.name === b.name;
    const candidates = this.input.mappings.filter(
      (m) => same(m.source, request.table) && (m.where ?? undefined) === (request.where ?? undefined),
    );
    const mapping =
      candidates.length === 1
        ? candidates[0]
        : candidates.find((m) => sameSelect(this.input.layout(m.id).select, request.select));
    if (!mapping) {
      throw new DataBridgeError(
        'internal',
        `the staging schema ${this.input.schema} holds no copy of ${request.table.name} for this read`,
      );
    }
    const all = this.input.tasks.filter((t) => t.mappingId === mapping.id);
    const tasks = request.range
      ? all.filter((t) => String(t.range?.to ?? '') === String(request.range!.to ?? ''))
      : all;
    const staged = this.input.layout(mapping.id).select.map((s) => JSON.stringify(s));
    const indexes = needColumns
      ? request.select.map((item) => {
          const i = staged.indexOf(JSON.stringify(item));
          if (i < 0) {
            throw new DataBridgeError(
              'internal',
              `the staging schema holds no ${'column' in item ? `column ${item.column}` : 'such expression'} of ${mapping.source.name}`,
            );
          }
          return i;
        })
      : [];
    const identity = indexes.every((v, i) => v === i) && indexes.length === staged.length;
    const project = identity ? (row: Row) => row : (row: Row) => indexes.map((i) => row[i]!);
    return { tasks, project };
  }
}

function sameSelect(a: readonly SelectItem[], b: readonly SelectItem[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
