import type { Contender, DataBridgeAccount } from './contenders/contender.ts';
import { median } from './measure.ts';
import type { BenchPath } from './paths.ts';
import type { Sample } from './rounds.ts';

export interface ContenderSummary {
  readonly id: string;
  readonly label: string;
  readonly role: Contender['role'];
  readonly headline: boolean;
  readonly staged: boolean;
  readonly runs: number;
  /** Runs that moved exactly the data set; only these are timed. */
  readonly counted: number;
  readonly problems: readonly string[];
  readonly medianSeconds: number | null;
  readonly rowsPerSecond: number | null;
  readonly maxRssMb: number | null;
  /** Median CPU seconds (user + system) per million rows moved, over the counted runs. */
  readonly cpuPerMillionRows: number | null;
  /** DataBridge only: its own `seconds`, the load stages (extract to load_facts) and validation. */
  readonly own: { readonly seconds: number; readonly load: number; readonly validate: number } | null;
}

export interface PathSummary {
  readonly path: BenchPath;
  /** Rows one run moves: N customers + 2N orders. */
  readonly rowsMoved: number;
  readonly contenders: readonly ContenderSummary[];
  readonly headline: ContenderSummary | null;
  /** The fastest baseline by median: what the path's target compares against. */
  readonly bestBaseline: ContenderSummary | null;
  /** Headline DataBridge rows/s over the best baseline's. */
  readonly ratio: number | null;
  readonly pass: boolean | null;
}

/**
 * DataBridge's seconds up to and including the loads (everything before validate and report). Not a
 * sum of the load stages: when no foreign key is checked while loading, both run at the same time.
 */
export const loadSeconds = (a: DataBridgeAccount) =>
  Math.max(0, a.seconds - (a.stages.validate ?? 0) - (a.stages.report ?? 0));

export function summarisePath(path: BenchPath, rows: number, samples: readonly Sample[]): PathSummary {
  const rowsMoved = 3 * rows;
  const contenders = path.contenders(rows).map((c) => summariseContender(c, rowsMoved, samples));
  const headline = contenders.find((c) => c.headline) ?? null;
  const baselines = contenders.filter((c) => c.role === 'baseline' && c.rowsPerSecond !== null);
  const bestBaseline = baselines.sort((a, b) => b.rowsPerSecond! - a.rowsPerSecond!)[0] ?? null;
  const ratio =
    headline?.rowsPerSecond && bestBaseline?.rowsPerSecond
      ? headline.rowsPerSecond / bestBaseline.rowsPerSecond
      : null;
  return {
    path,
    rowsMoved,
    contenders,
    headline,
    bestBaseline,
    ratio,
    pass: ratio === null ? null : ratio >= path.target.ratio,
  };
}

function summariseContender(c: Contender, rowsMoved: number, all: readonly Sample[]): ContenderSummary {
  const samples = all.filter((s) => s.contenderId === c.id);
  const good = samples.filter((s) => s.problem === null);
  const seconds = good.length > 0 ? median(good.map((s) => s.seconds)) : null;
  const rss = samples.map((s) => s.peakRssMb).filter((m): m is number => m !== null);
  const cpu = good.map((s) => s.cpuSeconds).filter((c): c is number => c !== null);
  const accounts = good.map((s) => s.databridge).filter((a) => a !== undefined);
  const own =
    accounts.length > 0
      ? {
          seconds: median(accounts.map((a) => a.seconds)),
          load: median(accounts.map(loadSeconds)),
          validate: median(accounts.map((a) => a.stages.validate ?? 0)),
        }
      : null;
  return {
    id: c.id,
    label: c.label,
    role: c.role,
    headline: c.headline ?? false,
    staged: c.staged ?? false,
    runs: samples.length,
    counted: good.length,
    problems: [...new Set(samples.map((s) => s.problem).filter((p): p is string => p !== null))],
    medianSeconds: seconds,
    rowsPerSecond: seconds ? rowsMoved / seconds : null,
    maxRssMb: rss.length > 0 ? Math.max(...rss) : null,
    cpuPerMillionRows: cpu.length > 0 ? median(cpu) / (rowsMoved / 1_000_000) : null,
    own,
  };
}

/** The parallelism line: DataBridge p4 against p1 on the same path, whole command and load stages. */
export function parallelSpeedUp(pg: PathSummary | undefined) {
  const p4 = pg?.contenders.find((c) => c.id === 'databridge');
  const p1 = pg?.contenders.find((c) => c.id === 'databridge-p1');
  if (!p4?.medianSeconds || !p1?.medianSeconds || !p4.own || !p1.own) return null;
  return {
    p1: { seconds: p1.medianSeconds, load: p1.own.load },
    p4: { seconds: p4.medianSeconds, load: p4.own.load },
    whole: p1.medianSeconds / p4.medianSeconds,
    load: p1.own.load / p4.own.load,
  };
}

/** The staged line of a path against its headline (direct) line, both from the same rounds. */
export function stagedOverhead(p: PathSummary) {
  const staged = p.contenders.find((c) => c.staged);
  const direct = p.headline;
  if (!staged?.medianSeconds || !direct?.medianSeconds) return null;
  return {
    staged: { seconds: staged.medianSeconds, peakRssMb: staged.maxRssMb },
    direct: { seconds: direct.medianSeconds, peakRssMb: direct.maxRssMb },
    /** Staged median seconds over direct: 2 means twice the time. */
    time: staged.medianSeconds / direct.medianSeconds,
  };
}
