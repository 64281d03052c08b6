import { useId } from 'react';
import type { MetricsSample } from './execution-types.ts';
import { formatDuration, formatRate } from './monitor-format.ts';

const WIDTH = 640;
const HEIGHT = 180;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/** 1, 2 or 5 times a power of ten, at least `value`: a y-axis top a person reads at a glance. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function shortRate(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n % 1_000_000 === 0 ? 0 : 1)}M`;
  if (n >= 1000) return `${(n / 1000).toFixed(n % 1000 === 0 ? 0 : 1)}k`;
  return String(n);
}

/**
 * Rows written per second at each moment of the execution (a pause drops to zero), drawn in SVG;
 * the summary a screen reader hears (peak, latest, throughput) is its caption.
 */
export function ThroughputChart({ samples }: { samples: readonly MetricsSample[] }) {
  const id = useId();
  if (samples.length < 2) {
    return (
      <p className="rounded-md border border-dashed border-slate-300 px-3 py-6 text-center text-sm text-slate-600">
        The chart appears once the load has run for a couple of seconds.
      </p>
    );
  }
  const times = samples.map((s) => Date.parse(s.time));
  const start = times[0]!;
  const span = Math.max(1, (times[times.length - 1]! - start) / 1000);
  const rates = samples.map((s) => s.rowsPerSecond);
  const peak = Math.max(...rates);
  const top = niceCeiling(peak);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + ((t - start) / 1000 / span) * plotW;
  const y = (rate: number) => PAD.top + plotH - (rate / top) * plotH;
  const points = samples.map((s, i) => `${x(times[i]!).toFixed(1)},${y(s.rowsPerSecond).toFixed(1)}`);
  const baseline = PAD.top + plotH;
  const area = `M${x(start).toFixed(1)},${baseline} L${points.join(' L')} L${x(times[times.length - 1]!).toFixed(1)},${baseline} Z`;
  const last = samples[samples.length - 1]!;
  // The one throughput (docs/throughput.md), as the tile and the report show it.
  const throughput = last.runningMs > 0 ? last.attemptRows / (last.runningMs / 1000) : 0;
  const summary = `Peak ${formatRate(peak)}, latest ${formatRate(last.rowsPerSecond)}, throughput ${formatRate(throughput)} over ${formatDuration(span)}.`;
  const grid = [0, 0.5, 1];
  return (
    <figure className="space-y-1">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full"
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
      >
        <title id={`${id}-title`}>Throughput over time</title>
        {grid.map((g) => (
          <g key={g}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(top * g)}
              y2={y(top * g)}
              stroke="#e2e8f0"
              strokeWidth="1"
            />
            <text x={PAD.left - 6} y={y(top * g) + 4} textAnchor="end" fontSize="11" fill="#475569">
              {shortRate(top * g)}
            </text>
          </g>
        ))}
        <text x={PAD.left} y={HEIGHT - 8} fontSize="11" fill="#475569">
          0 s
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end" fontSize="11" fill="#475569">
          {formatDuration(span)}
        </text>
        <text x={WIDTH / 2} y={HEIGHT - 8} textAnchor="middle" fontSize="11" fill="#475569">
          rows/s over time
        </text>
        <path d={area} fill="#cffafe" />
        <polyline
          points={points.join(' ')}
          fill="none"
          stroke="#0891b2"
          strokeWidth="2"
          strokeLinejoin="round"
        />
        <circle
          cx={x(times[times.length - 1]!)}
          cy={y(last.rowsPerSecond)}
          r="3.5"
          fill="#32dbbc"
          stroke="#0f172a"
        />
      </svg>
      <figcaption id={`${id}-desc`} className="text-xs text-slate-600">
        {summary}
      </figcaption>
    </figure>
  );
}
