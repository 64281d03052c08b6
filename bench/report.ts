import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PG_STAGING_DB } from './config.ts';
import { PGLOADER_WITH } from './contenders/pgloader.ts';
import type { Environment } from './environment.ts';
import { count, mb, rate, ratio, seconds, table, verdict } from './format.ts';
import { launcherNodeFlags } from './launcher.ts';
import { MEMORY_LIMIT_MB, MEMORY_SPREAD, type MemoryCheck, type MemoryPoint } from './memory-check.ts';
import type { BenchOptions } from './options.ts';
import type { PathId } from './paths.ts';
import type { Sample } from './rounds.ts';
import { type SchemaBuildRun, SECONDARY_INDEXES } from './schema-build.ts';
import { type PathSummary, type parallelSpeedUp, stagedOverhead } from './summary.ts';

export interface BenchResult {
  readonly options: BenchOptions;
  readonly environment: Environment;
  readonly paths: readonly PathSummary[];
  readonly samples: ReadonlyMap<PathId, readonly Sample[]>;
  /** The N-versus-5N result, or why it could not run. */
  readonly memory: MemoryCheck | string | null;
  /** Both tools creating the schema, without and with secondary indexes; or why it could not run. */
  readonly schemaBuild: readonly SchemaBuildRun[] | string | null;
  readonly speedUp: ReturnType<typeof parallelSpeedUp>;
  readonly minutes: number;
}

/** The per-path table: one line per contender, medians over the runs that moved the right rows. */
export function pathTable(p: PathSummary): string {
  const rows = p.contenders.map((c) => {
    const vs =
      c.role === 'databridge'
        ? c.rowsPerSecond && p.bestBaseline?.rowsPerSecond
          ? ratio(c.rowsPerSecond / p.bestBaseline.rowsPerSecond)
          : '–'
        : c.rowsPerSecond && p.headline?.rowsPerSecond
          ? ratio(p.headline.rowsPerSecond / c.rowsPerSecond)
          : '–';
    const own = c.own
      ? `${seconds(c.own.seconds)} (load ${seconds(c.own.load)} + validate ${seconds(c.own.validate)})`
      : '';
    const runs = `${c.counted}/${c.runs}${c.problems.length > 0 ? ' ⚠' : ''}`;
    return [
      c.headline ? `**${c.label}**` : c.label,
      runs,
      seconds(c.medianSeconds),
      rate(c.rowsPerSecond),
      vs,
      own,
      mb(c.maxRssMb),
    ];
  });
  const header = [
    'contender',
    'runs counted',
    'median s',
    'rows/s',
    'ratio',
    "DataBridge's own s",
    'peak RSS',
  ];
  const problems = p.contenders.flatMap((c) => c.problems.map((problem) => `- ⚠ ${c.label}: ${problem}`));
  return [table(header, rows), ...(problems.length > 0 ? ['', ...problems] : [])].join('\n');
}

/** The first PostgreSQL target, against pipes that check the foreign key row by row. */
const AS_FIRST_SPECIFIED = 0.85;

