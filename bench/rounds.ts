import { loadavg } from 'node:os';
import type { Contender, DataBridgeAccount } from './contenders/contender.ts';
import { type Fingerprint, fingerprintDiff } from './data/fingerprint.ts';
import type { BenchPath, PathId } from './paths.ts';
import { inspectTarget, resetTarget, type TargetRows } from './target.ts';

/** One timed run of one contender, and what the target held afterwards. */
export interface Sample {
  readonly contenderId: string;
  readonly round: number;
  readonly seconds: number;
  readonly peakRssMb: number | null;
  /** User + system CPU seconds of the contender's process and the children it waited for. */
  readonly cpuSeconds: number | null;
  readonly rows: TargetRows | null;
  /** Why this run does not count (the contender failed, or the target holds other rows), else null. */
  readonly problem: string | null;
  readonly databridge?: DataBridgeAccount;
  /** DataBridge runs: which version of the engine's sources ran. */
  readonly engine?: string;
  /** The 1-minute load average as the run started: above the benchmark's own ~1-2, something else ran. */
  readonly loadBefore: number;
}

export type Log = (line: string) => void;

/**
 * Round r runs every contender of every path once, each after a target reset; the order within a path
 * rotates by one each round so that no contender always goes first (or always runs on a warm cache).
 */
export async function runRounds(
  paths: readonly BenchPath[],
  rows: number,
  repeat: number,
  expected: Fingerprint,
  log: Log,
): Promise<Map<PathId, Sample[]>> {
  const samples = new Map<PathId, Sample[]>(paths.map((p) => [p.id, []]));
  for (let round = 1; round <= repeat; round++) {
    for (const path of paths) {
      for (const contender of rotate(path.contenders(rows), round - 1)) {
        const sample = await timedRun(contender, round, rows, expected);
        samples.get(path.id)!.push(sample);
        log(describe(path, contender, sample, repeat));
      }
    }
  }
  return samples;
}

/** Resets the target, runs the contender, then counts and fingerprints what arrived. */
export async function timedRun(
  contender: Contender,
  round: number,
  rows: number,
  expected: Fingerprint,
): Promise<Sample> {
  await resetTarget();
  const loadBefore = loadavg()[0] ?? 0;
  const result = await contender.run();
  let problem = result.error;
  let moved: TargetRows | null = null;
  try {
    const target = await inspectTarget();
    moved = target.rows;
    if (moved.customers !== rows || moved.orders !== 2 * rows) {
      problem ??= `moved ${moved.customers} customers and ${moved.orders} orders, expected ${rows} and ${2 * rows}`;
    } else {
      const diff = fingerprintDiff(expected, target.fingerprint);
      if (diff.length > 0) problem ??= `right row counts but different content: ${diff.join('; ')}`;
    }
  } catch (error) {
    problem ??= `could not check the target: ${error instanceof Error ? error.message : String(error)}`;
  }
  return {
    contenderId: contender.id,
    round,
    seconds: result.measured.seconds,
    peakRssMb: result.measured.peakRssMb,
    cpuSeconds: result.measured.cpuSeconds,
    rows: moved,
    problem,
    loadBefore,
    ...(result.databridge ? { databridge: result.databridge } : {}),
    ...(result.engine ? { engine: result.engine } : {}),
  };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function describe(path: BenchPath, contender: Contender, s: Sample, repeat: number): string {
  const rss = s.peakRssMb === null ? '' : `, peak RSS ${s.peakRssMb.toFixed(0)} MB`;
  const outcome = s.problem ? `NOT COUNTED: ${s.problem}` : `${s.seconds.toFixed(2)} s${rss}`;
  return `[${s.round}/${repeat}] ${path.id} ${contender.id}: ${outcome}`;
}
