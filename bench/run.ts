/**
 * `npm run bench`: prepares the sources, races DataBridge against the raw COPY pipe and pgloader on
 * each path, checks the target after every run, and writes docs/benchmarks.md. Not part of the tests.
 */
import { expectedFingerprint, type Fingerprint, fingerprintDiff } from './data/fingerprint.ts';
import { describeEnvironment } from './environment.ts';
import { warmUpDataBridge } from './launcher.ts';
import { type MemoryCheck, runMemoryCheck } from './memory-check.ts';
import { type BenchOptions, parseOptions, USAGE } from './options.ts';
import { type BenchPath, PATHS } from './paths.ts';
import { consoleSummary, writeReport } from './report.ts';
import { type Log, runRounds } from './rounds.ts';
import { runSchemaBuild, type SchemaBuildRun } from './schema-build.ts';
import { parallelSpeedUp, summarisePath } from './summary.ts';
import { resetTarget } from './target.ts';
import { ensureTools } from './tools.ts';

const started = performance.now();
const log: Log = (line) => {
  const minutes = ((performance.now() - started) / 60_000).toFixed(1).padStart(5);
  process.stderr.write(`${minutes} min  ${line}\n`);
};

async function main(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const paths = options.paths.map((id) => (options.staged ? PATHS[id] : withoutStaged(PATHS[id])));
  const needPgloader = options.paths.some((id) => id !== 'pg');
  const tools = await ensureTools(needPgloader);
  await resetTarget();
  const environment = await describeEnvironment({
    mysql: options.paths.includes('mysql'),
    pgloader: tools.pgloader,
  });
  log(`N=${options.rows} R=${options.repeat} paths=${options.paths.join(',')} on ${environment.cores} cores`);

  const expected = expectedFingerprint(options.rows);
  for (const path of paths) await prepare(path, options, expected);

  log('databridge --help once, untimed, so that a launcher rebuilding its bundle is not timed');
  await warmUpDataBridge();
  const samples = await runRounds(paths, options.rows, options.repeat, expected, log);
  const summaries = paths.map((p) => summarisePath(p, options.rows, samples.get(p.id) ?? []));
  let memory: MemoryCheck | string | null = null;
  if (options.memoryCheck) {
    const pg = samples.get('pg') ?? [];
    const timedAtN = {
      headline: pg.filter((s) => s.contenderId === 'databridge'),
      checksumOff: pg.filter((s) => s.contenderId === 'databridge-nochecksum'),
    };
    memory = await runMemoryCheck(
      options.rows,
      timedAtN,
      expected,
      { skipPrepare: options.skipPrepare },
      log,
    ).catch((error: unknown) => {
      log(`memory check failed: ${messageOf(error)}`);
      return messageOf(error);
    });
  }
  let schemaBuild: SchemaBuildRun[] | string | null = null;
  if (options.schemaBuild) {
    schemaBuild = await runSchemaBuild(options.rows, log).catch((error: unknown) => {
      log(`schema build failed: ${messageOf(error)}`);
      return messageOf(error);
    });
  }
  await resetTarget();

  const result = {
    options,
    environment,
    paths: summaries,
    samples,
    memory,
    schemaBuild,
    speedUp: parallelSpeedUp(summaries.find((s) => s.path.id === 'pg')),
    minutes: (performance.now() - started) / 60_000,
  };
  process.stdout.write(`${consoleSummary(result)}\n`);
  writeReport(options.reportFile, result);
  log(`wrote ${options.reportFile}`);
}

/** Loads a path's source unless it already holds this N, then proves its content against the generator. */
async function prepare(path: BenchPath, options: BenchOptions, expected: Fingerprint): Promise<void> {
  const t0 = performance.now();
  if (!options.skipPrepare) {
    log(`${path.id}: preparing the source (kept when it already holds N=${options.rows})`);
    const loaded = await path.prepare(options.rows);
    log(
      `${path.id}: source ${loaded ? 'loaded' : 'already prepared'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  const diff = fingerprintDiff(expected, await path.sourceFingerprint(options.rows).catch(() => []));
  if (diff.length > 0) {
    throw new Error(
      `the ${path.title} source does not hold the N=${options.rows} data set (${diff[0]})` +
        (options.skipPrepare ? '; run without --skip-prepare' : ''),
    );
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench: ${messageOf(error)}\n`);
  process.exitCode = 1;
});

/** The path without its staged contender (`--no-staged`): the report then has no staged line. */
function withoutStaged(path: BenchPath): BenchPath {
  return { ...path, contenders: (rows) => path.contenders(rows).filter((c) => !c.staged) };
}