function targetRows(r: BenchResult): string[][] {
  const out: string[][] = [];
  for (const p of r.paths) {
    const measured =
      p.ratio === null
        ? 'no valid result'
        : `${ratio(p.ratio)} (${rate(p.headline?.rowsPerSecond)} vs ${rate(p.bestBaseline?.rowsPerSecond)} rows/s, ${p.bestBaseline?.label})`;
    out.push([
      `${p.path.title}: DataBridge ≥ ${p.path.target.ratio}× ${p.path.target.against} (rows/s)`,
      measured,
      verdict(p.pass),
    ]);
  }
  for (const p of r.paths) {
    const off = p.path.checksumOffTarget;
    const line = off && p.contenders.find((c) => c.id === off.contenderId);
    if (!off || !line) continue;
    const q =
      line.rowsPerSecond && p.bestBaseline?.rowsPerSecond
        ? line.rowsPerSecond / p.bestBaseline.rowsPerSecond
        : null;
    out.push([
      `${p.path.title}, checksum off: DataBridge ≥ ${off.ratio}× ${p.path.target.against} (rows/s)`,
      q === null
        ? 'no valid result'
        : `${ratio(q)} (${rate(line.rowsPerSecond)} vs ${rate(p.bestBaseline?.rowsPerSecond)} rows/s, ${p.bestBaseline?.label})`,
      verdict(q === null ? null : q >= off.ratio),
    ]);
  }
  for (const p of r.paths) {
    const cpu = p.headline?.cpuPerMillionRows;
    if (cpu === null || cpu === undefined) continue;
    out.push([
      `${p.path.title}: DataBridge's CPU seconds per million rows (user + system, whole command)`,
      `${cpu.toFixed(2)} s (${seconds((cpu * p.rowsMoved) / 1_000_000)} s of CPU for ${count(p.rowsMoved)} rows, median)`,
      'reported',
    ]);
  }
  const pg = r.paths.find((p) => p.path.id === 'pg');
  const rowByRow = pg?.contenders
    .filter((c) => (c.id === 'copy-text' || c.id === 'copy-binary') && c.rowsPerSecond !== null)
    .sort((a, b) => b.rowsPerSecond! - a.rowsPerSecond!)[0];
  if (pg?.headline?.rowsPerSecond && rowByRow?.rowsPerSecond) {
    // The issue's pipes check the foreign key row by row; DataBridge by default checks it once after
    // the load. The row above holds DataBridge to the pipe that does the same; this one, to the letter.
    const q = pg.headline.rowsPerSecond / rowByRow.rowsPerSecond;
    out.push([
      `${pg.path.title}, as first specified: DataBridge ≥ ${AS_FIRST_SPECIFIED}× the faster of the text and binary pipes (foreign key checked row by row)`,
      `${ratio(q)} (${rate(pg.headline.rowsPerSecond)} vs ${rate(rowByRow.rowsPerSecond)} rows/s, ${rowByRow.label})`,
      verdict(q >= AS_FIRST_SPECIFIED),
    ]);
  }
  for (const p of r.paths) {
    const peak = p.headline?.counted ? p.headline.maxRssMb : null;
    out.push([
      `${p.path.title}: DataBridge peak RSS < ${MEMORY_LIMIT_MB} MB at N`,
      mb(peak),
      verdict(peak === null ? null : peak < MEMORY_LIMIT_MB),
    ]);
  }
  for (const p of r.paths) {
    const o = stagedOverhead(p);
    if (!o) continue;
    out.push([
      `${p.path.title}: DataBridge staged (--staging, one more COPY into and out of PostgreSQL) against direct, same rounds; peak RSS < ${MEMORY_LIMIT_MB} MB`,
      `${ratio(o.time)} the time (${seconds(o.direct.seconds)} → ${seconds(o.staged.seconds)} s), peak RSS ${mb(o.staged.peakRssMb)} (direct ${mb(o.direct.peakRssMb)})`,
      verdict(o.staged.peakRssMb === null ? null : o.staged.peakRssMb < MEMORY_LIMIT_MB),
    ]);
  }
  if (typeof r.memory === 'string') {
    out.push(['Peak RSS at N and 5N', `the memory check failed: ${r.memory}`, verdict(null)]);
  } else if (r.memory) {
    const m = r.memory;
    out.push([
      `PostgreSQL to PostgreSQL: peak RSS < ${MEMORY_LIMIT_MB} MB at N and 5N, within ${MEMORY_SPREAD * 100}% of each other`,
      `N: ${mb(m.atN.peakRssMb)}, 5N: ${mb(m.at5N.peakRssMb)} (${m.spread === null ? '–' : `${(m.spread * 100).toFixed(0)}%`} apart)`,
      verdict(m.pass),
    ]);
  }
  if (r.speedUp) {
    const s = r.speedUp;
    out.push([
      'Parallelism 4 over 1 (key-range split), PostgreSQL to PostgreSQL',
      `${ratio(s.whole)} whole command (${seconds(s.p1.seconds)} → ${seconds(s.p4.seconds)} s); ${ratio(s.load)} load stages (${seconds(s.p1.load)} → ${seconds(s.p4.load)} s)`,
      `reported (${r.environment.cores} cores)`,
    ]);
  }
  return out;
}

