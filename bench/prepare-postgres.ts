import { PG_SOURCE_SCHEMA } from './config.ts';
import { customerLines, orderLines } from './data/lines.ts';
import { GENERATOR_VERSION } from './data/rows.ts';
import { copyIn, ensurePgDatabase, psql } from './postgres.ts';
import { postgresConstraints, postgresTables } from './schema.ts';

const S = PG_SOURCE_SCHEMA;

/** The comment a complete load leaves on dbo.customers: which generator, how many rows. */
const marker = (rows: number) => `databridge-bench v${GENERATOR_VERSION} rows=${rows}`;

/**
 * Fills `database`.dbo with N customers and 2N orders (COPY into bare tables, then keys and ANALYZE),
 * unless it already holds exactly that data. Returns whether it loaded anything.
 */
export async function preparePostgresSource(database: string, rows: number): Promise<boolean> {
  await ensurePgDatabase(database);
  if (await holds(database, rows)) return false;
  await psql(
    database,
    `DROP SCHEMA IF EXISTS ${S} CASCADE; CREATE SCHEMA ${S};\n${postgresTables(S, { constraints: false })}`,
  );
  await copyIn(database, `${S}.customers`, customerLines(rows));
  await copyIn(database, `${S}.orders`, orderLines(rows));
  await psql(database, postgresConstraints(S));
  await psql(
    database,
    `ANALYZE ${S}.customers; ANALYZE ${S}.orders; COMMENT ON TABLE ${S}.customers IS '${marker(rows)}'`,
  );
  return true;
}

async function holds(database: string, rows: number): Promise<boolean> {
  const [[comment] = []] = await psql(
    database,
    `SELECT obj_description(to_regclass('${S}.customers'), 'pg_class')`,
  );
  if (comment !== marker(rows)) return false;
  const [[customers, orders] = []] = await psql(
    database,
    `SELECT (SELECT count(*) FROM ${S}.customers), (SELECT count(*) FROM ${S}.orders)`,
  );
  return Number(customers) === rows && Number(orders) === 2 * rows;
}
