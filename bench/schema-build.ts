/**
 * The schema both tools build themselves (issue 14): MariaDB to PostgreSQL with `createTables` for
 * DataBridge and pgloader's defaults (create tables, create indexes, reset sequences, foreign keys),
 * once as the source is and once with five secondary indexes added to it. The difference between the
 * two runs of a tool is what building those indexes after the load cost it.
 */
import { MYSQL, MYSQL_DB, mysqlUrl, PG, PG_TARGET_DB } from './config.ts';
import { dataBridge } from './contenders/databridge.ts';
import { pgloader } from './contenders/pgloader.ts';
import { mysql } from './mysql.ts';
import { ensurePgDatabase, psql } from './postgres.ts';
import type { Log } from './rounds.ts';

export interface SchemaBuildRun {
  readonly tool: 'DataBridge' | 'pgloader';
  readonly secondaryIndexes: boolean;
  readonly seconds: number;
  readonly cpuSeconds: number | null;
  readonly peakRssMb: number | null;
  /** Indexes on the two target tables afterwards (primary keys included), and sequences/identities. */
  readonly indexes: number;
  readonly identities: number;
  readonly rows: number;
  readonly error: string | null;
}

/** Five indexes an application would have: single and multi-column, on numbers, dates and text. */
export const SECONDARY_INDEXES = [
  ['customers', 'ix_customers_country_created', '(country, created_at)'],
  ['customers', 'ix_customers_balance', '(balance)'],
  ['orders', 'ix_orders_ordered_at', '(ordered_at)'],
  ['orders', 'ix_orders_status', '(status)'],
  ['orders', 'ix_orders_status_ordered', '(status, ordered_at)'],
] as const;

const COMMAND = `LOAD DATABASE
  FROM mysql://${MYSQL.user}@${MYSQL.host}:${MYSQL.port}/${MYSQL_DB}
  INTO postgresql://${PG.user}@${PG.host}:${PG.port}/${PG_TARGET_DB}
INCLUDING ONLY TABLE NAMES MATCHING 'customers', 'orders'
ALTER SCHEMA '${MYSQL_DB}' RENAME TO 'public'
;
`;

/** Runs the four builds (two tools, without and with the secondary indexes), the source restored after. */
export async function runSchemaBuild(rows: number, log: Log): Promise<SchemaBuildRun[]> {
  const runs: SchemaBuildRun[] = [];
  await dropSecondaryIndexes();
  try {
    for (const secondaryIndexes of [false, true]) {
      if (secondaryIndexes) {
        log('schema build: adding five secondary indexes to the MariaDB source');
        await mysql(
          MYSQL_DB,
          SECONDARY_INDEXES.map(
            ([table, name, columns]) => `CREATE INDEX ${name} ON ${table} ${columns}`,
          ).join(';'),
        );
      }
      for (const tool of ['pgloader', 'DataBridge'] as const) {
        await emptyTarget();
        const contender =
          tool === 'pgloader'
            ? pgloader('schema-build', COMMAND)
            : dataBridge({
                id: 'databridge-schema-build',
                label: 'DataBridge, creating the schema',
                sourceUrl: mysqlUrl(MYSQL_DB),
                sourceTables: { customers: 'customers', orders: 'orders' },
                parallelism: 4,
                checksum: true,
                createTables: true,
              });
        const run = await contender.run();
        const [[indexes = '0', identities = '0', customers = '0', orders = '0'] = []] = await psql(
          PG_TARGET_DB,
          `SELECT (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('customers', 'orders')),
                  (SELECT count(*) FROM pg_sequences WHERE schemaname = 'public'),
                  (SELECT count(*) FROM public.customers), (SELECT count(*) FROM public.orders)`,
        ).catch(() => [[]]);
        const moved = Number(customers) + Number(orders);
        const error =
          run.error ?? (moved === 3 * rows ? null : `${moved} rows in the target, not ${3 * rows}`);
        runs.push({
          tool,
          secondaryIndexes,
          seconds: run.measured.seconds,
          cpuSeconds: run.measured.cpuSeconds,
          peakRssMb: run.measured.peakRssMb,
          indexes: Number(indexes),
          identities: Number(identities),
          rows: moved,
          error,
        });
        log(
          `schema build: ${tool} ${secondaryIndexes ? 'with' : 'without'} secondary indexes ${run.measured.seconds.toFixed(1)} s, ${indexes} indexes${error ? `, ${error}` : ''}`,
        );
      }
    }
  } finally {
    await dropSecondaryIndexes();
    await emptyTarget();
  }
  return runs;
}

async function dropSecondaryIndexes(): Promise<void> {
  for (const [table, name] of SECONDARY_INDEXES)
    await mysql(MYSQL_DB, `DROP INDEX IF EXISTS ${name} ON ${table}`);
}

/** Nothing of either tool's last build left: each builds its own tables from scratch. */
async function emptyTarget(): Promise<void> {
  await ensurePgDatabase(PG_TARGET_DB);
  await psql(
    PG_TARGET_DB,
    'DROP TABLE IF EXISTS public.orders, public.customers, public._databridge_checkpoints CASCADE',
  );
  await psql(PG_TARGET_DB, 'CHECKPOINT');
}
