import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_DIR, DEFAULT_REPORT } from './config.ts';
import { PATH_IDS, type PathId } from './paths.ts';

export interface BenchOptions {
  /** N: customers; orders are 2N. */
  readonly rows: number;
  readonly repeat: number;
  readonly paths: readonly PathId[];
  readonly skipPrepare: boolean;
  /** DataBridge at N and 5N (PostgreSQL to PostgreSQL) to see whether memory stays flat. */
  readonly memoryCheck: boolean;
  /** Both tools building the schema from MariaDB, without and with secondary indexes (issue 14). */
  readonly schemaBuild: boolean;
  /** DataBridge staged (`--staging`) beside each headline run; off for quicker profiling rounds. */
  readonly staged: boolean;
  readonly reportFile: string;
  readonly quick: boolean;
}

export const USAGE = `npm run bench -- [options]

  --rows N            customers (orders are 2N); default 1000000
  --repeat R          runs of each contender, alternated; default 3
  --paths LIST        comma-separated: pg,mysql,sqlite (default all three)
  --skip-prepare      do not load sources; they must already hold the N-row data set
  --memory-check      run DataBridge at N and 5N (PostgreSQL to PostgreSQL); on by default
  --no-memory-check   skip it (it is the longest part)
  --no-schema-build   skip the schema build comparison (MariaDB path: both tools create the tables
                      and indexes, without and with five secondary indexes)
  --no-staged         skip the staged line of each path (DataBridge with --staging), the longest
                      contender: for quicker rounds while profiling
  --report FILE       where the Markdown goes; default docs/benchmarks.md
  --quick             smoke run: 30000 rows, 1 repeat, no memory check, report under bench/.data
  --help`;

/** Reads the command line; throws a one-line message for anything it does not understand. */
export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: 'string' },
      repeat: { type: 'string' },
      paths: { type: 'string' },
      'skip-prepare': { type: 'boolean', default: false },
      'memory-check': { type: 'boolean' },
      'no-memory-check': { type: 'boolean' },
      'no-schema-build': { type: 'boolean', default: false },
      'no-staged': { type: 'boolean', default: false },
      report: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  const paths = (values.paths ?? PATH_IDS.join(','))
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const unknown = paths.filter((p) => !(PATH_IDS as readonly string[]).includes(p));
  if (unknown.length > 0 || paths.length === 0)
    throw new Error(`--paths takes a list of ${PATH_IDS.join(', ')}; got "${values.paths}"`);
  if (values['memory-check'] && values['no-memory-check'])
    throw new Error('give --memory-check or --no-memory-check, not both');
  return {
    rows: positive('--rows', values.rows, quick ? 30_000 : 1_000_000),
    repeat: positive('--repeat', values.repeat, quick ? 1 : 3),
    paths: [...new Set(paths)] as PathId[],
    skipPrepare: values['skip-prepare'] ?? false,
    memoryCheck: values['memory-check'] ?? (values['no-memory-check'] ? false : !quick),
    schemaBuild: paths.includes('mysql') && !(values['no-schema-build'] ?? false),
    staged: !(values['no-staged'] ?? false),
    reportFile: resolve(values.report ?? (quick ? resolve(DATA_DIR, 'benchmarks-quick.md') : DEFAULT_REPORT)),
    quick,
  };
}

function positive(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`${flag} takes a positive whole number; got "${text}"`);
  return n;
}