/** What stdout shows at the end: each path's table and the targets. */
export function consoleSummary(r: BenchResult): string {
  const parts = r.paths.map(
    (p) => `\n${p.path.title} (${count(p.rowsMoved)} rows per run)\n\n${pathTable(p)}`,
  );
  parts.push(`\nTargets\n\n${table(['target', 'measured', 'result'], targetRows(r))}\n`);
  const versions = engineVersions(r);
  if (versions.length > 1)
    parts.push(`WARNING: the DataBridge sources changed during the run. ${versionNote(r)}\n`);
  return parts.join('\n');
}

/** docs/benchmarks.md, all of it generated: results first, then how they were measured. */
export function renderReport(r: BenchResult): string {
  const { environment: e, options: o } = r;
  const n = o.rows;
  const versions = engineVersions(r);
  const lines: string[] = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.ts); edits here are overwritten by the next run. -->',
    '',
    `Run on ${e.date}: ${e.cores} cores (${e.cpu}), ${e.memoryGiB} GiB memory, Node.js ${e.node}, PostgreSQL ${e.postgres}` +
      `${e.mariadb ? `, MariaDB ${e.mariadb}` : ''}${e.pgloader ? `, ${e.pgloader}` : ''}, SQLite ${e.sqlite} (better-sqlite3); ` +
      `DataBridge at commit ${e.commit}, sources ${versions.join(', ') || 'not run'} (a hash of the CLI launcher and every source it bundles). ` +
      `Servers as installed: PostgreSQL ${e.postgresSettings}` +
      `${e.mariadbSettings ? `; MariaDB ${e.mariadbSettings}` : ''}.`,
    '',
    `N = ${count(n)}: every run moves ${count(n)} customers and ${count(2 * n)} orders (${count(3 * n)} rows) into an empty ` +
      `PostgreSQL target. Each contender ran ${o.repeat} time${o.repeat > 1 ? 's' : ''}, alternated with the others; ` +
      `figures are medians over the runs that moved exactly the data set. The whole benchmark took ${r.minutes.toFixed(1)} minutes.`,
    '',
    ...(versions.length > 1
      ? [`> ⚠ **The DataBridge sources changed while this benchmark ran.** ${versionNote(r)}`, '']
      : []),
    '## Targets',
    '',
    table(['target', 'measured', 'result'], targetRows(r)),
    '',
    'The headline DataBridge line of each path (in bold below) runs with the default validation: row counts **and** ' +
      'checksums of every column on both sides, inside the timed run. The PostgreSQL path also shows DataBridge with ' +
      'the checksum off, so the cost of validation is visible; on every path "DataBridge\'s own s" splits its ' +
      'reported `seconds` into everything before validation ("load": planning, extract and the load stages, which ' +
      'run at the same time when no foreign key is checked while loading) and the validate stage.',
    '',
  ];
  for (const p of r.paths) {
    lines.push(`## ${p.path.title}`, '', pathTable(p), '');
  }
  lines.push(
    '"ratio": on a DataBridge line, its rows/s over the fastest baseline\'s; on a baseline line, the headline ' +
      'DataBridge\'s rows/s over this baseline\'s (above 1 means DataBridge is faster). "median s" is the whole command, ' +
      'wall clock, from spawn to exit. "peak RSS" is the largest of the runs (GNU time `%M`, the kernel\'s maximum ' +
      'resident set of the process and of the children it waited for; for the COPY pipes that is the largest single psql).',
    '',
  );
  if (r.memory && typeof r.memory !== 'string') {
    const m = r.memory;
    lines.push(
      '## Memory at N and 5N',
      '',
      table(
        [
          'rows moved',
          'checksum',
          'runs',
          'peak RSS',
          'median s',
          "DataBridge's load + validate s",
          'problem',
        ],
        memoryRows(m),
      ),
      '',
      `The PostgreSQL spec (parallelism 4, batches of 10,000) at N (the timed runs above, largest peak) and at ` +
        `5N = ${count(5 * n)} customers and ${count(10 * n)} orders from a second source database (one run each), ` +
        'with the default validation (the target) and, for comparison, with the checksum off.',
      '',
    );
  }
  lines.push(...schemaBuildSection(r.schemaBuild));
  lines.push(...method(r), ...runLog(r));
  return `${lines.join('\n')}\n`;
}

