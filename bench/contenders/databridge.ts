import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DATA_DIR, PG_STAGING_DB, PG_TARGET_DB, pgUrl } from '../config.ts';
import { CUSTOMER_COLUMNS, ORDER_COLUMNS } from '../data/rows.ts';
import { engineVersion } from '../engine-version.ts';
import { dataBridgeCommand } from '../launcher.ts';
import { measure } from '../measure.ts';
import { ensurePgDatabase } from '../postgres.ts';
import type { Contender, ContenderRun, DataBridgeAccount } from './contender.ts';

export interface DataBridgeSettings {
  readonly id: string;
  readonly label: string;
  readonly headline?: boolean;
  readonly sourceUrl: string;
  /** Source table names: `dbo.customers` in PostgreSQL, bare names elsewhere. */
  readonly sourceTables: { readonly customers: string; readonly orders: string };
  readonly parallelism: number;
  readonly checksum: boolean;
  /** DataBridge creates the target tables, keys and indexes itself (the schema-build comparison). */
  readonly createTables?: boolean;
  /** Through a staging database on the local PostgreSQL (`run --staging`): extract, then load from it. */
  readonly staged?: boolean;
}

/** The same run through the staging database, as its own line beside the direct one. */
export function stagedTwin(s: DataBridgeSettings): DataBridgeSettings {
  return {
    ...s,
    id: `${s.id}-staged`,
    label: `${s.label.replace(/^DataBridge/, 'DataBridge staged (--staging)')}`,
    headline: false,
    staged: true,
  };
}

/** The spec the run executes: both tables, every column by name, batches of 10,000 rows. */
export function benchSpec(s: DataBridgeSettings) {
  const columns = (names: readonly string[]) => names.map((name) => ({ source: name, target: name }));
  return {
    version: 1,
    name: `bench-${s.id}`,
    source: { url: s.sourceUrl },
    target: { url: pgUrl(PG_TARGET_DB) },
    pipeline: {
      batchSize: 10_000,
      parallelism: s.parallelism,
      errorPolicy: 'fail_fast',
      createTables: s.createTables ?? false,
      validation: { rowCount: true, checksum: s.checksum },
    },
    mappings: [
      { source: s.sourceTables.customers, target: 'customers', columns: columns(CUSTOMER_COLUMNS) },
      { source: s.sourceTables.orders, target: 'orders', columns: columns(ORDER_COLUMNS) },
    ],
  };
}

/**
 * DataBridge as a user runs it: `node <the bin's flags> apps/cli/bin/databridge.js run <spec> --json`
 * in a child process (node itself under GNU time, so the peak RSS is DataBridge's), with a fresh data
 * directory.
 */
export function dataBridge(s: DataBridgeSettings): Contender {
  const specFile = resolve(DATA_DIR, `spec-${s.id}.json`);
  const dataDir = resolve(DATA_DIR, 'databridge');
  return {
    id: s.id,
    label: s.label,
    role: 'databridge',
    headline: s.headline ?? false,
    ...(s.staged ? { staged: true } : {}),
    async run(): Promise<ContenderRun> {
      mkdirSync(DATA_DIR, { recursive: true });
      writeFileSync(specFile, `${JSON.stringify(benchSpec(s), null, 2)}\n`);
      rmSync(dataDir, { recursive: true, force: true });
      const engine = engineVersion();
      if (s.staged) await ensurePgDatabase(PG_STAGING_DB);
      const staging = s.staged ? ['--staging', pgUrl(PG_STAGING_DB)] : [];
      const [node, args] = dataBridgeCommand(['run', specFile, ...staging, '--json']);
      const measured = await measure(node, args, { DATABRIDGE_DATA_DIR: dataDir });
      const summary = parseSummary(measured.stdout);
      let error: string | null = null;
      if (!summary)
        error = `exit ${measured.code}, no JSON summary: ${lastLines(measured.stderr || measured.stdout)}`;
      else if (summary.account.status !== 'completed' || measured.code !== 0)
        error = `status ${summary.account.status}, exit ${measured.code}: ${summary.error ?? lastLines(measured.stderr)}`;
      return { measured, error, engine, ...(summary ? { databridge: summary.account } : {}) };
    },
  };
}

interface SummaryJson {
  status: string;
  seconds: number;
  error: { code: string; message: string } | null;
  stages: { id: string; status: string; seconds: number }[];
  totals: { rowsWritten: number };
}

/** The parts of `run --json` the benchmark reads; null when stdout is not that document. */
function parseSummary(stdout: string): { error: string | null; account: DataBridgeAccount } | null {
  try {
    const s = JSON.parse(stdout) as SummaryJson;
    const stages: Record<string, number> = {};
    for (const stage of s.stages) stages[stage.id] = stage.seconds;
    return {
      error: s.error ? `${s.error.code}: ${s.error.message}` : null,
      account: { status: s.status, seconds: s.seconds, stages, rowsWritten: s.totals.rowsWritten },
    };
  } catch {
    return null;
  }
}

/** The lines of a failed command worth showing: its error lines when it has any, else its last lines. */
export function lastLines(text: string, count = 5): string {
  const lines = text.trim().split('\n');
  const errors = lines.filter((l) => /error|fatal/i.test(l) && !/^\s+at /.test(l));
  return (errors.length > 0 ? errors.slice(0, count) : lines.slice(-count)).join(' | ').slice(0, 1_000);
}
