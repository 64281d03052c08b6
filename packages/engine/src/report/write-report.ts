import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunSummary } from '../run/run-summary.ts';
import { renderHtmlReport } from './html-report.ts';

/** Writes `report.json` and a self-contained `report.html` into `<reportsDir>/<runId>/`. */
export function writeReport(summary: RunSummary, reportsDir: string): { json: string; html: string } {
  const dir = resolve(reportsDir, summary.runId);
  mkdirSync(dir, { recursive: true });
  const paths = { json: join(dir, 'report.json'), html: join(dir, 'report.html') };
  const withPaths = { ...summary, report: paths };
  writeFileSync(paths.json, `${JSON.stringify(withPaths, null, 2)}\n`);
  writeFileSync(paths.html, renderHtmlReport(withPaths));
  return paths;
}