function memoryRows(m: MemoryCheck): string[][] {
  const points: [MemoryPoint | null, string][] = [
    [m.atN, 'on'],
    [m.at5N, 'on'],
    [m.checksumOff.atN, 'off'],
    [m.checksumOff.at5N, 'off'],
  ];
  return points.flatMap(([p, checksum]) =>
    p
      ? [
          [
            count(3 * p.rows),
            checksum,
            String(p.runs),
            mb(p.peakRssMb),
            seconds(p.seconds),
            `${seconds(p.load)} + ${seconds(p.validate)}`,
            p.problem ?? '',
          ],
        ]
      : [],
  );
}

function method(r: BenchResult): string[] {
  return [
    '## How it is measured',
    '',
    '- **Data.** `bench/data/rows.ts` computes every row from its key (a hash-seeded PRNG per row), so each run and each ' +
      'database holds the same content: `customers(id bigint PK, name, email text, country char(2), created_at timestamp, ' +
      'balance numeric(12,2), active boolean, notes text, NULL in ~30%)` and `orders(id bigint PK, customer_id → ' +
      'customers, ordered_at timestamp, amount numeric(12,2), status, note text, NULL in ~75%)`, with accented names, ' +
      'quotes and commas in the text. It is streamed into PostgreSQL (`COPY` into schema `dbo` of `databridge_bench_src`), ' +
      'MariaDB (`LOAD DATA LOCAL INFILE` into `databridge_bench`, InnoDB, utf8mb4) and an SQLite file under `bench/.data/` ' +
      '(prepared inserts). A source is reloaded only when it does not hold exactly this N from this generator version.',
    '- **Content check.** Twelve sums over every column (counts, cents, booleans, NULLs, characters, seconds since 2015) ' +
      'are computed from the generator and checked against each source before the runs, and against the target after ' +
      'every run. A run that moved a different row count or content is listed as not counted and left out of the medians.',
    '- **Target.** `databridge_bench_dst`, schema `public`: before every run both tables are dropped and created again ' +
      "with the same DDL (primary keys, `orders.customer_id` foreign key), DataBridge's checkpoint table is dropped, and " +
      "a `CHECKPOINT` flushes the previous run's pages.",
    '- **Order.** Each round runs every contender of every path once; the order within a path rotates every round.',
    `- **DataBridge** runs as \`${['node', ...launcherNodeFlags()].join(' ')} apps/cli/bin/databridge.js run <spec> --json\` ` +
      "(node itself under GNU time, no npx; the node flags are the ones the bin's `#!` line asks for, so the run is " +
      'what `npx databridge` starts; one untimed `databridge --help` first lets the launcher rebuild its bundle), ' +
      'with a fresh `DATABRIDGE_DATA_DIR` under `bench/.data/`; the spec maps both tables column by column, ' +
      '`batchSize: 10000`, `parallelism: 4` (1 for the parallelism line), `createTables: false`. A run counts only with ' +
      '`"status": "completed"` and exit code 0. With its defaults it drops the foreign key of `orders` for the load and ' +
      'adds it back with one validating scan inside the timed run (`foreignKeyCheck: after_load`, as pgloader does), ' +
      "and from MariaDB and SQLite it sums the source rows' checksum while loading, so validation reads the target only.",
    `- **DataBridge staged** is the headline run of its path with \`--staging postgres://…/${PG_STAGING_DB}\` (a database ` +
      'on the same local PostgreSQL, created when missing): the extract copies both tables into a schema of the run there ' +
      'in one consistent snapshot of the source, the loads read that schema, and a completed run drops it. Its overhead ' +
      'is its median time over the direct headline run of the same rounds.',
    '- **Raw COPY pipe** (PostgreSQL path): `psql -c "COPY dbo.T TO STDOUT" | psql -c "COPY public.T FROM STDIN"` for ' +
      'customers and then orders in one `bash -c` with `set -o pipefail`, in text and in `(FORMAT binary)`. One stream ' +
      'per table, so one backend on each side, and the foreign key checked row by row. A third pipe does what DataBridge ' +
      'does by default: drops the foreign key, runs the binary pipes of both tables at the same time, and adds the key ' +
      'back (one validating scan), all in the timed script.',
    `- **pgloader** (${r.environment.pgloader ?? 'Debian package'}; the benchmark installs it with apt-get when missing) ` +
      `reads the source directly with \`WITH ${PGLOADER_WITH}\`, restricted to the two tables, and \`ALTER SCHEMA ` +
      `'databridge_bench' RENAME TO 'public'\` for MariaDB (pgloader otherwise targets a schema named after the MySQL ` +
      'database). All other settings are its defaults (workers 4, concurrency 1, batch rows 25,000, prefetch rows ' +
      "100,000). Note what those defaults do with pre-created tables: pgloader drops the target's foreign key, loads " +
      'the two tables at the same time, then adds the foreign key back (one validating scan) — all inside its timed ' +
      'run, and the target ends with the same keys; so does DataBridge by default. It connects to MariaDB as ' +
      "`root` without a password over TCP; that works with MariaDB 10.11's " +
      '`mysql_native_password`, so no workaround was needed. Its logs stay in `bench/.data/pgloader/`.',
    "- **Memory.** Peak RSS comes from GNU time (`/usr/bin/time -f %M`): the kernel's high-water mark, not a sample.",
    "- **CPU.** DataBridge's CPU seconds per million rows are GNU time's user + system seconds (`%U + %S`) of the " +
      'whole command over the rows it moved, median of the counted runs: a figure that other work on a shared ' +
      'machine moves far less than wall time.',
    '',
    '## Run it',
    '',
    '```sh',
    'npm run bench                              # N = 1,000,000, 3 rounds, all paths, memory check (long)',
    'npm run bench -- --rows 200000 --repeat 3  # smaller N',
    'npm run bench -- --paths pg,sqlite --no-memory-check',
    'npm run bench -- --quick                   # smoke run; writes bench/.data/benchmarks-quick.md',
    '```',
    '',
    'It needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and MariaDB at 127.0.0.1:3306 (root, no password), ' +
      'as the tests do, and runs as root to install pgloader. Sources are kept between runs; `--skip-prepare` refuses ' +
      'to load them.',
    '',
  ];
}

