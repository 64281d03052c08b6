import { PG_SOURCE_5N_DB, PG_SOURCE_DB, PG_SOURCE_SCHEMA, pgUrl } from './config.ts';
import { dataBridge } from './contenders/databridge.ts';
import { type Fingerprint, postgresFingerprintSql } from './data/fingerprint.ts';
import { median } from './measure.ts';
import { psql } from './postgres.ts';
import { preparePostgresSource } from './prepare-postgres.ts';
import { type Log, type Sample, timedRun } from './rounds.ts';
import { loadSeconds } from './summary.ts';

/** Peak RSS limit and the largest allowed difference between N and 5N. */
export const MEMORY_LIMIT_MB = 200;
export const MEMORY_SPREAD = 0.2;

export interface MemoryPoint {
  readonly rows: number;
  /** The largest peak of the runs. */
  readonly peakRssMb: number | null;
  /** Median wall-clock seconds, and DataBridge's own load and validate stage seconds. */
  readonly seconds: number;
  readonly load: number | null;
  readonly validate: number | null;
  readonly runs: number;
  readonly problem: string | null;
}

export interface MemoryCheck {
  readonly atN: MemoryPoint;
  readonly at5N: MemoryPoint;
  /** |5N - N| / N */
  readonly spread: number | null;
  readonly pass: boolean;
  /** The same runs with the checksum off (information: shows what validation adds). */
  readonly checksumOff: { readonly atN: MemoryPoint | null; readonly at5N: MemoryPoint };
  /** The runs made here (5N; N too when there were no timed runs to reuse). */
  readonly samples: readonly Sample[];
}

/** The headline spec (PostgreSQL to PostgreSQL, parallelism 4) from a given source. */
const headline = (database: string, id: string, checksum = true) =>
  dataBridge({
    id,
    label: `DataBridge, parallelism 4${checksum ? '' : ', checksum off'}`,
    sourceUrl: pgUrl(database),
    sourceTables: { customers: `${PG_SOURCE_SCHEMA}.customers`, orders: `${PG_SOURCE_SCHEMA}.orders` },
    parallelism: 4,
    checksum,
  });

/**
 * DataBridge's peak RSS at N and at 5N rows on the same spec. N reuses the timed PostgreSQL runs when
 * there are any (their largest peak); 5N gets its own source database and one run, then one more with
 * the checksum off.
 */
export async function runMemoryCheck(
  rows: number,
  timedAtN: { readonly headline: readonly Sample[]; readonly checksumOff: readonly Sample[] },
  expectedAtN: Fingerprint,
  options: { skipPrepare: boolean },
  log: Log,
): Promise<MemoryCheck> {
  const samples: Sample[] = [];
  const keep = async (sample: Promise<Sample>) => {
    samples.push(await sample);
    return [samples.at(-1)!];
  };
  const atN =
    timedAtN.headline.length > 0
      ? point(rows, timedAtN.headline)
      : point(rows, await keep(timedRun(headline(PG_SOURCE_DB, 'databridge'), 1, rows, expectedAtN)));
  log(`memory check: N=${rows}: peak RSS ${atN.peakRssMb?.toFixed(0)} MB over ${atN.runs} run(s)`);
  const big = 5 * rows;
  if (!options.skipPrepare) {
    log(`memory check: preparing ${big} customers and ${2 * big} orders in ${PG_SOURCE_5N_DB}`);
    await preparePostgresSource(PG_SOURCE_5N_DB, big);
  }
  const [expected5N = []] = await psql(PG_SOURCE_5N_DB, postgresFingerprintSql(PG_SOURCE_SCHEMA)).catch(
    () => [],
  );
  if (Number(expected5N[0]) !== big)
    throw new Error(`${PG_SOURCE_5N_DB} does not hold ${big} customers; run without --skip-prepare`);
  const at5N = point(
    big,
    await keep(timedRun(headline(PG_SOURCE_5N_DB, 'databridge-5n'), 1, big, expected5N)),
  );
  log(
    `memory check: 5N=${big}: ${at5N.problem ?? `peak RSS ${at5N.peakRssMb?.toFixed(0)} MB, ${at5N.seconds.toFixed(1)} s`}`,
  );
  const spread =
    atN.peakRssMb && at5N.peakRssMb ? Math.abs(at5N.peakRssMb - atN.peakRssMb) / atN.peakRssMb : null;
  const pass =
    atN.problem === null &&
    at5N.problem === null &&
    spread !== null &&
    spread <= MEMORY_SPREAD &&
    Math.max(atN.peakRssMb!, at5N.peakRssMb!) < MEMORY_LIMIT_MB;
  const offAt5N = point(
    big,
    await keep(timedRun(headline(PG_SOURCE_5N_DB, 'databridge-5n-nochecksum', false), 1, big, expected5N)),
  );
  log(
    `memory check: 5N=${big}, checksum off: ${offAt5N.problem ?? `peak RSS ${offAt5N.peakRssMb?.toFixed(0)} MB`}`,
  );
  const offAtN = timedAtN.checksumOff.length > 0 ? point(rows, timedAtN.checksumOff) : null;
  return { atN, at5N, spread, pass, checksumOff: { atN: offAtN, at5N: offAt5N }, samples };
}

function point(rows: number, samples: readonly Sample[]): MemoryPoint {
  const rss = samples.map((s) => s.peakRssMb).filter((m): m is number => m !== null);
  const accounts = samples.flatMap((s) => (s.databridge ? [s.databridge] : []));
  return {
    rows,
    peakRssMb: rss.length > 0 ? Math.max(...rss) : null,
    seconds: median(samples.map((s) => s.seconds)),
    load: accounts.length > 0 ? median(accounts.map(loadSeconds)) : null,
    validate: accounts.length > 0 ? median(accounts.map((a) => a.stages.validate ?? 0)) : null,
    runs: samples.length,
    problem: samples.find((s) => s.problem !== null)?.problem ?? null,
  };
}
