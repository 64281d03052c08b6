import { PG_TARGET_DB } from './config.ts';
import { type Fingerprint, postgresFingerprintSql } from './data/fingerprint.ts';
import { ensurePgDatabase, psql } from './postgres.ts';
import { postgresTables } from './schema.ts';

/**
 * Puts the target back to the same empty start before every contender run: the two tables dropped and
 * created again with their keys, DataBridge's checkpoint table gone, and a CHECKPOINT so that no run
 * pays for the previous run's dirty pages.
 */
export async function resetTarget(): Promise<void> {
  await ensurePgDatabase(PG_TARGET_DB);
  await psql(
    PG_TARGET_DB,
    `DROP TABLE IF EXISTS public.orders, public.customers, public._databridge_checkpoints;\n${postgresTables('public', { constraints: true })}`,
  );
  await psql(PG_TARGET_DB, 'CHECKPOINT');
}

export interface TargetRows {
  readonly customers: number;
  readonly orders: number;
}

/** What arrived: row counts of both target tables, and the content fingerprint over every column. */
export async function inspectTarget(): Promise<{ rows: TargetRows; fingerprint: Fingerprint }> {
  const [fingerprint = []] = await psql(PG_TARGET_DB, postgresFingerprintSql('public'));
  return { rows: { customers: Number(fingerprint[0]), orders: Number(fingerprint[6]) }, fingerprint };
}