/** The DataBridge source versions that ran, in order of first use. */
function engineVersions(r: BenchResult, only?: (path: string) => boolean): string[] {
  const samples = allSamples(r).filter(({ path }) => !only || only(path));
  return [...new Set(samples.flatMap(({ sample }) => (sample.engine ? [sample.engine] : [])))];
}

/** Which runs a change of sources touched: the timed rounds (their medians mix versions) or only the memory check. */
function versionNote(r: BenchResult): string {
  const timed = engineVersions(r, (path) => !path.includes('memory'));
  const memory = engineVersions(r, (path) => path.includes('memory'));
  const where =
    timed.length > 1
      ? `The timed rounds used ${timed.join(' → ')}, so their medians mix versions.`
      : `Every timed round used ${timed[0] ?? 'none'}; the memory check ran ${memory.join(' → ')}.`;
  return `${where} The engine column under "Every run" says which run used which.`;
}

function allSamples(r: BenchResult): { path: string; label: string; sample: Sample }[] {
  const out: { path: string; label: string; sample: Sample }[] = [];
  for (const p of r.paths) {
    for (const sample of r.samples.get(p.path.id) ?? []) {
      const label = p.contenders.find((c) => c.id === sample.contenderId)?.label ?? sample.contenderId;
      out.push({ path: p.path.id, label, sample });
    }
  }
  if (r.memory && typeof r.memory !== 'string') {
    for (const sample of r.memory.samples)
      out.push({ path: 'pg, memory check', label: sample.contenderId, sample });
  }
  return out;
}

function runLog(r: BenchResult): string[] {
  const rows = allSamples(r).map(({ path, label, sample: s }) => [
    path,
    String(s.round),
    label,
    seconds(s.seconds),
    s.databridge ? seconds(s.databridge.seconds) : '',
    mb(s.peakRssMb),
    s.loadBefore.toFixed(1),
    s.engine ?? '',
    s.problem ?? 'ok',
  ]);
  const header = [
    'path',
    'round',
    'contender',
    'seconds',
    "DataBridge's own s",
    'peak RSS',
    'load',
    'engine',
    'check',
  ];
  return [
    '## Every run',
    '',
    '"load" is the 1-minute load average as the run started (the benchmark itself keeps it near 1-2 on ' +
      `${r.environment.cores} cores; more means other work shared the machine).`,
    '',
    table(header, rows),
    '',
  ];
}

export function writeReport(file: string, r: BenchResult): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderReport(r));
}

/** Each tool with and without the secondary indexes, and what building them cost it. */
function schemaBuildSection(runs: readonly SchemaBuildRun[] | string | null): string[] {
  if (runs === null) return [];
  const heading = '## Building the schema: indexes after the load';
  if (typeof runs === 'string') return [heading, '', `The schema build comparison failed: ${runs}`, ''];
  const rows = runs.map((run) => {
    const without = runs.find((o) => o.tool === run.tool && !o.secondaryIndexes);
    const cost = run.secondaryIndexes && without ? seconds(run.seconds - without.seconds) : '';
    return [
      run.tool,
      run.secondaryIndexes ? `${SECONDARY_INDEXES.length} secondary` : 'keys only',
      seconds(run.seconds),
      cost,
      run.cpuSeconds === null ? '–' : seconds(run.cpuSeconds),
      mb(run.peakRssMb),
      String(run.indexes),
      String(run.identities),
      run.error ?? 'ok',
    ];
  });
  return [
    heading,
    '',
    table(
      [
        'tool',
        'source indexes',
        'wall s',
        'index cost s',
        'CPU s',
        'peak RSS',
        'indexes in target',
        'sequences',
        'check',
      ],
      rows,
    ),
    '',
    'MariaDB to PostgreSQL with each tool creating the tables itself (DataBridge `createTables: true` with the ' +
      "default validation; pgloader's defaults: create tables, create indexes, reset sequences, foreign keys), one run " +
      `each into an emptied target, first as the source is, then with ${SECONDARY_INDEXES.length} secondary indexes added ` +
      `to it (${SECONDARY_INDEXES.map(([t, , c]) => `${t} ${c}`).join(', ')}). "index cost" is the second run's wall time ` +
      'minus the first\'s: what building those indexes after the load cost the tool. "indexes in target" counts every index ' +
      'on the two tables (primary keys included); "sequences" the sequences behind identity or serial columns.',
    '',
  ];
}
